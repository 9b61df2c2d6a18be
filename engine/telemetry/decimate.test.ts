import { describe, expect, it } from 'vitest';
import { fromRows, matrix } from '../core/matrix.js';
import { decimate, decimateSeries, sourceRange } from './decimate.js';

describe('decimate', () => {
  it('returns small matrices unchanged (as float32)', () => {
    const m = fromRows([
      [1, -2],
      [3, 4],
    ]);
    const d = decimate(m, 256, 256);
    expect([d.rows, d.cols, d.sourceRows, d.sourceCols]).toEqual([2, 2, 2, 2]);
    expect(Array.from(d.data)).toEqual([1, -2, 3, 4]);
  });

  it('keeps the largest-magnitude value of each block, with its sign', () => {
    // 4×4 → 2×2: blocks are the four 2×2 quadrants.
    const m = fromRows([
      [0.1, 0.2, 1, 2],
      [-0.9, 0.3, -5, 4],
      [0, 0, 7, 7],
      [0, 0, 7, -7.5],
    ]);
    expect(Array.from(decimate(m, 2, 2).data)).toEqual([Math.fround(-0.9), -5, 0, -7.5]);
  });

  it('never hides a single spike or NaN in a 1000×1000 matrix shrunk to 256×256', () => {
    const m = matrix(1000, 1000);
    m.data.fill(0.01);
    m.data[123 * 1000 + 877] = 1e6;
    m.data[999 * 1000 + 999] = NaN;
    m.data[500 * 1000 + 3] = -Infinity;
    const d = decimate(m, 256, 256);
    expect([d.rows, d.cols]).toEqual([256, 256]);
    const at = (i: number, j: number) => d.data[Math.floor((i * 256) / 1000) * 256 + Math.floor((j * 256) / 1000)]!;
    expect(at(123, 877)).toBe(1e6);
    expect(at(999, 999)).toBeNaN();
    expect(at(500, 3)).toBe(-Infinity);
    expect(Array.from(d.data).filter((x) => x !== Math.fround(0.01))).toHaveLength(3);
  });

  it('NaN wins over Infinity in the same block; every block covers at least one source cell', () => {
    const m = matrix(3, 1, [Infinity, NaN, 1]);
    expect(Array.from(decimate(m, 1, 1).data)).toEqual([NaN]);
    for (const [src, out] of [
      [7, 3],
      [10, 4],
      [5, 5],
      [1000, 256],
    ]) {
      let covered = 0;
      for (let k = 0; k < out!; k++) {
        const [a, b] = sourceRange(k, src!, out!);
        expect(b).toBeGreaterThan(a);
        for (let i = a; i < b; i++) expect(Math.floor((i * out!) / src!)).toBe(k);
        covered += b - a;
      }
      expect(covered).toBe(src);
    }
  });

  it('rejects a target smaller than 1×1', () => {
    expect(() => decimate(matrix(2, 2), 0, 4)).toThrow(/at least 1×1/);
  });
});

describe('decimateSeries', () => {
  it('keeps each bucket’s minimum and maximum so spikes and dips survive', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => 1 / (1 + i / 100));
    values[4321] = 50;
    values[8000] = -3;
    const d = decimateSeries(values, 200);
    expect(d.x.length).toBeLessThanOrEqual(200);
    expect(Array.from(d.y)).toContain(50);
    expect(Array.from(d.y)).toContain(-3);
    expect(Array.from(d.x)).toEqual([...d.x].sort((a, b) => a - b));
  });

  it('keeps a NaN and passes short series through', () => {
    const values = Array.from({ length: 1000 }, () => 1);
    values[10] = NaN;
    expect(Array.from(decimateSeries(values, 20).y).some(Number.isNaN)).toBe(true);
    expect(Array.from(decimateSeries([3, 2, 1], 20).y)).toEqual([3, 2, 1]);
  });
});

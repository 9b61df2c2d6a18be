import { describe, expect, it } from 'vitest';
import { fromRows, matrix } from '../core/matrix.js';
import { decimate, redecimate } from './decimate.js';

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

  it('never hides a single spike or NaN in a 1000×1000 matrix shrunk to at most 256×256 (uniform 4×4 blocks)', () => {
    const m = matrix(1000, 1000);
    m.data.fill(0.01);
    m.data[123 * 1000 + 877] = 1e6;
    m.data[999 * 1000 + 999] = NaN;
    m.data[500 * 1000 + 3] = -Infinity;
    const d = decimate(m, 256, 256);
    expect([d.rows, d.cols, d.blockRows, d.blockCols]).toEqual([250, 250, 4, 4]);
    const at = (i: number, j: number) => d.data[Math.floor(i / d.blockRows) * d.cols + Math.floor(j / d.blockCols)]!;
    expect(at(123, 877)).toBe(1e6);
    expect(at(999, 999)).toBeNaN();
    expect(at(500, 3)).toBe(-Infinity);
    expect(Array.from(d.data).filter((x) => x !== Math.fround(0.01))).toHaveLength(3);
    // The range and the non-finite count are the source's.
    expect([d.min, d.max, d.nonFinite]).toEqual([0.01, 1e6, 2]);
  });

  it('NaN wins over Infinity in the same block; the blocks cover the source exactly', () => {
    const m = matrix(3, 1, [Infinity, NaN, 1]);
    expect(Array.from(decimate(m, 1, 1).data)).toEqual([NaN]);
    for (const [src, max] of [
      [7, 3],
      [10, 4],
      [5, 5],
      [1000, 256],
    ]) {
      const d = decimate(matrix(src!, 1), max!, 1);
      expect(d.rows).toBeLessThanOrEqual(max!);
      // Every cell covers blockRows source rows but the last, which covers the rest (at least one).
      expect((d.rows - 1) * d.blockRows).toBeLessThan(src!);
      expect(d.rows * d.blockRows).toBeGreaterThanOrEqual(src!);
    }
  });

  it('decimating a decimated copy describes the original source (history copies shown smaller)', () => {
    const m = matrix(100, 30);
    for (let k = 0; k < m.data.length; k++) m.data[k] = Math.sin(k);
    m.data[77 * 30 + 29] = 40;
    const once = decimate(m, 64, 64);
    const twice = redecimate(once, 10, 10);
    const direct = decimate(m, 10, 10);
    expect([twice.rows, twice.cols, twice.blockRows, twice.blockCols]).toEqual([
      direct.rows,
      direct.cols,
      direct.blockRows,
      direct.blockCols,
    ]);
    expect(Array.from(twice.data)).toEqual(Array.from(direct.data));
    expect([twice.sourceRows, twice.sourceCols, twice.max]).toEqual([100, 30, 40]);
  });

  it('rejects a target smaller than 1×1', () => {
    expect(() => decimate(matrix(2, 2), 0, 4)).toThrow(/at least 1×1/);
  });
});

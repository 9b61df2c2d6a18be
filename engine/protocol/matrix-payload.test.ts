import { describe, expect, it } from 'vitest';
import { decimate, fullResolution, transferablesOf } from './matrix-payload.js';

describe('decimate', () => {
  it('passes small matrices through unchanged, as float32', () => {
    const p = decimate({ rows: 2, cols: 3, data: [1, -2, 3, 4, 5, -6] }, 0, 'W', 256);
    expect(p).toMatchObject({
      rows: 2,
      cols: 3,
      sourceRows: 2,
      sourceCols: 3,
      blockRows: 1,
      blockCols: 1,
      min: -6,
      max: 5,
      nonFinite: 0,
    });
    expect(Array.from(p.data)).toEqual([1, -2, 3, 4, 5, -6]);
    expect(p.data).toBeInstanceOf(Float32Array);
  });

  it('pools blocks keeping the value of largest magnitude, with its sign', () => {
    // 4×4 → 2×2 with maxSize 2
    const data = [1, 2, 0, 0, 3, -9, 0, 1, 0, 0, 0, 0, 0, 0, 0, -0.5];
    const p = decimate({ rows: 4, cols: 4, data }, 1, 'G', 2);
    expect(p).toMatchObject({ rows: 2, cols: 2, blockRows: 2, blockCols: 2 });
    expect(Array.from(p.data)).toEqual([-9, 1, 0, -0.5]);
  });

  it('never hides a NaN or an infinity and never exceeds maxSize', () => {
    const n = 1000;
    const data = new Float64Array(n * 3);
    data[500 * 3 + 1] = NaN;
    data[10] = -Infinity;
    const p = decimate({ rows: n, cols: 3, data }, 0, 'G', 256);
    expect(p.rows).toBeLessThanOrEqual(256);
    expect(p.rows).toBe(Math.ceil(n / Math.ceil(n / 256)));
    expect(p.nonFinite).toBe(2);
    expect(Array.from(p.data).filter(Number.isNaN).length).toBe(1);
    expect(Array.from(p.data)).toContain(-Infinity);
    expect(p.min).toBe(0);
  });

  it('reports null range for an all-NaN matrix', () => {
    const p = decimate({ rows: 1, cols: 2, data: [NaN, NaN] }, 0, 'A', 4);
    expect(p.min).toBeNull();
    expect(p.nonFinite).toBe(2);
  });

  it('keeps float64 at full resolution and lists each buffer once for transfer', () => {
    const src = { rows: 300, cols: 1, data: new Float64Array(300).fill(0.1) };
    const f = fullResolution(src, 0, 'H');
    expect(f.data).toBeInstanceOf(Float64Array);
    expect(f.data[0]).toBe(0.1);
    expect(f.data).not.toBe(src.data);
    expect(transferablesOf([f, f]).length).toBe(1);
  });
});

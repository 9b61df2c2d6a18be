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

  it('matches a naive block-by-block reference on random shapes with NaN and ±Infinity', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 80; trial++) {
      const rows = 1 + Math.floor(rand() * 90);
      const cols = 1 + Math.floor(rand() * 90);
      const maxSize = 1 + Math.floor(rand() * 40);
      // Float32 sources take the integer path, float64 ones the Math.max/min path; some trials are all finite.
      const make = (n: number, f: () => number): Float32Array | Float64Array =>
        trial % 2 === 0 ? Float32Array.from({ length: n }, f) : Float64Array.from({ length: n }, f);
      const special = trial % 4 < 2 ? 0.01 : 0;
      const data = make(rows * cols, () => {
        const u = rand();
        const v = (rand() - 0.5) * 10;
        // Some exact ±v ties, to pin the tie rule (positive wins).
        const x = rand() < 0.05 ? (rand() < 0.5 ? 1.5 : -1.5) : v;
        return u < special ? NaN : u < 2 * special ? Infinity : u < 3 * special ? -Infinity : x;
      });
      const p = decimate({ rows, cols, data }, 0, 'G', maxSize);
      for (let r = 0; r < p.rows; r++)
        for (let c = 0; c < p.cols; c++) {
          const cells: number[] = [];
          for (let i = r * p.blockRows; i < Math.min(rows, (r + 1) * p.blockRows); i++)
            for (let j = c * p.blockCols; j < Math.min(cols, (c + 1) * p.blockCols); j++)
              cells.push(data[i * cols + j]!);
          let want: number;
          if (cells.some(Number.isNaN)) want = NaN;
          // Largest magnitude; a tie between x and −x keeps the positive one.
          else
            want = cells.reduce(
              (a, b) => (Math.abs(b) > Math.abs(a) || (Math.abs(b) === Math.abs(a) && b > a) ? b : a),
              cells[0]!,
            );
          expect(p.data[r * p.cols + c]).toBe(Math.fround(want));
        }
      const finite = Array.from(data).filter(Number.isFinite);
      expect(p.nonFinite).toBe(data.length - finite.length);
      expect(p.min).toBe(finite.length ? Math.min(...finite) : null);
      expect(p.max).toBe(finite.length ? Math.max(...finite) : null);
    }
  });

  it('pools tall float32 matrices (blocks one column wide, e.g. W_0 784×256) like the block path', () => {
    // Same values through the one-column-block path (cols ≤ maxSize) and, transposed, the general path.
    const rows = 37;
    const cols = 5;
    const data = Float32Array.from({ length: rows * cols }, (_, k) => ((k * 7919) % 23) - 11.5);
    data[3 * cols + 2] = NaN;
    data[20 * cols + 4] = -Infinity;
    data[36 * cols + 0] = 1e30;
    const p = decimate({ rows, cols, data }, 0, 'W', 8);
    expect([p.rows, p.cols, p.blockRows, p.blockCols]).toEqual([8, 5, 5, 1]);
    const t = Float32Array.from({ length: rows * cols }, (_, k) => data[(k % rows) * cols + Math.floor(k / rows)]!);
    const q = decimate({ rows: cols, cols: rows, data: t }, 0, 'W', 8);
    expect([q.rows, q.cols, q.blockRows, q.blockCols]).toEqual([5, 8, 1, 5]);
    for (let r = 0; r < p.rows; r++)
      for (let c = 0; c < p.cols; c++) expect(p.data[r * p.cols + c]).toBe(q.data[c * q.cols + r]);
    expect(p.data[0 * cols + 2]).toBeNaN();
    expect(p.data[4 * cols + 4]).toBe(-Infinity);
    expect(p.data[7 * cols + 0]).toBe(Math.fround(1e30));
    expect([p.min, p.max, p.nonFinite]).toEqual([q.min, q.max, 2]);
  });

  it('gets the range right for one-signed float32 matrices (ReLU outputs, softmax) and all zeros', () => {
    const relu = Float32Array.from({ length: 600 * 3 }, (_, k) => (k % 7 === 0 ? 0 : 0.25 + (k % 11)));
    const p = decimate({ rows: 600, cols: 3, data: relu }, 1, 'A', 256);
    expect(p).toMatchObject({ min: 0, max: 10.25, nonFinite: 0 });
    const neg = decimate({ rows: 600, cols: 3, data: relu.map((x) => -x - 1) }, 1, 'G', 256);
    expect(neg).toMatchObject({ min: -11.25, max: -1, nonFinite: 0 });
    const zeros = decimate({ rows: 600, cols: 3, data: new Float32Array(1800) }, 0, 'dW', 256);
    expect(zeros).toMatchObject({ min: 0, max: 0, nonFinite: 0 });
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

import { describe, expect, it } from 'vitest';
import { blockOf, cellAt, diffMatrix, formatValue, paintMatrix } from './paint.js';
import { matrixPayload } from '../../testing/factories.js';
import { divergingLut, divergingRgb, LUT_CENTER, NAN_RGB, POS_INF_RGB, NEG_INF_RGB, unpackRgba } from './colour-scale.js';
import { maxAbsFinite, ScaleTracker } from './scaling.js';

const rgbOf = (word: number) => unpackRgba(word).slice(0, 3);

describe('diverging colour scale', () => {
  it('is white at 0, red for positive, blue for negative, symmetric in lightness', () => {
    expect(divergingRgb(0)).toEqual([247, 247, 247]);
    const [r, g, b] = divergingRgb(1);
    expect(r).toBeGreaterThan(b);
    const [r2, , b2] = divergingRgb(-1);
    expect(b2).toBeGreaterThan(r2);
    expect(g).toBeLessThan(50);
    // the LUT's centre entry is exactly the colour of 0
    expect(rgbOf(divergingLut().words[LUT_CENTER]!)).toEqual([247, 247, 247]);
  });
});

describe('paintMatrix', () => {
  it('writes one pixel per cell for a known matrix, centred at 0', () => {
    const m = { rows: 2, cols: 3, data: [-2, 0, 2, 1, -1, NaN] };
    const out = new Uint32Array(6);
    paintMatrix(m, 2, out);
    expect(rgbOf(out[1]!)).toEqual([247, 247, 247]); // 0 → white
    expect(rgbOf(out[2]!)).toEqual(divergingRgb(1)); // +limit → darkest red
    expect(rgbOf(out[0]!)).toEqual(divergingRgb(-1)); // -limit → darkest blue
    expect(rgbOf(out[3]!)).toEqual(divergingRgb(0.5).map((c) => c)); // half way
    expect(rgbOf(out[5]!)).toEqual([...NAN_RGB]);
    for (const w of out) expect(unpackRgba(w)[3]).toBe(255); // opaque
    // symmetric: +1 and -1 are different colours of equal distance from white's index
    expect(out[3]).not.toBe(out[4]);
  });

  it('clamps beyond the limit and marks ±Inf distinctly', () => {
    const out = new Uint32Array(4);
    paintMatrix({ rows: 1, cols: 4, data: [10, -10, Infinity, -Infinity] }, 1, out);
    expect(rgbOf(out[0]!)).toEqual(divergingRgb(1));
    expect(rgbOf(out[1]!)).toEqual(divergingRgb(-1));
    expect(rgbOf(out[2]!)).toEqual([...POS_INF_RGB]);
    expect(rgbOf(out[3]!)).toEqual([...NEG_INF_RGB]);
  });

  it('refuses a buffer that is too small', () => {
    expect(() => paintMatrix({ rows: 2, cols: 2, data: [1, 2, 3, 4] }, 1, new Uint32Array(3))).toThrow(/2×2 needs 4/);
  });
});

describe('cellAt (hover lookup)', () => {
  const m = { rows: 4, cols: 2, data: [0, 1, 2, 3, 4, 5, 6, 7] };
  it('maps a point to its row, column and exact value', () => {
    expect(cellAt(m, 0, 0, 20, 40)).toEqual({ row: 0, col: 0, value: 0 });
    expect(cellAt(m, 15, 25, 20, 40)).toEqual({ row: 2, col: 1, value: 5 });
    expect(cellAt(m, 19.99, 39.99, 20, 40)).toEqual({ row: 3, col: 1, value: 7 });
  });
  it('is null outside the box', () => {
    expect(cellAt(m, -1, 5, 20, 40)).toBeNull();
    expect(cellAt(m, 5, 40, 20, 40)).toBeNull();
  });
});

describe('scaling', () => {
  it('ignores non-finite values when finding the frame maximum', () => {
    expect(maxAbsFinite([1, -3, NaN, Infinity])).toBe(3);
  });
  it('windowed scaling remembers the largest recent frame; per-frame does not', () => {
    const win = new ScaleTracker('window', 3);
    const frame = new ScaleTracker('frame');
    expect(win.next(5)).toBe(5);
    expect(win.next(1)).toBe(5);
    expect(frame.next(5)).toBe(5);
    expect(frame.next(1)).toBe(1);
    win.next(1);
    expect(win.next(1)).toBe(1); // 5 left the window
    expect(new ScaleTracker('fixed', 1, 0.25).next(9)).toBe(0.25);
  });
});

describe('blockOf', () => {
  it('reads the block geometry of a protocol payload, and 1 × 1 of a plain matrix', () => {
    const decimated = { ...matrixPayload('W', 0, 2, 3, 1), sourceRows: 8, sourceCols: 9, blockRows: 4, blockCols: 3 };
    expect(blockOf(decimated)).toEqual({ r: 4, c: 3, rows: 8, cols: 9 });
    expect(blockOf({ rows: 2, cols: 3, data: new Float32Array(6) })).toEqual({ r: 1, c: 1, rows: 2, cols: 3 });
    expect(blockOf(null)).toEqual({ r: 1, c: 1, rows: 0, cols: 0 });
  });
});

describe('helpers', () => {
  it('diffs matrices and formats exact values', () => {
    expect(Array.from(diffMatrix({ rows: 1, cols: 2, data: [3, 1] }, { rows: 1, cols: 2, data: [1, 1] }).data)).toEqual([2, 0]);
    expect(() => diffMatrix({ rows: 1, cols: 2, data: [] }, { rows: 2, cols: 1, data: [] })).toThrow(/1×2 vs 2×1/);
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(-Infinity)).toBe('-Inf');
    expect(formatValue(0.000012345)).toBe('1.234500e-5');
    expect(formatValue(0.5)).toBe('0.5000000');
  });
});

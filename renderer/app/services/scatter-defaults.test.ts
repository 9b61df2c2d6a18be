import { describe, expect, it } from 'vitest';
import { defaultScatterAxes } from './scatter-defaults.js';

const m = (rows: number[][]) => ({ rows: rows.length, cols: rows[0]!.length, data: Float64Array.from(rows.flat()) });

describe('default scatter axes', () => {
  it('skips constant and 0/1 columns when real measurements exist', () => {
    const X = m([[0, 1, 5.1, 0, 3.5], [0, 0, 4.9, 0, 3.0], [0, 1, 6.2, 0, 2.9], [0, 0, 5.8, 0, 2.7]]);
    expect(defaultScatterAxes(X, m([[1], [0], [1], [0]]), true)).toEqual({ x: 2, y: 4, yIsTarget: false });
  });
  it('regression with one real feature plots it against the target', () => {
    const X = m([[80, 0, 1], [90, 1, 0], [100, 0, 1]]);
    expect(defaultScatterAxes(X, m([[15], [16], [17]]), false)).toMatchObject({ x: 0, yIsTarget: true });
  });
});

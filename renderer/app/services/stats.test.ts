import { describe, expect, it } from 'vitest';
import { argmaxRows, columnStats } from './stats.js';

describe('columnStats', () => {
  it('gives count, min, max, mean and sample std per column, counting non-finite cells apart', () => {
    const s = columnStats({ rows: 4, cols: 2, data: [1, 10, 2, NaN, 3, 30, 4, 40] }, ['a', 'b']);
    expect(s[0]).toMatchObject({ name: 'a', count: 4, min: 1, max: 4, mean: 2.5, nonFinite: 0 });
    expect(s[0]!.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(s[1]).toMatchObject({ name: 'b', count: 3, min: 10, max: 40, nonFinite: 1 });
    expect(s[1]!.mean).toBeCloseTo(80 / 3, 12);
  });
  it('finds class indices of one-hot rows', () => {
    expect(Array.from(argmaxRows({ rows: 2, cols: 3, data: [0, 1, 0, 0.1, 0.2, 0.7] }))).toEqual([1, 2]);
  });
});

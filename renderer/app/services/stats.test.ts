import { describe, expect, it } from 'vitest';
import { argmaxRows } from './stats.js';

describe('argmaxRows', () => {
  it('finds class indices of one-hot rows', () => {
    expect(Array.from(argmaxRows({ rows: 2, cols: 3, data: [0, 1, 0, 0.1, 0.2, 0.7] }))).toEqual([1, 2]);
  });
});

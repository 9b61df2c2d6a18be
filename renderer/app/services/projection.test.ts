import { describe, expect, it } from 'vitest';
import { pca2 } from './projection.js';

describe('pca2', () => {
  it('finds the direction of most variance first, and its share', () => {
    // points along (1, 1, 0) with small noise in the third axis and a constant fourth column
    const rows: number[][] = [];
    for (let k = -10; k <= 10; k++) rows.push([k, k + 0.01 * (k % 3), 0.1 * Math.sin(k), 7]);
    const X = { rows: rows.length, cols: 4, data: Float64Array.from(rows.flat()) };
    const p = pca2(X);
    expect(p.explained[0]).toBeGreaterThan(0.6);
    expect(p.explained[0] + p.explained[1]).toBeCloseTo(1, 6); // the constant column carries nothing
    // the first coordinate orders the samples along the line
    const first = Array.from({ length: X.rows }, (_, i) => p.coords[2 * i]!);
    const increasing = first.every((v, i) => i === 0 || v > first[i - 1]!);
    const decreasing = first.every((v, i) => i === 0 || v < first[i - 1]!);
    expect(increasing || decreasing).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { matrix } from '../core/matrix.js';
import { classificationMetrics, EXAMPLES_PER_CELL } from './classification.js';

describe('classification metrics', () => {
  it('counts the confusion matrix by argmax, with per-class counts and accuracy', () => {
    // true classes: 0, 1, 2, 2 ; predicted: 0, 2, 2, 1
    const Y = matrix(4, 3, [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1]);
    const F = matrix(4, 3, [0.8, 0.1, 0.1, 0.1, 0.2, 0.7, 0, 0.1, 0.9, 0.2, 0.5, 0.3]);
    const m = classificationMetrics(F, Y, [10, 11, 12, 13]);
    expect(m.accuracy).toBe(0.5);
    expect(m.confusion).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 1]);
    expect(m.classCounts).toEqual([1, 1, 2]);
    expect(m.predictedCounts).toEqual([1, 1, 2]);
    expect(m.examples[1 * 3 + 2]).toEqual([11]); // true 1 predicted 2: dataset row 11
    expect(m.examples[2 * 3 + 1]).toEqual([13]);
  });

  it('reads a single output as two classes split at 0.5', () => {
    const m = classificationMetrics(matrix(3, 1, [0.9, 0.2, 0.6]), matrix(3, 1, [1, 0, 0]));
    expect(m.classes).toBe(2);
    expect(m.confusion).toEqual([1, 1, 0, 1]);
    expect(m.accuracy).toBeCloseTo(2 / 3);
  });

  it('keeps only the first examples of a cell; NaN outputs never win the argmax; shapes must agree', () => {
    const n = EXAMPLES_PER_CELL + 5;
    const Y = matrix(n, 2, Array.from({ length: n }, () => [1, 0]).flat());
    const F = matrix(n, 2, Array.from({ length: n }, () => [NaN, 1]).flat());
    const m = classificationMetrics(F, Y);
    expect(m.confusion).toEqual([0, n, 0, 0]);
    expect(m.examples[1]).toHaveLength(EXAMPLES_PER_CELL);
    expect(() => classificationMetrics(matrix(1, 2), matrix(2, 2))).toThrow(/F is 1×2 but Y is 2×2/);
  });
});

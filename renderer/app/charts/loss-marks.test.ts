import { describe, expect, it } from 'vitest';
import { countNonFinite, nonFiniteRuns } from './loss-marks.js';

describe('nonFiniteRuns', () => {
  it('finds runs of NaN and ±Infinity by step, naming what they hold', () => {
    const steps = [1, 2, 3, 5, 8, 9, 10, 12];
    const loss = [0.5, NaN, NaN, 0.4, Infinity, NaN, 0.3, -Infinity];
    expect(nonFiniteRuns(steps, loss)).toEqual([
      { from: 2, to: 3, kind: 'NaN', points: 2 },
      { from: 8, to: 9, kind: 'NaN/Inf', points: 2 },
      { from: 12, to: 12, kind: '-Inf', points: 1 },
    ]);
    expect(countNonFinite(loss)).toBe(5);
  });
  it('finds none in a finite curve, and stops at `max` runs', () => {
    expect(nonFiniteRuns([1, 2], [0.1, 0.2])).toEqual([]);
    const steps = Array.from({ length: 10 }, (_, k) => k);
    const loss = steps.map((k) => (k % 2 ? NaN : 1));
    expect(nonFiniteRuns(steps, loss, 3).map((r) => r.from)).toEqual([1, 3, 5]);
  });
});

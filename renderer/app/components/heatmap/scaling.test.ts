import { describe, expect, it } from 'vitest';
import { LOG_FLOOR, LOG_TOP, logMagnitude, ScaleTracker } from './scaling.js';

describe('shared log-magnitude scale', () => {
  it('maps |x| from 1e-8 to 1e2 onto [0, 1] with the sign kept, the same for every matrix', () => {
    expect([LOG_FLOOR, LOG_TOP]).toEqual([-8, 2]);
    const m = Array.from(logMagnitude([1e-8, -1e-3, 1, 100, 1e5, 1e-12, 0, NaN, -Infinity]));
    expect(m.slice(0, 7).map((v) => +v.toFixed(3))).toEqual([0, -0.5, 0.8, 1, 1, 0, 0]);
    expect(Number.isNaN(m[7])).toBe(true);
    expect(m[8]).toBe(-Infinity);
  });
  it('a 1e-8 gradient stays pale while a weight of 1 is strong (per-frame scaling would paint both full)', () => {
    const [g, w] = [logMagnitude([1e-8])[0]!, logMagnitude([1])[0]!];
    expect(g).toBeLessThan(0.05);
    expect(w).toBeGreaterThan(0.75);
    expect(new ScaleTracker('log').next(123)).toBe(1);
  });
});

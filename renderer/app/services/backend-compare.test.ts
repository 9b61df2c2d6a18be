import { describe, expect, it } from 'vitest';
import { relativeError } from './backend-compare.js';

describe('relativeError', () => {
  it('is |a − r| / max(|r|, floor) per element, with the largest relative and absolute errors', () => {
    const { rel, maxRel, maxAbs } = relativeError([1.001, 0, -2], [1, 1e-9, -2], 1e-6);
    expect(rel[0]).toBeCloseTo(1e-3, 6);
    expect(rel[1]).toBeCloseTo(1e-9 / 1e-6, 6); // the floor keeps a near-zero reference from exploding
    expect(rel[2]).toBe(0);
    expect(maxRel).toBeCloseTo(1e-3, 6);
    expect(maxAbs).toBeCloseTo(1e-3, 9);
  });
  it('keeps NaN visible and refuses mismatched lengths', () => {
    expect(Number.isNaN(relativeError([NaN], [1], 1e-6).maxRel)).toBe(true);
    expect(() => relativeError([1, 2], [1], 1e-6)).toThrow(/2 vs 1/);
  });
});

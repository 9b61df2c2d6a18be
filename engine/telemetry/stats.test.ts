import { describe, expect, it } from 'vitest';
import { fromRows, matrix } from '../core/matrix.js';
import { deadUnits, finiteRange, histogram, layerStats, saturatedFraction } from './stats.js';

describe('histogram', () => {
  it('puts values in fixed equal-width bins over the finite range, counting non-finite apart', () => {
    const h = histogram([0, 1, 2, 3, 4, NaN, Infinity], 4);
    expect([h.min, h.max, h.nonFinite]).toEqual([0, 4, 2]);
    expect(h.counts).toEqual([1, 1, 1, 2]); // 4 lands in the last bin
    expect(histogram([5, 5, 5], 3).counts).toEqual([0, 3, 0]);
    expect(finiteRange([NaN])).toEqual({ min: NaN, max: NaN });
  });

  it('bins values whose range overflows a double (exploding weights) instead of losing them', () => {
    const h = histogram([-1.5e308, 0, 1.5e308], 4);
    expect(h.counts).toEqual([1, 0, 1, 1]);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(3);
  });
});

describe('layer stats', () => {
  it('computes norms, ranges, saturation and dead units', () => {
    const A = fromRows([
      [0, 0.5, 0],
      [0, 2, 0],
    ]);
    expect(deadUnits(A)).toEqual([0, 2]);
    expect(
      saturatedFraction(
        fromRows([
          [0.999, 0.2],
          [-0.9999, 0],
        ]),
        'tanh',
      ),
    ).toBe(0.5);
    expect(saturatedFraction(fromRows([[0.995, 0.5]]), 'sigmoid')).toBe(0.5);
    const s = layerStats(
      {
        layer: 1,
        activation: 'relu',
        A,
        H: fromRows([
          [-1, 0.5, -2],
          [-3, 2, 0],
        ]),
        G: fromRows([
          [3, 4, 0],
          [0, 0, 0],
        ]),
        W: fromRows([[1, 2, 2]]),
        b: matrix(1, 3),
        dW: fromRows([[0, 3, 4]]),
        db: fromRows([[3, 4, 0]]),
      },
      8,
    );
    expect(s).toMatchObject({
      layer: 1,
      normG: 5,
      normW: 3,
      normDW: 5,
      normDb: 5,
      minA: 0,
      maxA: 2,
      nonFinite: 0,
      saturatedFraction: null,
    });
    expect(s.gradToWeight).toBeCloseTo(5 / 3, 15);
    expect(s.deadFraction).toBeCloseTo(2 / 3, 15);
    expect(s.histograms!.W.counts).toHaveLength(8);
  });

  it('counts non-finite values and lets them poison the norms', () => {
    const bad = fromRows([[NaN, 1]]);
    const ok = fromRows([[1, 1]]);
    const s = layerStats({ layer: 0, activation: 'tanh', A: ok, H: ok, G: bad, W: ok, b: ok, dW: ok, db: ok }, null);
    expect(s.nonFinite).toBe(1);
    expect(s.normG).toBeNaN();
    expect(s.histograms).toBeUndefined();
    expect(s.deadFraction).toBeNull();
  });
});

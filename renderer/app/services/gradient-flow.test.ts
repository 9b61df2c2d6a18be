import { describe, expect, it } from 'vitest';
import { flowMatrix } from './gradient-flow.js';

describe('gradient-flow strips', () => {
  it('a converged net with uniformly tiny gradients is white (0) relative to the output layer, not "vanishing"', () => {
    const m = flowMatrix([Float64Array.from([1e-8, 1e-8, 1e-8])], true)!;
    expect(Array.from(m.data)).toEqual([0, 0, 0]);
  });
  it('gradients shrinking towards the input show as negative log ratios, layers down and steps across', () => {
    const m = flowMatrix([Float64Array.from([1e-4, 1e-2, 1]), Float64Array.from([1e-6, 1e-3, 1])], true)!;
    expect([m.rows, m.cols]).toEqual([3, 2]);
    expect(Array.from(m.data).map((v) => Math.round(v))).toEqual([-4, -6, -2, -3, 0, 0]);
    expect(Array.from(flowMatrix([Float64Array.from([0.001, 10])], false)!.data).map((v) => Math.round(v))).toEqual([-3, 1]);
    expect(flowMatrix([], true)).toBeNull();
  });
});

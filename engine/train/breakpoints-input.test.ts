/** A non-finite input X is named as the cause of a non-finite H_0, not left for H_0 to take the blame. */
import { describe, expect, it } from 'vitest';
import { evaluateBreakpoints, type Product } from './breakpoints.js';
import type { OpRef } from './types.js';

const forward0: OpRef = { kind: 'forward', layer: 0, index: 0, label: 'forward layer 0', equation: 'H_0 = A_0 W_0 + b_0' };
const H0: Product = { name: 'H', index: 0, layer: 0, matrix: { rows: 2, cols: 2, data: Float64Array.from([0.1, 0.2, NaN, NaN]) } };
const base = { step: 7, op: forward0, activationOf: () => 'tanh' as const, previousLosses: [] };

describe('non-finite hit on H_0 with a non-finite input', () => {
  it('the message starts with the input, its first bad value, row and column', () => {
    const X = { rows: 2, cols: 3, data: Float64Array.from([1, 2, 3, 4, NaN, 6]) };
    const [hit] = evaluateBreakpoints([{ kind: 'non-finite' }], [H0], { ...base, input: X });
    expect(hit!.message).toBe(
      'the input X (A_0) has 1 non-finite value(s) of 6 (first: NaN at row 1, column 1), so H_0 has 2 non-finite value(s) of 4 (first: NaN at cell 2)',
    );
    expect([hit!.matrix, hit!.matrixIndex]).toEqual(['H', 0]);
  });

  it('a finite input (or none given) leaves the message to H_0', () => {
    const X = { rows: 2, cols: 3, data: Float64Array.from([1, 2, 3, 4, 5, 6]) };
    for (const input of [X, undefined]) {
      const [hit] = evaluateBreakpoints([{ kind: 'non-finite' }], [H0], { ...base, ...(input ? { input } : {}) });
      expect(hit!.message).toMatch(/^H_0 has 2 non-finite/);
    }
  });
});

/**
 * Every threshold's comparison, at the threshold itself: "more than 50 %" means more than, so
 * exactly 50 % does not fire; the norm conditions compare strictly too (‖G‖ < t, ‖G‖ > t).
 */
import { describe, expect, it } from 'vitest';
import { evaluateBreakpoints, type Product } from './breakpoints.js';
import type { BreakpointCondition } from './types.js';
import type { Activation } from '../model/spec.js';

function product(name: Product['name'], layer: number, rows: number, cols: number, data: number[]): Product {
  return { name, index: name === 'A' ? layer + 1 : layer, layer, matrix: { rows, cols, data: Float64Array.from(data) } } as Product;
}
const ctx = (act: Activation) => ({ step: 1, op: { kind: 'forward', layer: 0, index: 0, label: 'forward 0' } as never, activationOf: () => act, previousLosses: [] });
const fires = (c: BreakpointCondition, p: Product, act: Activation = 'tanh') => evaluateBreakpoints([c], [p], ctx(act)).length > 0;

describe('breakpoint thresholds compare strictly', () => {
  it('dead-relu: 2 of 4 units dead is exactly 50 % and does not fire at 50 %; 3 of 4 does', () => {
    // one sample row; units 0 and 1 output 0
    const half = product('A', 0, 2, 4, [0, 0, 1, 2, 0, 0, 3, 4]);
    expect(fires({ kind: 'dead-relu', fraction: 0.5 }, half, 'relu')).toBe(false);
    expect(fires({ kind: 'dead-relu', fraction: 0.49 }, half, 'relu')).toBe(true);
    const three = product('A', 0, 2, 4, [0, 0, 0, 2, 0, 0, 0, 4]);
    const hit = evaluateBreakpoints([{ kind: 'dead-relu', fraction: 0.5 }], [three], ctx('relu'));
    expect(hit).toHaveLength(1);
    expect(hit[0]!.message).toContain('more than the threshold 50.0%');
  });

  it('saturation: exactly half the cells saturated does not fire at 50 %', () => {
    const half = product('A', 0, 1, 4, [1, -1, 0, 0.1]);
    expect(fires({ kind: 'saturation', fraction: 0.5 }, half)).toBe(false);
    expect(fires({ kind: 'saturation', fraction: 0.25 }, half)).toBe(true);
  });

  it('vanishing and exploding: a norm equal to the threshold fires neither', () => {
    const g = product('G', 0, 1, 2, [3, 4]); // ‖G‖ = 5
    expect(fires({ kind: 'vanishing', threshold: 5 }, g)).toBe(false);
    expect(fires({ kind: 'exploding', threshold: 5 }, g)).toBe(false);
    expect(fires({ kind: 'vanishing', threshold: 5.001 }, g)).toBe(true);
    expect(fires({ kind: 'exploding', threshold: 4.999 }, g)).toBe(true);
  });
});

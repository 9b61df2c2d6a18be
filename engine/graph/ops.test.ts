import { describe, expect, it } from 'vitest';
import { OPS, type OpKind } from './ops.js';

/** Central difference of one slot of an op, in float64. */
function numericDerivative(kind: OpKind, slot: number, a: number, b: number): number {
  const op = OPS[kind];
  const h = 1e-6 * Math.max(1, Math.abs(slot === 0 ? a : b));
  const at = (d: number): number => (slot === 0 ? op.forward(a + d, b) : op.forward(a, b + d));
  return (at(h) - at(-h)) / (2 * h);
}

// Points away from kinks and domain edges; binary ops get (a, b) pairs.
const POINTS: Record<OpKind, [number, number][]> = {
  add: [[1.5, -2], [0, 3]],
  sub: [[1.5, -2], [-0.3, 0.7]],
  mul: [[1.5, -2], [-0.3, 0.7]],
  div: [[1.5, -2], [-0.3, 0.7]],
  pow: [[1.7, 2], [2.5, -1.5], [0.6, 0.5], [3, 2.2]],
  neg: [[2.5, 0], [-1, 0]],
  recip: [[2.5, 0], [-0.4, 0]],
  sigmoid: [[-4, 0], [0.3, 0], [6, 0]],
  tanh: [[-1.2, 0], [0.3, 0], [2, 0]],
  exp: [[-1.2, 0], [0.3, 0], [2, 0]],
  log: [[0.2, 0], [1, 0], [7.5, 0]],
  sin: [[-1.2, 0], [0.3, 0], [2, 0]],
  cos: [[-1.2, 0], [0.3, 0], [2, 0]],
  relu: [[-1.2, 0], [0.3, 0], [2, 0]],
};

describe('every operation: forward and backward side by side', () => {
  for (const kind of Object.keys(OPS) as OpKind[]) {
    it(`${kind}: local derivatives match central differences`, () => {
      const op = OPS[kind];
      for (const [a, b] of POINTS[kind]) {
        expect(op.domain(a, b)).toBeNull();
        const w = op.forward(a, b);
        for (let slot = 0; slot < op.arity; slot++) {
          const analytic = op.derivative(slot, a, b, w);
          const numeric = numericDerivative(kind, slot, a, b);
          expect(Math.abs(analytic - numeric), `${kind} slot ${slot} at (${a}, ${b})`).toBeLessThan(1e-7 * Math.max(1, Math.abs(numeric)));
        }
      }
    });
  }

  it('relu has derivative 0 at exactly 0 (as PyTorch) and sigmoid is stable for large |h|', () => {
    expect(OPS.relu.derivative(0, 0, 0, 0)).toBe(0);
    expect(OPS.sigmoid.forward(-800, 0)).toBe(0);
    expect(OPS.sigmoid.forward(800, 0)).toBe(1);
  });

  it('names the domain of every partial op', () => {
    expect(OPS.log.domain(0, 0)).toMatch(/non-positive/);
    expect(OPS.log.domain(-2, 0)).toMatch(/non-positive/);
    expect(OPS.div.domain(1, 0)).toMatch(/division by zero/);
    expect(OPS.recip.domain(0, 0)).toMatch(/division by zero/);
    expect(OPS.pow.domain(0, -1)).toMatch(/0 raised to a negative power/);
    expect(OPS.pow.domain(-2, 0.5)).toMatch(/negative base/);
    expect(OPS.pow.domain(-2, 3)).toBeNull();
  });

  it('writes the local derivatives as formulas in the inputs’ names', () => {
    expect(OPS.div.derivativeFormula(1, ['b', 'd'], 'f')).toBe('−b/d²');
    expect(OPS.mul.derivativeFormula(0, ['b', 'e'], 'f')).toBe('e');
    expect(OPS.sigmoid.derivativeFormula(0, ['y'], 'a')).toBe('a · (1 − a)');
    expect(OPS.pow.derivativeFormula(0, ['x', '2'], 'c')).toBe('2 · x^(2 − 1)');
  });
});

import { describe, expect, it } from 'vitest';
import { backward } from './backward.js';
import { compareDenseLayer, denseLayerGraph, denseLayerInputs, DENSE_EXAMPLE_MATRICES } from './dense-layer.js';
import { finiteDifferenceCheck } from './fd-check.js';

describe('one dense layer as a scalar graph', () => {
  it('has the accumulators of FORMATS.md’s matrix formulas, element by element', async () => {
    const c = await compareDenseLayer();
    // G (2×2), ∂L/∂W (2×2), ∂L/∂b (1×2), ∂L/∂A (2×2)
    expect(c.rows.map((r) => r.quantity).join('')).toBe('GGGGdWdWdWdWdbdbdAdAdAdA');
    expect(c.maxAbsDiff).toBeLessThan(1e-14);
    expect(Math.abs(c.loss.graph - c.loss.matrix)).toBeLessThan(1e-15);
    expect(c.rows.find((r) => r.quantity === 'dW' && r.row === 0 && r.col === 1)!.node).toBe('W12');
  });

  it('matches formulas computed here by hand from the definitions', () => {
    const { A, W, b, Y } = DENSE_EXAMPLE_MATRICES;
    const at = (m: readonly (readonly number[])[], i: number, j: number) => m[i]![j]!;
    // H = AW + b, F = tanh H, G = (1 − F²) ⊙ (F − Y)
    const H = [0, 1].map((i) => [0, 1].map((j) => at(A, i, 0) * at(W, 0, j) + at(A, i, 1) * at(W, 1, j) + b[j]!));
    const F = H.map((row) => row.map(Math.tanh));
    const G = F.map((row, i) => row.map((f, j) => (1 - f * f) * (f - at(Y, i, j))));
    const result = backward(denseLayerGraph(), denseLayerInputs());
    const g = result.gradients;
    for (let k = 0; k < 2; k++) {
      for (let j = 0; j < 2; j++) {
        // (AᵀG)_kj = Σ_i A_ik G_ij: W_kj forks into one product per sample row.
        expect(g[`W${k + 1}${j + 1}`]).toBeCloseTo(at(A, 0, k) * at(G, 0, j) + at(A, 1, k) * at(G, 1, j), 14);
        // (G Wᵀ)_ik for i = k index reuse: ∂L/∂A_kj = Σ_m G_km W_jm
        expect(g[`A${k + 1}${j + 1}`]).toBeCloseTo(at(G, k, 0) * at(W, j, 0) + at(G, k, 1) * at(W, j, 1), 14);
      }
      expect(g[`b${k + 1}`]).toBeCloseTo(at(G, 0, k) + at(G, 1, k), 14);
    }
    const L = 0.5 * F.flat().reduce((s, f, n) => s + (f - Y.flat()[n]!) ** 2, 0);
    expect(result.forward.output).toBeCloseTo(L, 15);
  });

  it('passes the finite-difference check for every input and agrees on other shapes', async () => {
    expect(finiteDifferenceCheck(denseLayerGraph(), denseLayerInputs()).ok).toBe(true);
    const shape = { n: 3, p: 2, q: 1 };
    const inputs = { A11: 0.1, A12: -0.4, A21: 0.9, A22: 0.3, A31: -1.1, A32: 0.5, W11: 0.7, W21: -0.6, b1: 0.05, Y11: 1, Y21: -1, Y31: 0.5 };
    const c = await compareDenseLayer(inputs, shape);
    expect(c.rows).toHaveLength(3 + 2 + 1 + 6);
    expect(c.maxAbsDiff).toBeLessThan(1e-14);
  });
});

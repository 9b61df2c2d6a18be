/**
 * The float32 rounding estimate: on random nets of every activation × loss it must cover the real
 * cpu-f32 error (|f32 − f64| ≤ a few σ per element; gradcheck allows 32σ) while staying far below the
 * gradients themselves, so it cannot hide a bug.
 */
import { describe, expect, it } from 'vitest';
import { createCpu32Backend } from '../backends/cpu32/index.js';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { matrix } from '../core/matrix.js';
import { createRng } from '../core/rng.js';
import type { Activation, LossKind, ModelSpec } from '../model/spec.js';
import { forwardBackward } from '../train/forward-backward.js';
import { initParameters } from '../train/init.js';
import { roundingScale } from './rounding-scale.js';

const combos: [Exclude<Activation, 'softmax'>, Activation, LossKind][] = [
  ['tanh', 'identity', 'sse'],
  ['sigmoid', 'sigmoid', 'mse'],
  ['relu', 'tanh', 'mse'],
  ['identity', 'relu', 'sse'],
  ['tanh', 'softmax', 'cross-entropy'],
];

describe('roundingScale', () => {
  for (const [hidden, output, loss] of combos) {
    it(`${hidden} → ${output}, ${loss}: covers the cpu-f32 error and stays far below the gradient`, async () => {
      const spec: ModelSpec = {
        inputSize: 4,
        layers: [
          { units: 8, activation: hidden },
          { units: 8, activation: hidden },
          { units: 8, activation: hidden },
          { units: 3, activation: output },
        ],
        loss,
      };
      const rng = createRng(17);
      const params = initParameters(spec, hidden === 'relu' ? 'he' : 'xavier', 5);
      params.b.forEach((b) => b.data.forEach((_, j) => (b.data[j] = Math.fround(rng.uniform(-0.2, 0.2)))));
      params.W.forEach((w) => w.data.forEach((x, k) => (w.data[k] = Math.fround(x))));
      const n = 40;
      const X = matrix(n, 4);
      X.data.forEach((_, k) => (X.data[k] = Math.fround(rng.uniform(-2, 2))));
      const Y = matrix(n, 3);
      for (let i = 0; i < n; i++) {
        if (loss === 'cross-entropy') Y.data[i * 3 + rng.int(3)] = 1;
        else for (let j = 0; j < 3; j++) Y.data[i * 3 + j] = Math.fround(rng.uniform(-1, 1));
      }
      const S = await roundingScale(spec, params, X, Y);
      const ref = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
      const f32 = await forwardBackward(await createCpu32Backend({ kernels: 'js' }), spec, params, X, Y);
      let worst = 0;
      // σ = 0 only where the element is exactly 0 in any precision (a dead relu unit): then f32 must be exact too.
      const ratio = (a: number, b: number, sigma: number): number => (a === b ? 0 : Math.abs(a - b) / sigma);
      ref.layers.forEach((l, i) => {
        const scale = Math.max(...Array.from(l.dW.data, Math.abs));
        l.dW.data.forEach((v, k) => {
          const sigma = S.W[i]!.data[k]!;
          expect(sigma).toBeLessThan(1e-4 * scale); // far below the gradient: no room for a bug to hide
          worst = Math.max(worst, ratio(f32.layers[i]!.dW.data[k]!, v, sigma));
        });
        l.db.data.forEach((v, k) => (worst = Math.max(worst, ratio(f32.layers[i]!.db.data[k]!, v, S.b[i]!.data[k]!))));
      });
      expect(worst).toBeLessThan(8);
    });
  }
});

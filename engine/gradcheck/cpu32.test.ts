/**
 * The gradient check and the Session on a second backend (cpu-f32): the analytic float32 gradients
 * must pass at the f32 defaults for every activation × loss, the planted bug must still be caught,
 * and the session must run op by op on it exactly as whole steps.
 */
import { describe, expect, it } from 'vitest';
import { createCpu32Backend } from '../backends/cpu32/index.js';
import { matrix } from '../core/matrix.js';
import { createRng } from '../core/rng.js';
import type { Activation, LossKind, ModelSpec } from '../model/spec.js';
import { initParameters } from '../train/init.js';
import { Session } from '../train/session.js';
import { gradcheck } from './gradcheck.js';

function batch(spec: ModelSpec, n: number, seed: number) {
  const rng = createRng(seed);
  const pL = spec.layers[spec.layers.length - 1]!.units;
  const X = matrix(n, spec.inputSize);
  X.data.forEach((_, k) => (X.data[k] = rng.uniform(-1, 1)));
  const Y = matrix(n, pL);
  for (let i = 0; i < n; i++) {
    if (spec.loss === 'cross-entropy') Y.data[i * pL + rng.int(pL)] = 1;
    else for (let j = 0; j < pL; j++) Y.data[i * pL + j] = rng.uniform(-1, 1);
  }
  return { X, Y };
}

const combos: [Exclude<Activation, 'softmax'>, Activation, LossKind][] = [
  ['tanh', 'identity', 'sse'],
  ['sigmoid', 'sigmoid', 'mse'],
  ['relu', 'tanh', 'mse'],
  ['identity', 'relu', 'sse'],
  ['tanh', 'softmax', 'cross-entropy'],
];

describe('gradcheck of cpu-f32 analytic gradients', () => {
  for (const [hidden, output, loss] of combos) {
    it(`${hidden} → ${output}, ${loss}: passes at the f32 tolerance`, async () => {
      const spec: ModelSpec = {
        inputSize: 3,
        layers: [
          { units: 4, activation: hidden },
          { units: 3, activation: hidden },
          { units: 2, activation: output },
        ],
        loss,
      };
      const params = initParameters(spec, hidden === 'relu' ? 'he' : 'xavier', 3);
      params.b.forEach((b) => b.data.fill(0.1));
      const { X, Y } = batch(spec, 5, 4);
      const r = await gradcheck(spec, params, X, Y, { backend: await createCpu32Backend({ kernels: 'js' }) });
      expect(r.precision).toBe('f32');
      expect(r.backend).toBe('cpu-f32');
      expect(r.passed, r.layers.map((l) => l.maxRelError).join(', ')).toBe(true);
    });
  }
});

describe('Session on cpu-f32', () => {
  it('op by op equals whole steps bitwise, and tracks the cpu-f64 run closely', async () => {
    const spec: ModelSpec = {
      inputSize: 2,
      layers: [
        { units: 6, activation: 'tanh' },
        { units: 1, activation: 'identity' },
      ],
      loss: 'mse',
    };
    const rng = createRng(1);
    const X = matrix(20, 2);
    X.data.forEach((_, k) => (X.data[k] = rng.uniform(-1, 1)));
    const Y = matrix(20, 1);
    Y.data.forEach((_, k) => (Y.data[k] = Math.sin(3 * X.data[2 * k]!)));
    const config = {
      model: spec,
      init: 'xavier' as const,
      optimizer: { kind: 'adam' as const, lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
      batchSize: 5,
      seed: 2,
      validationFraction: 0.2,
    };
    const byOp = await Session.create(config, { X, Y }, await createCpu32Backend({ kernels: 'js' }), {
      breakpoints: [{ kind: 'non-finite' }],
    });
    const bySteps = await Session.create(config, { X, Y }, await createCpu32Backend({ kernels: 'js' }), {
      recordEvery: 0,
    });
    for (let k = 0; k < 8 * byOp.ops().length; k++) await byOp.runOp();
    await bySteps.runSteps(8);
    expect(byOp.lossCurve()).toEqual(bySteps.lossCurve());
    const [a, b] = [await byOp.parameters(), await bySteps.parameters()];
    a.W.forEach((w, i) => expect(Array.from(w.data)).toEqual(Array.from(b.W[i]!.data)));
    const { Cpu64Backend } = await import('../backends/cpu64/cpu64-backend.js');
    const ref = await Session.create(config, { X, Y }, new Cpu64Backend());
    await ref.runSteps(8);
    ref.lossCurve().forEach((l, k) => expect(byOp.lossCurve()[k]!.loss).toBeCloseTo(l.loss, 5));
  });
});

import { describe, expect, it } from 'vitest';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { type Matrix, matrix, toFloat32, toFloat64 } from '../core/matrix.js';
import { createRng } from '../core/rng.js';
import { type Activation, type LossKind, type ModelSpec, validateModelSpec } from '../model/spec.js';
import { forwardBackward } from '../train/forward-backward.js';
import { initParameters } from '../train/init.js';
import type { ParameterSet } from '../train/types.js';
import { gradcheck } from './gradcheck.js';
import { PreActivationBugBackend } from './planted-bug-backend.js';

function randomBatch(spec: ModelSpec, n: number, seed: number): { X: Matrix; Y: Matrix } {
  const rng = createRng(seed);
  const pL = spec.layers[spec.layers.length - 1]!.units;
  const X = matrix(n, spec.inputSize);
  for (let k = 0; k < X.data.length; k++) X.data[k] = rng.uniform(-1.5, 1.5);
  const Y = matrix(n, pL);
  for (let i = 0; i < n; i++) {
    if (spec.loss === 'cross-entropy') {
      // Alternate one-hot rows and probability rows (both allowed by FORMATS.md).
      if (i % 2 === 0) Y.data[i * pL + rng.int(pL)] = 1;
      else {
        let s = 0;
        for (let j = 0; j < pL; j++) s += Y.data[i * pL + j] = rng.next() + 0.01;
        for (let j = 0; j < pL; j++) Y.data[i * pL + j] = Y.data[i * pL + j]! / s;
      }
    } else {
      for (let j = 0; j < pL; j++) Y.data[i * pL + j] = rng.uniform(-1, 1);
    }
  }
  return { X, Y };
}

const HIDDEN: Exclude<Activation, 'softmax'>[] = ['identity', 'tanh', 'sigmoid', 'relu'];
const OUTPUTS: [Activation, LossKind][] = [
  ...HIDDEN.flatMap((a): [Activation, LossKind][] => [
    [a, 'sse'],
    [a, 'mse'],
  ]),
  ['softmax', 'cross-entropy'],
];

describe('finite differences agree with cpu-f64 backprop for every activation × loss', () => {
  for (const hidden of HIDDEN) {
    for (const [output, loss] of OUTPUTS) {
      it(`${hidden} hidden, ${output} output, ${loss}`, async () => {
        const seed = HIDDEN.indexOf(hidden) * 100 + OUTPUTS.findIndex((o) => o[0] === output && o[1] === loss);
        const rng = createRng(seed);
        const shapes = [
          // width 1 everywhere (softmax needs ≥ 2 classes to be non-trivial but 1 is legal), batch 1
          { input: 1, hidden: [1], out: output === 'softmax' ? 2 : 1, n: 1 },
          {
            input: 1 + rng.int(4),
            hidden: [1 + rng.int(5), 1],
            out: 1 + rng.int(3) + (output === 'softmax' ? 1 : 0),
            n: 1,
          },
          { input: 1 + rng.int(4), hidden: [1 + rng.int(6), 1 + rng.int(6)], out: 1 + rng.int(3), n: 2 + rng.int(7) },
        ];
        for (const [k, s] of shapes.entries()) {
          const spec: ModelSpec = {
            inputSize: s.input,
            layers: [...s.hidden.map((units) => ({ units, activation: hidden })), { units: s.out, activation: output }],
            loss,
          };
          validateModelSpec(spec);
          const params = initParameters(spec, hidden === 'relu' ? 'he' : 'xavier', seed * 10 + k);
          // Non-zero biases so every term of ∂L/∂b is exercised.
          for (const b of params.b) for (let j = 0; j < b.data.length; j++) b.data[j] = rng.uniform(-0.3, 0.3);
          const { X, Y } = randomBatch(spec, s.n, seed * 10 + k);
          const r = await gradcheck(spec, params, X, Y);
          const where = `${JSON.stringify(s)}: ${r.layers.map((l) => l.maxRelError.toExponential(2)).join(', ')}`;
          expect(r.passed, where).toBe(true);
          expect(r.sampled).toBe(false);
          for (const l of r.layers) expect(l.checked, where).toBe(l.total);
        }
      });
    }
  }
});

describe('the planted bug: ∂L/∂W_i = H_{i-1}ᵀG_i instead of A_iᵀG_i', () => {
  const spec: ModelSpec = {
    inputSize: 3,
    layers: [
      { units: 4, activation: 'relu' },
      { units: 3, activation: 'tanh' },
      { units: 3, activation: 'sigmoid' },
      { units: 2, activation: 'identity' },
    ],
    loss: 'mse',
  };
  const params = initParameters(spec, 'xavier', 5);
  params.b.forEach((b) => b.data.fill(0.2));
  const { X, Y } = randomBatch(spec, 5, 9);

  it('is caught in every layer i ≥ 1 and not in layer 0 (whose input X has no pre-activation)', async () => {
    // Not vacuous: every layer has gradient to get wrong, and H_{i-1} really differs from A_i.
    const fb = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
    for (const l of fb.layers) expect(Math.max(...Array.from(l.G.data, Math.abs))).toBeGreaterThan(1e-3);
    const r = await gradcheck(spec, params, X, Y, { backend: new PreActivationBugBackend() });
    expect(r.passed).toBe(false);
    expect(r.layers.map((l) => l.passed)).toEqual([true, false, false, false]);
    expect(r.layers[0]!.maxRelError).toBeLessThan(1e-6);
    for (const l of r.layers.slice(1)) {
      expect(l.maxRelError).toBeGreaterThan(1e-2);
      expect(l.worst!.param).toBe('W'); // biases do not involve A_i, so only W is wrong
    }
    // The biases are right in every layer: 1ᵀG_i never touches A_i.
    for (const l of r.layers) for (const e of l.relErrorB.data) expect(e).toBeLessThan(1e-6);
  });

  it('the same net passes with the correct backend', async () => {
    const r = await gradcheck(spec, params, X, Y, { backend: new Cpu64Backend() });
    expect(r.passed).toBe(true);
    expect(r.backend).toBe('cpu-f64');
  });
});

describe('gradcheck options and results', () => {
  const spec: ModelSpec = {
    inputSize: 3,
    layers: [
      { units: 5, activation: 'tanh' },
      { units: 1, activation: 'identity' },
    ],
    loss: 'sse',
  };
  const params = initParameters(spec, 'xavier', 2);
  const { X, Y } = randomBatch(spec, 4, 3);

  it('checks a seeded sample of big layers and says so; unchecked elements are NaN', async () => {
    const r = await gradcheck(spec, params, X, Y, { maxPerLayer: 8, seed: 4 });
    const l0 = r.layers[0]!;
    expect([l0.total, l0.checked, l0.sampled]).toEqual([20, 8, true]);
    expect(r.sampled).toBe(true);
    expect([...l0.relErrorW.data, ...l0.relErrorB.data].filter((x) => !Number.isNaN(x))).toHaveLength(8);
    expect(r.layers[1]!.sampled).toBe(false); // 5 + 1 parameters
    const again = await gradcheck(spec, params, X, Y, { maxPerLayer: 8, seed: 4 });
    expect(Array.from(again.layers[0]!.relErrorW.data, Number.isNaN)).toEqual(
      Array.from(l0.relErrorW.data, Number.isNaN),
    );
    expect(r.passed).toBe(true);
  });

  it('reports per-element numeric and analytic values, and leaves the caller’s parameters untouched', async () => {
    const before = params.W.map((w) => w.data.slice());
    const r = await gradcheck(spec, params, X, Y);
    params.W.forEach((w, i) => expect(w.data).toEqual(before[i]));
    const fb = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
    expect(r.loss).toBe(fb.loss);
    expect(r.layers[1]!.analyticW.data).toEqual(fb.layers[1]!.dW.data);
    r.layers[1]!.numericW.data.forEach((n, k) => expect(n).toBeCloseTo(fb.layers[1]!.dW.data[k]!, 8));
  });

  it('checks gradients computed elsewhere: float32-rounded ones pass at f32 tolerance, a 1% slip in one element fails', async () => {
    const fb = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
    const dW = fb.layers.map((l) => toFloat64(toFloat32(l.dW)));
    const db = fb.layers.map((l) => toFloat64(toFloat32(l.db)));
    const ok = await gradcheck(spec, params, X, Y, { analytic: { dW, db, precision: 'f32' } });
    expect(ok.passed).toBe(true);
    expect(ok.backend).toBe('given');
    expect(ok.tolerance).toBe(1e-2);
    const big = dW[0]!.data.reduce((best, x, k, a) => (Math.abs(x) > Math.abs(a[best]!) ? k : best), 0);
    dW[0]!.data[big] = dW[0]!.data[big]! * 1.02;
    const bad = await gradcheck(spec, params, X, Y, { analytic: { dW, db, precision: 'f32' } });
    expect(bad.layers.map((l) => l.passed)).toEqual([false, true]);
    expect(bad.layers[0]!.worst).toMatchObject({ param: 'W', row: Math.floor(big / 5), col: big % 5 });
  });

  it('a non-finite analytic gradient fails with an infinite relative error', async () => {
    const fb = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
    const dW = fb.layers.map((l) => toFloat64(l.dW));
    dW[1] = { ...dW[1]!, data: dW[1]!.data.slice() };
    dW[1]!.data[2] = NaN;
    const r = await gradcheck(spec, params, X, Y, { analytic: { dW, db: fb.layers.map((l) => l.db) } });
    expect(r.layers[1]!.maxRelError).toBe(Infinity);
    expect(r.passed).toBe(false);
    await expect(gradcheck(spec, params, X, Y, { analytic: { dW: [dW[0]!], db: [] } })).rejects.toThrow(
      /analytic: the model has 2 layer/,
    );
  });

  it('reports relu kinks (H exactly 0) instead of failing a correct backprop on them', async () => {
    const relu: ModelSpec = {
      inputSize: 1,
      layers: [
        { units: 1, activation: 'relu' },
        { units: 1, activation: 'relu' },
        { units: 1, activation: 'identity' },
      ],
      loss: 'sse',
    };
    const one = (x: number) => matrix(1, 1, [x]);
    // Sample 0 (x = −1) is dead after layer 0, so H_1 = 0·1 + b_1 = 0 exactly: relu'(0) = 0 but the
    // loss has a kink in b_1 there (one-sided slopes 0 and ∂L/∂A_2).
    const p: ParameterSet = { W: [one(1), one(1), one(2)], b: [one(0), one(0), one(0.1)] };
    const X = matrix(2, 1, [-1, 2]);
    const Y = matrix(2, 1, [1, 1]);
    const r = await gradcheck(relu, p, X, Y);
    expect(r.layers[1]!.kinkCount).toBe(1);
    expect(r.layers[1]!.kinks[0]).toMatchObject({ param: 'b', row: 0, col: 0 });
    expect(r.layers[1]!.kinks[0]!.relError).toBeGreaterThan(0.1); // would have failed
    expect(r.passed).toBe(true);
    // Kinks do not mask the planted bug: with b_0 = 0.5 sample 0 has H_0 = −0.5 but A_1 = 0, so layer 1
    // is caught; layer 2 is not, because relu(H_1) = H_1 when every H_1 > 0 (the bug is invisible there).
    const bug = await gradcheck(relu, { ...p, b: [one(0.5), one(0.3), one(0.1)] }, X, Y, {
      backend: new PreActivationBugBackend(),
    });
    expect(bug.layers.map((l) => l.kinkCount)).toEqual([0, 0, 0]);
    expect(bug.layers.map((l) => l.passed)).toEqual([true, false, true]);
  });
});

/**
 * The training Session on every backend. cpu-f32 (both kernel sets) and webgpu-f32 must train
 * like the float64 reference: the same loss trajectory and parameters within float32 tolerances,
 * step by step, from the same float32-exact start. On each backend, running op by op gives bitwise
 * what whole steps give, restoring a past step continues bitwise as the original run, and the
 * analytic gradients pass the float64 gradient check at the f32 defaults.
 *
 * webgpu-f32 runs on dawn.node (SwiftShader without a GPU: slow, so the shapes are tiny); without
 * an adapter its tests are skipped with the reason printed.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestContext } from 'vitest';
import type { Backend } from '../backends/backend.js';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { type Matrix, matrix } from '../core/matrix.js';
import { createRng } from '../core/rng.js';
import { generateBuiltin } from '../data/index.js';
import { gradcheck } from '../gradcheck/gradcheck.js';
import { PreActivationBugBackend } from '../gradcheck/planted-bug-backend.js';
import { parseWeights } from '../io/index.js';
import { forwardBackward } from '../train/forward-backward.js';
import type { Activation, LossKind, ModelSpec } from '../model/spec.js';
import { initParameters } from '../train/init.js';
import { Session, type SessionOptions } from '../train/session.js';
import type { Dataset, OptimizerConfig, TrainConfig } from '../train/types.js';
import {
  type BackendUnderTest,
  F32_BACKENDS,
  maxParameterDiff,
  maxParameterMagnitude,
  roundParametersToF32,
  roundToF32,
} from './node-backends.js';

/** Backends made by the running test, disposed after it (sessions do not own their backend). */
const live: Backend[] = [];
afterEach(() => {
  for (const b of live.splice(0)) b.dispose();
});

async function open(ctx: TestContext, bt: BackendUnderTest): Promise<Backend> {
  const b = await bt.make();
  if ('skip' in b) ctx.skip(`${bt.label}: ${b.skip}`);
  live.push(b as Backend);
  return b as Backend;
}

function data(spec: ModelSpec, n: number, seed: number): Dataset {
  const rng = createRng(seed);
  const pL = spec.layers[spec.layers.length - 1]!.units;
  const X = matrix(n, spec.inputSize);
  for (let k = 0; k < X.data.length; k++) X.data[k] = rng.uniform(-1, 1);
  const Y = matrix(n, pL);
  for (let i = 0; i < n; i++) {
    if (spec.loss === 'cross-entropy')
      Y.data[i * pL + (((X.data[i * spec.inputSize]! > 0 ? 1 : 0) + (i % 2)) % pL)] = 1;
    else for (let j = 0; j < pL; j++) Y.data[i * pL + j] = Math.sin(2 * X.data[i * spec.inputSize]!) + 0.3 * j;
  }
  return { X: roundToF32(X), Y: roundToF32(Y) };
}

interface Case {
  readonly name: string;
  readonly config: TrainConfig;
  readonly data: Dataset;
  readonly steps: number;
}

function trainingCase(
  name: string,
  spec: ModelSpec,
  optimizer: OptimizerConfig,
  batchSize: number | 'full',
  n: number,
  steps: number,
): Case {
  const parameters = roundParametersToF32(initParameters(spec, 'xavier', 11));
  // Non-zero float32-exact biases, so every term of the update is exercised from the first step.
  parameters.b.forEach((b, i) => b.data.forEach((_, j) => (b.data[j] = Math.fround(0.05 * (j - i)))));
  const config: TrainConfig = {
    model: spec,
    init: { parameters },
    optimizer,
    batchSize,
    seed: 5,
    validationFraction: 0.2,
    historySize: 20,
  };
  return { name, config, data: data(spec, n, 3), steps };
}

const CASES: readonly Case[] = [
  trainingCase(
    '2-6tanh-5relu-1identity, mse, Adam + weight decay, mini-batches of 8',
    {
      inputSize: 2,
      layers: [
        { units: 6, activation: 'tanh' },
        { units: 5, activation: 'relu' },
        { units: 1, activation: 'identity' },
      ],
      loss: 'mse',
    },
    { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-3 },
    8,
    30,
    12,
  ),
  trainingCase(
    '3-5sigmoid-3softmax, cross-entropy, SGD momentum, full batch',
    {
      inputSize: 3,
      layers: [
        { units: 5, activation: 'sigmoid' },
        { units: 3, activation: 'softmax' },
      ],
      loss: 'cross-entropy',
    },
    { kind: 'sgd', lr: 0.5, momentum: 0.9, weightDecay: 0 },
    'full',
    24,
    12,
  ),
  trainingCase(
    '1-4tanh-4tanh-2sigmoid, sse, plain SGD, mini-batches of 5',
    {
      inputSize: 1,
      layers: [
        { units: 4, activation: 'tanh' },
        { units: 4, activation: 'tanh' },
        { units: 2, activation: 'sigmoid' },
      ],
      loss: 'sse',
    },
    { kind: 'sgd', lr: 0.1, momentum: 0, weightDecay: 0 },
    5,
    16,
    10,
  ),
];

/**
 * Float32 tolerances for ~10 steps of training. One f32 op is good to ~6e-8 relative; measured here
 * (cpu-f32 js/wasm, webgpu-f32 on SwiftShader) losses and parameters stay within 2e-7 of cpu-f64
 * relative to their scale. The bounds leave ~25× headroom (other GPUs fuse and order sums
 * differently) and stay far below what a real defect does: a wrong op, a missed update or a stale
 * buffer moves the loss by percent and the parameters by ~lr.
 */
const LOSS_REL = 5e-6;
const PARAM_REL = 5e-6;

async function run(c: Case, backend: Backend, options: SessionOptions = {}): Promise<Session> {
  const s = await Session.create(c.config, c.data, backend, { recordEvery: 0, ...options });
  await s.runSteps(c.steps);
  return s;
}

const bits = (m: Matrix): string => Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength).toString('hex');

for (const bt of F32_BACKENDS) {
  describe(`Session on ${bt.label} against cpu-f64`, () => {
    for (const c of CASES) {
      it(`${c.name}: same loss trajectory, validation losses and parameters within f32 tolerances`, async (ctx) => {
        const be = await open(ctx, bt);
        const ref = await run(c, new Cpu64Backend());
        const s = await run(c, be);
        expect(s.backend.name).toBe(bt.name);
        const [a, r] = [s.lossCurve(), ref.lossCurve()];
        expect(a.map((l) => l.step)).toEqual(r.map((l) => l.step));
        r.forEach((l, k) => {
          const where = `step ${l.step}: ${a[k]!.loss} vs cpu-f64 ${l.loss}`;
          expect(Math.abs(a[k]!.loss - l.loss), where).toBeLessThanOrEqual(LOSS_REL * Math.max(1e-3, Math.abs(l.loss)));
          expect(a[k]!.validationLoss === null, where).toBe(l.validationLoss === null);
          if (l.validationLoss !== null)
            expect(Math.abs(a[k]!.validationLoss! - l.validationLoss), where).toBeLessThanOrEqual(
              LOSS_REL * Math.max(1e-3, Math.abs(l.validationLoss)),
            );
        });
        // The run must actually move: otherwise equal trajectories would prove nothing.
        expect(r[r.length - 1]!.loss).not.toBe(r[0]!.loss);
        const [pa, pr] = [await s.parameters(), await ref.parameters()];
        const scale = Math.max(1, maxParameterMagnitude(pr));
        expect(maxParameterDiff(pa, pr)).toBeLessThanOrEqual(PARAM_REL * scale);
        expect(maxParameterDiff(pr, (c.config.init as { parameters: typeof pr }).parameters)).toBeGreaterThan(1e-3);
        // Predictions of the trained nets agree too.
        const [fa, fr] = [await s.predict(c.data.X), await ref.predict(c.data.X)];
        fa.data.forEach((v, k) =>
          expect(Math.abs(v - fr.data[k]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(fr.data[k]!))),
        );
        await s.dispose();
      });
    }

    it('op by op equals whole steps bitwise, with recording and breakpoints on', async (ctx) => {
      const c = CASES[0]!;
      const be1 = await open(ctx, bt);
      const be2 = await open(ctx, bt);
      const byOp = await Session.create(c.config, c.data, be1, {
        recordEvery: 2,
        breakpoints: [{ kind: 'non-finite' }, { kind: 'exploding', threshold: 1e6 }],
      });
      const bySteps = await Session.create(c.config, c.data, be2, { recordEvery: 0 });
      const ops = byOp.ops().length;
      for (let k = 0; k < 6 * ops; k++) expect((await byOp.runOp()).hits).toEqual([]);
      await bySteps.runSteps(6);
      expect(byOp.lossCurve()).toEqual(bySteps.lossCurve());
      const [a, b] = [await byOp.parameters(), await bySteps.parameters()];
      a.W.forEach((w, i) => expect(bits(w)).toBe(bits(b.W[i]!)));
      a.b.forEach((v, i) => expect(bits(v)).toBe(bits(b.b[i]!)));
      // Recorded steps carry stats read back from this backend.
      expect(byOp.summary()!.layers).toHaveLength(c.config.model.layers.length);
      expect(byOp.summary()!.layers.every((l) => Number.isFinite(l.normG) && l.normW > 0)).toBe(true);
    });

    it('restore(step) continues bitwise as the original run (parameters and optimizer state written back)', async (ctx) => {
      const c = CASES[0]!;
      const s = await Session.create(c.config, c.data, await open(ctx, bt), { recordEvery: 1, histogramBins: null });
      await s.runSteps(6);
      const original = await s.parameters();
      const curve = s.lossCurve().map((l) => l.loss);
      await s.restore(3);
      expect(s.position.step).toBe(3);
      await s.runSteps(3);
      expect(s.lossCurve().map((l) => l.loss)).toEqual(curve);
      const again = await s.parameters();
      again.W.forEach((w, i) => expect(bits(w)).toBe(bits(original.W[i]!)));
    });

    it('the same breakpoint fires at the same op as on cpu-f64', async (ctx) => {
      // W_1 = 0 makes G_0 = act'(H_0) ⊙ (G_1 W_1ᵀ) exactly zero: vanishing at backward layer 1 everywhere.
      const c = CASES[0]!;
      const p = (c.config.init as { parameters: { W: Matrix[]; b: Matrix[] } }).parameters;
      const zeroed = { W: p.W.map((w, i) => (i === 1 ? matrix(w.rows, w.cols) : w)), b: p.b };
      const config = { ...c.config, init: { parameters: zeroed } };
      const stopAt = async (backend: Backend): Promise<string[]> => {
        const s = await Session.create(config, c.data, backend, {
          breakpoints: [{ kind: 'vanishing', threshold: 1e-12 }],
        });
        const r = await s.runSteps(3);
        return r.hits.map((h) => `${h.step} ${h.op.label} ${h.matrix}_${String(h.matrixIndex)}`);
      };
      const want = await stopAt(new Cpu64Backend());
      expect(want).toEqual(['1 backward layer 1 G_0']);
      expect(await stopAt(await open(ctx, bt))).toEqual(want);
    });

    describe('gradient check of its analytic gradients (f32 defaults)', () => {
      const HIDDEN: Exclude<Activation, 'softmax'>[] = ['identity', 'tanh', 'sigmoid', 'relu'];
      const OUT: [Activation, LossKind][] = [
        ['identity', 'sse'],
        ['tanh', 'mse'],
        ['sigmoid', 'sse'],
        ['relu', 'mse'],
        ['softmax', 'cross-entropy'],
      ];
      for (const hidden of HIDDEN) {
        it(`${hidden} hidden layers, outputs ${OUT.map((o) => o.join('/')).join(', ')}`, async (ctx) => {
          const be = await open(ctx, bt);
          for (const [output, loss] of OUT) {
            const spec: ModelSpec = {
              inputSize: 3,
              layers: [
                { units: 4, activation: hidden },
                { units: 3, activation: hidden },
                { units: 2, activation: output },
              ],
              loss,
            };
            const params = roundParametersToF32(initParameters(spec, hidden === 'relu' ? 'he' : 'xavier', 21));
            params.b.forEach((b) => b.data.fill(0.125));
            const { X, Y } = data(spec, 5, 8);
            const r = await gradcheck(spec, params, X, Y, { backend: be });
            const where = `${hidden} → ${output}/${loss}: ${r.layers.map((l) => l.maxRelError.toExponential(2)).join(', ')}`;
            expect(r.backend, where).toBe(bt.name);
            expect(r.precision, where).toBe('f32');
            expect(r.passed, where).toBe(true);
            // Not vacuous: almost every element was judged (kinks are rare), with a real gradient to get wrong.
            for (const l of r.layers) expect(l.kinkCount, where).toBeLessThanOrEqual(l.checked / 4);
          }
        });
      }
    });
  });

  describe(`gradient check of a trained deep net on ${bt.label}`, () => {
    // The x·sin(4πx) example (examples/xsin4pix): 10 tanh layers trained to a tiny residual, so every
    // G_i is a small difference of large terms and correct f32 gradients are off by up to 170 % of
    // themselves. The check must accept that rounding and still catch a real bug at the same precision.
    it('passes its correct f32 gradients, fails without the rounding floor, and still catches the planted bug', async (ctx) => {
      const be = await open(ctx, bt);
      const w = parseWeights(readFileSync(new URL('../../examples/xsin4pix/weights.json', import.meta.url), 'utf8'));
      const { train } = generateBuiltin('xsin', { n: 100, seed: 1 });
      const r = await gradcheck(w.model, w.parameters, train.X, train.Y, { backend: be });
      expect(r.passed, r.layers.map((l) => l.maxRelError.toExponential(1)).join(' ')).toBe(true);
      expect(r.layers.every((l) => l.roundingW !== null && l.kinkCount === 0)).toBe(true);
      const bare = await gradcheck(w.model, w.parameters, train.X, train.Y, { backend: be, roundingSigmas: 0 });
      expect(bare.passed).toBe(false);
      // The planted bug's gradients, rounded to float32 and checked as f32 ones (backend-independent: once).
      if (bt !== F32_BACKENDS[0]) return;
      const bug = await forwardBackward(new PreActivationBugBackend(), w.model, w.parameters, train.X, train.Y);
      const f32 = (m: Matrix): Matrix => roundToF32({ ...m, data: m.data.slice() });
      const caught = await gradcheck(w.model, w.parameters, train.X, train.Y, {
        analytic: { dW: bug.layers.map((l) => f32(l.dW)), db: bug.layers.map((l) => f32(l.db)), precision: 'f32' },
      });
      expect(caught.layers.map((l) => l.passed)).toEqual(w.model.layers.map((_, i) => i === 0));
    });
  });
}

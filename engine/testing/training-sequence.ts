/**
 * Whole training runs (forward, loss, backward, update, repeated) driven op by op through the
 * Backend interface, the same order of calls a Session makes, so that buffer reuse, fused kernels
 * and in-place updates are tested together the way training uses them.
 */
import type { Backend, Tensor } from '../backends/backend.js';
import { type FloatArray, type Matrix, toFloat64 } from '../core/matrix.js';
import type { ModelSpec } from '../model/spec.js';
import type { OptimizerConfig } from '../train/types.js';
import { f32Matrix, outputInputs } from './inputs.js';

/** The optimizer settings a sequence trains with (the session's own type). */
export type SequenceOptimizer = OptimizerConfig;

export interface TrainingSequence {
  readonly name: string;
  readonly spec: ModelSpec;
  readonly batch: number;
  readonly steps: number;
  readonly optimizer: SequenceOptimizer;
}

export const TRAINING_SEQUENCES: readonly TrainingSequence[] = [
  {
    name: '17-33tanh-17relu-3identity/sse/sgd-momentum-decay',
    spec: {
      inputSize: 17,
      layers: [
        { units: 33, activation: 'tanh' },
        { units: 17, activation: 'relu' },
        { units: 3, activation: 'identity' },
      ],
      loss: 'sse',
    },
    batch: 33,
    steps: 5,
    optimizer: { kind: 'sgd', lr: 0.005, momentum: 0.9, weightDecay: 1e-3 },
  },
  {
    name: '3-17sigmoid-5softmax/cross-entropy/adam',
    spec: {
      inputSize: 3,
      layers: [
        { units: 17, activation: 'sigmoid' },
        { units: 5, activation: 'softmax' },
      ],
      loss: 'cross-entropy',
    },
    batch: 17,
    steps: 5,
    optimizer: { kind: 'adam', lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
  },
  {
    name: '33-257tanh-1tanh/mse/sgd',
    spec: {
      inputSize: 33,
      layers: [
        { units: 257, activation: 'tanh' },
        { units: 1, activation: 'tanh' },
      ],
      loss: 'mse',
    },
    batch: 3,
    steps: 4,
    optimizer: { kind: 'sgd', lr: 0.1, momentum: 0, weightDecay: 0 },
  },
  {
    name: '2-8tanh-8tanh-2identity/sse/sgd (bench S shape)',
    spec: {
      inputSize: 2,
      layers: [
        { units: 8, activation: 'tanh' },
        { units: 8, activation: 'tanh' },
        { units: 2, activation: 'identity' },
      ],
      loss: 'sse',
    },
    batch: 64,
    steps: 5,
    optimizer: { kind: 'sgd', lr: 0.01, momentum: 0, weightDecay: 0 },
  },
];

export interface SequenceResult {
  readonly losses: number[];
  readonly firstGradients: { dW: Matrix<FloatArray>; db: Matrix<FloatArray> }[];
  readonly firstDX: Matrix<FloatArray>;
  readonly params: { W: Matrix<FloatArray>; b: Matrix<FloatArray> }[];
}

/** Deterministic data and initial parameters for a sequence (f32-exact values). */
export function sequenceData(seq: TrainingSequence): { X: Matrix; Y: Matrix; W: Matrix[]; b: Matrix[] } {
  const widths = [seq.spec.inputSize, ...seq.spec.layers.map((l) => l.units)];
  const L = seq.spec.layers.length;
  const X = f32Matrix(`${seq.name}/X`, seq.batch, widths[0]!);
  const Y = outputInputs(`${seq.name}/Y`, seq.batch, widths[L]!, seq.spec.layers[L - 1]!.activation, seq.spec.loss).Y;
  const W = seq.spec.layers.map((_, i) =>
    f32Matrix(`${seq.name}/W${i}`, widths[i]!, widths[i + 1]!, Math.sqrt(6 / (widths[i]! + widths[i + 1]!))),
  );
  const b = seq.spec.layers.map((_, i) => f32Matrix(`${seq.name}/b${i}`, 1, widths[i + 1]!, 0.1));
  return { X, Y, W, b };
}

export async function runTrainingSequence(be: Backend, seq: TrainingSequence): Promise<SequenceResult> {
  const { X, Y, W: W0, b: b0 } = sequenceData(seq);
  const L = seq.spec.layers.length;
  const W = W0.map((w, i) => be.upload(w, `W${i}`));
  const b = b0.map((v, i) => be.upload(v, `b${i}`));
  const state = [...W, ...b].map((p) => ({
    p,
    s1: be.zeros(p.rows, p.cols, 'opt-state-1'),
    s2: be.zeros(p.rows, p.cols, 'opt-state-2'),
  }));
  const x = be.upload(X, 'X');
  const y = be.upload(Y, 'Y');
  const losses: number[] = [];
  let firstGradients: SequenceResult['firstGradients'] = [];
  let firstDX: Matrix<FloatArray> | null = null;
  const opt = seq.optimizer;

  for (let step = 0; step < seq.steps; step++) {
    const temps: Tensor[] = [];
    const A: Tensor[] = [x];
    const H: Tensor[] = [];
    for (let i = 0; i < L; i++) {
      const out = be.denseForward(A[i]!, W[i]!, b[i]!, seq.spec.layers[i]!.activation);
      H.push(out.H);
      A.push(out.A);
      temps.push(out.H, out.A);
    }
    const lg = be.lossAndGradient(H[L - 1]!, A[L]!, y, seq.spec.layers[L - 1]!.activation, seq.spec.loss);
    temps.push(lg.loss, lg.G);
    const lossRead = be.read(lg.loss);
    let G = lg.G;
    const dW: Tensor[] = new Array<Tensor>(L);
    const db: Tensor[] = new Array<Tensor>(L);
    let dX: Tensor | null = null;
    for (let i = L - 1; i >= 0; i--) {
      const g = be.weightGradients(A[i]!, G);
      dW[i] = g.dW;
      db[i] = g.db;
      temps.push(g.dW, g.db);
      if (i > 0) {
        const act = seq.spec.layers[i - 1]!.activation;
        if (act === 'softmax') throw new Error('softmax on a hidden layer');
        G = be.backpropagate(G, W[i]!, { H: H[i - 1]!, A: A[i]!, activation: act });
        temps.push(G);
      } else if (step === 0) {
        dX = be.backpropagate(G, W[0]!);
        temps.push(dX);
      }
    }
    const gradReads = step === 0 ? dW.map((w, i) => Promise.all([be.read(w), be.read(db[i]!)])) : [];
    const dXRead = dX ? be.read(dX) : null;
    const grads = [...dW, ...db];
    state.forEach(({ p, s1, s2 }, k) => {
      if (opt.kind === 'sgd') be.sgdStep(p, grads[k]!, opt.momentum !== 0 ? s1 : null, opt);
      else be.adamStep(p, grads[k]!, s1, s2, { ...opt, step: step + 1 });
    });
    losses.push((await lossRead).data[0]!);
    if (step === 0) {
      firstGradients = (await Promise.all(gradReads)).map(([w, v]) => ({ dW: toFloat64(w), db: toFloat64(v) }));
      firstDX = toFloat64(await dXRead!);
    }
    for (const t of temps) be.release(t);
  }
  const params = await Promise.all(
    W.map(async (w, i) => ({ W: toFloat64(await be.read(w)), b: toFloat64(await be.read(b[i]!)) })),
  );
  for (const t of [x, y, ...W, ...b, ...state.flatMap((s) => [s.s1, s.s2])]) be.release(t);
  return { losses, firstGradients, firstDX: firstDX!, params };
}

/**
 * One training step's tensors on the backend, and the ops that fill them: what a Session holds
 * between runOp calls. The ops are the equations of FORMATS.md (equations.ts names them); host
 * reads of their products are started once per step and shared by breakpoints, stats and callers.
 */
import type { Backend, Tensor } from '../backends/backend.js';
import type { FloatArray, Matrix } from '../core/matrix.js';
import type { ModelSpec } from '../model/spec.js';
import type { BatchSlot } from './batching.js';
import { type MatrixName, type ProductRef, productKey } from './breakpoints.js';
import type { Optimizer } from './optimizer.js';
import type { OpRef } from './types.js';

/** Tensors and host reads of the step in progress (or the last one, until the next begins). */
export interface StepState {
  readonly number: number;
  readonly slot: BatchSlot;
  readonly ownsBatch: boolean;
  readonly A: Tensor[]; // A[0] = X
  readonly H: Tensor[];
  readonly G: Tensor[];
  readonly dW: Tensor[];
  readonly db: Tensor[];
  readonly Y: Tensor;
  loss: Tensor | null;
  /** Decided when the step begins (recordEvery) or, with a record policy, when it ends. */
  recording: boolean;
  /** Host reads started this step, in the backend's precision (stats and breakpoints need no float64 copy). */
  readonly reads: Map<string, Promise<Matrix<FloatArray>>>;
}

/** A step about to run on batch (X, Y); `ownsBatch`: its tensors are released with the step's. */
export function newStepState(
  number: number,
  slot: BatchSlot,
  batch: { readonly X: Tensor; readonly Y: Tensor },
  ownsBatch: boolean,
  recording: boolean,
): StepState {
  return { number, slot, ownsBatch, A: [batch.X], H: [], G: [], dW: [], db: [], Y: batch.Y, loss: null, recording, reads: new Map() };
}

/** The live parameters and what updates them. */
export interface Network {
  readonly backend: Backend;
  readonly spec: ModelSpec;
  readonly W: readonly Tensor[];
  readonly b: readonly Tensor[];
}

/** The update op's view of the parameters: W_0, b_0, W_1, b_1, … and which take weight decay. */
export interface UpdateTarget {
  readonly optimizer: Optimizer;
  readonly params: Tensor[];
  readonly isWeight: boolean[];
}

/** Runs one op of the step on the backend, storing its products in `st`. */
export function executeOp(net: Network, update: UpdateTarget, op: OpRef, st: StepState): void {
  const be = net.backend;
  const spec = net.spec;
  const L = spec.layers.length;
  switch (op.kind) {
    case 'forward': {
      const i = op.layer!;
      const out = be.denseForward(st.A[i]!, net.W[i]!, net.b[i]!, spec.layers[i]!.activation);
      st.H[i] = out.H;
      st.A[i + 1] = out.A;
      return;
    }
    case 'loss': {
      const out = be.lossAndGradient(st.H[L - 1]!, st.A[L]!, st.Y, spec.layers[L - 1]!.activation, spec.loss);
      st.loss = out.loss;
      st.G[L - 1] = out.G;
      return;
    }
    case 'backward': {
      const i = op.layer!;
      const g = be.weightGradients(st.A[i]!, st.G[i]!);
      st.dW[i] = g.dW;
      st.db[i] = g.db;
      if (i > 0) {
        const act = spec.layers[i - 1]!.activation;
        if (act === 'softmax') throw new Error(`layer ${i - 1}: softmax is allowed on the output layer only`);
        st.G[i - 1] = be.backpropagate(st.G[i]!, net.W[i]!, { H: st.H[i - 1]!, A: st.A[i]!, activation: act });
      }
      return;
    }
    case 'update': {
      const grads: Tensor[] = [];
      for (let i = 0; i < L; i++) grads.push(st.dW[i]!, st.db[i]!);
      update.optimizer.apply(update.params, grads, update.isWeight);
      return;
    }
  }
}

/** The tensor behind a product of the current step (W/b are the live parameters). */
export function tensorOf(net: Network, st: StepState, p: ProductRef): Tensor | null {
  const i = p.index ?? 0;
  switch (p.name) {
    case 'A':
      return st.A[i] ?? null;
    case 'H':
      return st.H[i] ?? null;
    case 'G':
      return st.G[i] ?? null;
    case 'dW':
      return st.dW[i] ?? null;
    case 'db':
      return st.db[i] ?? null;
    case 'W':
      return net.W[i] ?? null;
    case 'b':
      return net.b[i] ?? null;
    case 'loss':
      return st.loss;
  }
}

/** Start (once per step) the host read of a product and return it. */
export function requestRead(net: Network, st: StepState, p: ProductRef): Promise<Matrix<FloatArray>> {
  const key = productKey(p);
  let r = st.reads.get(key);
  if (!r) {
    const t = tensorOf(net, st, p);
    if (!t) throw new Error(`internal: ${key} has not been computed in step ${st.number}`);
    r = net.backend.read(t);
    st.reads.set(key, r);
  }
  return r;
}

/** Release the tensors of a step (not the shared full-batch data). */
export function releaseStepTensors(be: Backend, st: StepState): void {
  const tensors = [...st.A.slice(1), ...st.H, ...st.G, ...st.dW, ...st.db];
  if (st.loss) tensors.push(st.loss);
  if (st.ownsBatch) tensors.push(st.A[0]!, st.Y);
  for (const t of tensors) if (t) be.release(t);
}

/**
 * A host read of a matrix of the current (or last completed) step, by FORMATS.md name and
 * subscript; null when the step in progress has not produced it yet. `stepDone`: `st` is the last
 * completed step and no op of the next has run (then its reads of W, b are the current values).
 */
export function readStepMatrix(
  net: Network,
  st: StepState | null,
  stepDone: boolean,
  index: number,
  name: MatrixName,
): Promise<Matrix<FloatArray> | null> {
  const L = net.spec.layers.length;
  if (name === 'A') {
    if (!Number.isInteger(index) || index < 0 || index > L) throw new RangeError(`A_${index} does not exist (A_0 … A_${L})`);
  } else if (name !== 'loss') {
    checkLayer(L, index);
  }
  if (name === 'W' || name === 'b') {
    // Between steps, the last step's read of W, b (made after its update: only the update op
    // produces them) is the current value: a frame after a recorded step copies W_0 once, not twice.
    const cached = st && stepDone ? st.reads.get(productKey({ name, index, layer: null })) : undefined;
    return cached ?? net.backend.read(name === 'W' ? net.W[index]! : net.b[index]!);
  }
  if (!st) return Promise.resolve(null);
  const p: ProductRef = { name, index: name === 'loss' ? null : index, layer: null };
  return tensorOf(net, st, p) ? requestRead(net, st, p) : Promise.resolve(null);
}

/** Throws a RangeError unless layer `layer` exists in a model of L layers. */
export function checkLayer(L: number, layer: number): void {
  if (!Number.isInteger(layer) || layer < 0 || layer >= L)
    throw new RangeError(`layer ${layer} does not exist (the model has ${L} layers: 0…${L - 1})`);
}

/**
 * One full forward and backward pass on any Backend, without an update: what the CLI `grad`
 * command writes as a gradients file (FORMATS.md) and what the gradient check compares.
 *
 * The sequence of backend calls is exactly the one a Session step makes (forward 0…L-1, loss,
 * backward L-1…0), so a gradients file describes what training would do with that batch.
 */
import type { BackendName, Backend, Tensor } from '../backends/backend.js';
import { type FloatArray, type Matrix, toFloat64 } from '../core/matrix.js';
import { type ModelSpec, layerWidths, validateModelSpec } from '../model/spec.js';
import { validateParameters } from './init.js';
import type { ParameterSet } from './types.js';

/** What one layer i produced: its input A_i, pre-activation H_i, G_i = ∂L/∂H_i, ∂L/∂W_i, ∂L/∂b_i. */
export interface LayerPass {
  readonly A: Matrix; // n × p_i (A_0 = X)
  readonly H: Matrix; // n × p_{i+1}
  readonly G: Matrix; // n × p_{i+1}
  readonly dW: Matrix; // p_i × p_{i+1}
  readonly db: Matrix; // 1 × p_{i+1}
}

export interface ForwardBackwardResult {
  readonly backend: BackendName;
  readonly loss: number;
  /** F = A_L, n × p_L. */
  readonly output: Matrix;
  readonly layers: readonly LayerPass[];
  /** ∂L/∂X = G_0 W_0ᵀ, n × p_0. */
  readonly dX: Matrix;
}

/** Throws a RangeError naming X or Y when a batch does not fit the model. */
export function validateBatch(spec: ModelSpec, X: Matrix<FloatArray>, Y: Matrix<FloatArray>): void {
  const p = layerWidths(spec);
  const pL = p[p.length - 1]!;
  if (X.rows < 1) throw new RangeError('X: the batch needs at least one sample (row)');
  if (X.cols !== spec.inputSize) {
    throw new RangeError(`X: has ${X.cols} column(s) but the model's inputSize is ${spec.inputSize}`);
  }
  if (Y.cols !== pL) throw new RangeError(`Y: has ${Y.cols} column(s) but the output layer has ${pL} unit(s)`);
  if (Y.rows !== X.rows) throw new RangeError(`Y: has ${Y.rows} row(s) but X has ${X.rows}: one target row per sample`);
}

/**
 * forward: H_i = A_i W_i + 1 b_i, A_{i+1} = act_i(H_i); loss and G_{L-1}; backward:
 * ∂L/∂W_i = A_iᵀG_i, ∂L/∂b_i = 1ᵀG_i, G_{i-1} = act'(H_{i-1}) ⊙ (G_i W_iᵀ), ∂L/∂X = G_0 W_0ᵀ.
 * Every result is read back to the host as float64 (exact for f32 backends) and every tensor
 * made here is released.
 */
export async function forwardBackward(
  backend: Backend,
  spec: ModelSpec,
  params: ParameterSet,
  X: Matrix<FloatArray>,
  Y: Matrix<FloatArray>,
): Promise<ForwardBackwardResult> {
  validateModelSpec(spec);
  validateParameters(spec, params);
  validateBatch(spec, X, Y);
  const L = spec.layers.length;
  const made: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => {
    made.push(t);
    return t;
  };
  try {
    const W = params.W.map((w, i) => keep(backend.upload(w, `W${i}`)));
    const b = params.b.map((v, i) => keep(backend.upload(v, `b${i}`)));
    const A: Tensor[] = [keep(backend.upload(X, 'X'))];
    const H: Tensor[] = [];
    for (let i = 0; i < L; i++) {
      const out = backend.denseForward(A[i]!, W[i]!, b[i]!, spec.layers[i]!.activation);
      H.push(keep(out.H));
      A.push(keep(out.A));
    }
    const Yt = keep(backend.upload(Y, 'Y'));
    const out = backend.lossAndGradient(H[L - 1]!, A[L]!, Yt, spec.layers[L - 1]!.activation, spec.loss);
    const lossT = keep(out.loss);
    const G: Tensor[] = new Array<Tensor>(L);
    G[L - 1] = keep(out.G);
    const dW: Tensor[] = new Array<Tensor>(L);
    const db: Tensor[] = new Array<Tensor>(L);
    let dX: Tensor | null = null;
    for (let i = L - 1; i >= 0; i--) {
      const grads = backend.weightGradients(A[i]!, G[i]!);
      dW[i] = keep(grads.dW);
      db[i] = keep(grads.db);
      if (i > 0) {
        const prevAct = spec.layers[i - 1]!.activation;
        if (prevAct === 'softmax') throw new Error(`layer ${i - 1}: softmax is allowed on the output layer only`);
        G[i - 1] = keep(backend.backpropagate(G[i]!, W[i]!, { H: H[i - 1]!, A: A[i]!, activation: prevAct }));
      } else {
        dX = keep(backend.backpropagate(G[0]!, W[0]!));
      }
    }
    // Issue every read before awaiting any, so an asynchronous (GPU) backend can overlap them.
    const read = (t: Tensor): Promise<Matrix> => backend.read(t).then(toFloat64);
    const perLayer = Promise.all(
      Array.from({ length: L }, async (_, i): Promise<LayerPass> => {
        const [a, h, g, w, v] = await Promise.all([read(A[i]!), read(H[i]!), read(G[i]!), read(dW[i]!), read(db[i]!)]);
        return { A: a, H: h, G: g, dW: w, db: v };
      }),
    );
    const [layers, lossM, output, dXm] = await Promise.all([perLayer, read(lossT), read(A[L]!), read(dX!)]);
    return { backend: backend.name, loss: lossM.data[0]!, output, layers, dX: dXm };
  } finally {
    for (const t of made) backend.release(t);
  }
}

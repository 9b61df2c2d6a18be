/**
 * The equations of FORMATS.md evaluated on arbitrary inputs (the user's own arrays), through the
 * cpu-f64 reference backend: the same code that defines every op, never a second copy of the
 * math. The backend's ops are synchronous; its tensors keep their data on the host, so results
 * are taken back without the asynchronous read.
 */
import type { Cpu64Tensor } from '../backends/cpu64/cpu64-backend.js';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import type { Tensor } from '../backends/backend.js';
import type { Matrix } from '../core/matrix.js';
import { activate, activationDerivative } from '../model/activations.js';
import { lossGradientWrtOutput } from '../model/losses.js';
import type { Activation, LossKind } from '../model/spec.js';

export type Elementwise = Exclude<Activation, 'softmax'>;
export const ELEMENTWISE: readonly Elementwise[] = ['identity', 'tanh', 'sigmoid', 'relu'];

const backend = new Cpu64Backend();
const up = (m: Matrix): Tensor => backend.upload(m);
const host = (t: Tensor): Matrix => {
  const x = t as Cpu64Tensor;
  return { rows: x.rows, cols: x.cols, data: x.data };
};

/** H = A W + 1 b and act(H). */
export function dense(A: Matrix, W: Matrix, b: Matrix, activation: Activation): { H: Matrix; A: Matrix } {
  const out = backend.denseForward(up(A), up(W), up(b), activation);
  return { H: host(out.H), A: host(out.A) };
}

/** act(H) alone (a dense layer with identity weights would round differently: done element-wise). */
export function activation(H: Matrix, kind: Activation): Matrix {
  if (kind === 'softmax') {
    const id = identityMatrix(H.cols);
    return dense(H, id, { rows: 1, cols: H.cols, data: new Float64Array(H.cols) }, 'softmax').A;
  }
  return map(H, (h) => activate(kind, h));
}

/** The loss and G_{L−1} from H_{L−1}, F and Y. */
export function lossAndGradient(H: Matrix, F: Matrix, Y: Matrix, act: Activation, loss: LossKind): { loss: Matrix; G: Matrix } {
  const out = backend.lossAndGradient(up(H), up(F), up(Y), act, loss);
  return { loss: host(out.loss), G: host(out.G) };
}

/** ∂L/∂F for sse/mse (what G_{L−1} is before the output activation's derivative). */
export function lossGradientOnly(F: Matrix, Y: Matrix, loss: 'sse' | 'mse'): Matrix {
  const n = F.rows;
  const p = F.cols;
  return zip(F, Y, (f, y) => lossGradientWrtOutput(loss, f, y, n, p));
}

/** ∂L/∂W = AᵀG and ∂L/∂b = 1ᵀG. */
export function weightGradients(A: Matrix, G: Matrix): { dW: Matrix; db: Matrix } {
  const out = backend.weightGradients(up(A), up(G));
  return { dW: host(out.dW), db: host(out.db) };
}

/** G Wᵀ, and with prev the fused act'(H_prev) ⊙ (G Wᵀ) (act' given H_prev and A_prev). */
export function backpropagate(G: Matrix, W: Matrix, prev?: { H: Matrix; A: Matrix; activation: Elementwise }): Matrix {
  const t = backend.backpropagate(up(G), up(W), prev ? { H: up(prev.H), A: up(prev.A), activation: prev.activation } : undefined);
  return host(t);
}

/** act'(h, a) element-wise, as the backward pass uses it. */
export function derivative(kind: Elementwise, H: Matrix, A: Matrix): Matrix {
  return zip(H, A, (h, a) => activationDerivative(kind, h, a));
}

export function map(m: Matrix, f: (x: number, k: number) => number): Matrix {
  return { rows: m.rows, cols: m.cols, data: Float64Array.from(m.data, f) };
}

export function zip(a: Matrix, b: Matrix, f: (x: number, y: number) => number): Matrix {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new RangeError(`zip: ${a.rows}×${a.cols} vs ${b.rows}×${b.cols}`);
  return { rows: a.rows, cols: a.cols, data: Float64Array.from(a.data, (x, k) => f(x, b.data[k]!)) };
}

export function identityMatrix(p: number): Matrix {
  const d = new Float64Array(p * p);
  for (let i = 0; i < p; i++) d[i * p + i] = 1;
  return { rows: p, cols: p, data: d };
}

export function absMatrix(m: Matrix): Matrix {
  return map(m, Math.abs);
}

export function maxAbs(m: Matrix): number {
  let x = 0;
  for (const v of m.data) x = Math.max(x, Math.abs(v));
  return x;
}

/** max |a − b| (same shapes). */
export function maxAbsDiff(a: Matrix, b: Matrix): number {
  let x = 0;
  for (let k = 0; k < a.data.length; k++) x = Math.max(x, Math.abs(a.data[k]! - b.data[k]!));
  return x;
}

export const sameShape = (a: Matrix, b: Matrix): boolean => a.rows === b.rows && a.cols === b.cols;

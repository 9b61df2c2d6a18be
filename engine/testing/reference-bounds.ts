/**
 * Per-element error bounds for each Backend op, computed on the host in float64 from the
 * inputs and the reference outputs (see tolerances.ts for where each term comes from).
 */
import type { Matrix } from '../core/matrix.js';
import { activationDerivative } from '../model/activations.js';
import type { Activation, LossKind } from '../model/spec.js';
import type { AdamOptions, SgdOptions } from '../backends/backend.js';
import {
  ACT_ULPS,
  ACTIVATION_LIPSCHITZ,
  DOT_LAMBDA,
  U32,
  activationOwnBound,
  derivativeRoundingMagnitude,
  dotBound,
  elementwiseBound,
  softmaxOwnBound,
} from './tolerances.js';

type Elementwise = Exclude<Activation, 'softmax'>;

/** Bounds for H = A W + 1 b (k = p + 1 summands) and for act(H). */
export function denseForwardBounds(
  A: Matrix,
  W: Matrix,
  b: Matrix,
  Href: Matrix,
  Aref: Matrix,
  activation: Activation,
): { H: Float64Array; A: Float64Array } {
  const n = A.rows;
  const p = A.cols;
  const q = W.cols;
  const bh = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < q; j++) {
      let s = Math.abs(b.data[j]!);
      for (let k = 0; k < p; k++) s += Math.abs(A.data[i * p + k]! * W.data[k * q + j]!);
      bh[i * q + j] = dotBound(p + 1, s);
    }
  }
  const ba = new Float64Array(n * q);
  if (activation === 'softmax') {
    for (let i = 0; i < n; i++) {
      let maxBound = 0;
      let maxH = -Infinity;
      for (let j = 0; j < q; j++) {
        maxBound = Math.max(maxBound, bh[i * q + j]!);
        maxH = Math.max(maxH, Href.data[i * q + j]!);
      }
      for (let j = 0; j < q; j++) {
        const s = Aref.data[i * q + j]!;
        ba[i * q + j] = 2 * s * maxBound + softmaxOwnBound(s, Href.data[i * q + j]! - maxH, q);
      }
    }
  } else {
    const lip = ACTIVATION_LIPSCHITZ[activation];
    for (let k = 0; k < n * q; k++)
      ba[k] = lip * bh[k]! + activationOwnBound(activation, Aref.data[k]!) + 2 * U32 * Math.abs(Aref.data[k]!);
  }
  return { H: bh, A: ba };
}

/** Bounds for the loss value and G of the output layer. */
export function lossBounds(
  H: Matrix,
  F: Matrix,
  Y: Matrix,
  activation: Activation,
  loss: LossKind,
): { loss: number; G: Float64Array } {
  const n = F.rows;
  const p = F.cols;
  const g = new Float64Array(n * p);
  let lossBound = 0;
  if (loss === 'cross-entropy') {
    for (let k = 0; k < n * p; k++) g[k] = elementwiseBound(2, (Math.abs(F.data[k]!) + Math.abs(Y.data[k]!)) / n);
    let absTerms = 0;
    let perElement = 0;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let j = 0; j < p; j++) max = Math.max(max, H.data[i * p + j]!);
      let sum = 0;
      let spread = 0;
      for (let j = 0; j < p; j++) {
        sum += Math.exp(H.data[i * p + j]! - max);
        spread = Math.max(spread, max - H.data[i * p + j]!);
      }
      const lse = max + Math.log(sum);
      // log-sum-exp in f32: the max is exact, exp adds (ACT_ULPS + 2|x|) ulps, the row sum √p, log a few.
      const lseErr = U32 * (2 * Math.abs(max) + 2 * ACT_ULPS + 4 * spread + DOT_LAMBDA * Math.sqrt(p) + 4);
      for (let j = 0; j < p; j++) {
        const y = Math.abs(Y.data[i * p + j]!);
        const t = Math.abs(H.data[i * p + j]! - lse);
        absTerms += y * t;
        perElement += y * (lseErr + elementwiseBound(2, t));
      }
    }
    lossBound = (dotBound(n * p, absTerms) + perElement) / n;
  } else {
    if (activation === 'softmax') throw new Error('softmax output needs cross-entropy');
    const scale = loss === 'sse' ? 1 : 2 / (n * p);
    let sq = 0;
    for (let k = 0; k < n * p; k++) {
      const f = F.data[k]!;
      const y = Y.data[k]!;
      const d = f - y;
      sq += d * d;
      const deriv = Math.abs(activationDerivative(activation, H.data[k]!, f));
      const dm = derivativeRoundingMagnitude(activation, f);
      g[k] = elementwiseBound(4, scale * (deriv * (Math.abs(f) + Math.abs(y)) + dm * Math.abs(d)));
    }
    const lossScale = loss === 'sse' ? 0.5 : 1 / (n * p);
    lossBound = lossScale * (dotBound(n * p, sq) + elementwiseBound(3, sq));
  }
  return { loss: lossBound, G: g };
}

/** Bounds for dW = Aᵀ G (n summands each) and db = 1ᵀ G. */
export function weightGradientBounds(A: Matrix, G: Matrix): { dW: Float64Array; db: Float64Array } {
  const n = A.rows;
  const p = A.cols;
  const q = G.cols;
  const dW = new Float64Array(p * q);
  for (let k = 0; k < p; k++) {
    for (let j = 0; j < q; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.abs(A.data[i * p + k]! * G.data[i * q + j]!);
      dW[k * q + j] = dotBound(n, s);
    }
  }
  const db = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(G.data[i * q + j]!);
    db[j] = dotBound(n, s);
  }
  return { dW, db };
}

/** Bounds for G Wᵀ (q summands), optionally times act'(H_prev) from stored H, A. */
export function backpropagateBounds(
  G: Matrix,
  W: Matrix,
  prev?: { H: Matrix; A: Matrix; activation: Elementwise },
): Float64Array {
  const n = G.rows;
  const q = G.cols;
  const p = W.rows;
  const bound = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < p; k++) {
      let s = 0;
      let x = 0;
      for (let j = 0; j < q; j++) {
        s += Math.abs(G.data[i * q + j]! * W.data[k * q + j]!);
        x += G.data[i * q + j]! * W.data[k * q + j]!;
      }
      let b = dotBound(q, s);
      if (prev) {
        const h = prev.H.data[i * p + k]!;
        const a = prev.A.data[i * p + k]!;
        const d = Math.abs(activationDerivative(prev.activation, h, a));
        b =
          d * b + elementwiseBound(2, derivativeRoundingMagnitude(prev.activation, a) * Math.abs(x) + d * Math.abs(x));
      }
      bound[i * p + k] = b;
    }
  }
  return bound;
}

/** Bounds for one SGD call from a given state (param and velocity after the step). */
export function sgdBounds(
  w: Matrix,
  g: Matrix,
  v: Matrix | null,
  opts: SgdOptions,
): { param: Float64Array; velocity: Float64Array } {
  const len = w.data.length;
  const bw = new Float64Array(len);
  const bv = new Float64Array(len);
  for (let k = 0; k < len; k++) {
    const wk = w.data[k]!;
    const gk = g.data[k]!;
    const errD = elementwiseBound(2, Math.abs(gk) + Math.abs(opts.weightDecay * wk));
    let d = gk + opts.weightDecay * wk;
    let errStep = errD;
    if (v && opts.momentum !== 0) {
      const vk = v.data[k]!;
      errStep = errD + elementwiseBound(2, Math.abs(opts.momentum * vk) + Math.abs(d));
      d = opts.momentum * vk + d;
    }
    bv[k] = errStep;
    bw[k] = elementwiseBound(2, Math.abs(wk) + Math.abs(opts.lr * d)) + Math.abs(opts.lr) * errStep;
  }
  return { param: bw, velocity: bv };
}

/**
 * Bounds for one Adam call. The bias corrections 1 − β^t are scalars: backends must compute them
 * in double precision on the host (in f32, 1 − 0.999¹ loses 10 bits to cancellation), so they carry
 * one rounding each here.
 */
export function adamBounds(
  w: Matrix,
  g: Matrix,
  m: Matrix,
  v: Matrix,
  opts: AdamOptions,
): { param: Float64Array; m: Float64Array; v: Float64Array } {
  const len = w.data.length;
  const bw = new Float64Array(len);
  const bm = new Float64Array(len);
  const bv = new Float64Array(len);
  const c1 = 1 - opts.beta1 ** opts.step;
  const c2 = 1 - opts.beta2 ** opts.step;
  for (let k = 0; k < len; k++) {
    const wk = w.data[k]!;
    const gk = g.data[k]!;
    const d = gk + opts.weightDecay * wk;
    const errD = elementwiseBound(2, Math.abs(gk) + Math.abs(opts.weightDecay * wk));
    const m1 = opts.beta1 * m.data[k]! + (1 - opts.beta1) * d;
    const v1 = opts.beta2 * v.data[k]! + (1 - opts.beta2) * d * d;
    const errM =
      elementwiseBound(3, Math.abs(opts.beta1 * m.data[k]!) + Math.abs((1 - opts.beta1) * d)) + (1 - opts.beta1) * errD;
    const errV =
      elementwiseBound(4, Math.abs(opts.beta2 * v.data[k]!) + (1 - opts.beta2) * d * d) +
      (1 - opts.beta2) * 2 * Math.abs(d) * errD;
    const mHat = m1 / c1;
    const vHat = v1 / c2;
    const errMHat = errM / c1 + elementwiseBound(2, Math.abs(mHat));
    const errVHat = errV / c2 + elementwiseBound(2, vHat);
    const sq = Math.sqrt(vHat);
    const errSq =
      (sq > 0 ? Math.min(errVHat / (2 * sq), Math.sqrt(errVHat)) : Math.sqrt(errVHat)) + elementwiseBound(1, sq);
    const den = sq + opts.eps;
    const upd = (opts.lr * mHat) / den;
    const errUpd =
      opts.lr * (errMHat / den + (Math.abs(mHat) * errSq) / (den * den)) + elementwiseBound(3, Math.abs(upd));
    bm[k] = errM;
    bv[k] = errV;
    bw[k] = elementwiseBound(2, Math.abs(wk) + Math.abs(upd)) + errUpd;
  }
  return { param: bw, m: bm, v: bv };
}

/**
 * The element-wise half of each op in float32 storage: activations applied in place after the
 * matrix product (so forward is one op with no extra buffer), the activation derivative applied
 * in place to G·Wᵀ, the output loss and G, and the optimizer updates. Arithmetic runs in JS
 * doubles and is rounded once on store, which is at least as accurate as f32 arithmetic.
 */
import type { Activation, LossKind } from '../../model/spec.js';
import type { AdamOptions, SgdOptions } from '../backend.js';
import type { View } from './kernels-js.js';

type Elementwise = Exclude<Activation, 'softmax'>;

/** out = act(h) for n·q values (softmax row-wise over rows of q). out may be a different view of the same length. */
export function applyActivation(kind: Activation, n: number, q: number, H: View, out: View): void {
  const h = H.data;
  const o = out.data;
  const ho = H.offset;
  const oo = out.offset;
  const len = n * q;
  switch (kind) {
    case 'identity':
      o.set(h.subarray(ho, ho + len), oo);
      return;
    case 'tanh':
      for (let k = 0; k < len; k++) o[oo + k] = Math.tanh(h[ho + k]!);
      return;
    case 'sigmoid':
      for (let k = 0; k < len; k++) {
        const x = h[ho + k]!;
        if (x >= 0) o[oo + k] = 1 / (1 + Math.exp(-x));
        else {
          const e = Math.exp(x);
          o[oo + k] = e / (1 + e);
        }
      }
      return;
    case 'relu':
      for (let k = 0; k < len; k++) {
        const x = h[ho + k]!;
        o[oo + k] = x > 0 ? x : 0;
      }
      return;
    case 'softmax':
      for (let i = 0; i < n; i++) {
        const r = ho + i * q;
        const s = oo + i * q;
        let max = -Infinity;
        for (let j = 0; j < q; j++) max = Math.max(max, h[r + j]!);
        let sum = 0;
        for (let j = 0; j < q; j++) sum += Math.exp(h[r + j]! - max);
        const inv = 1 / sum;
        for (let j = 0; j < q; j++) o[s + j] = Math.exp(h[r + j]! - max) * inv;
      }
      return;
  }
}

/** X ⊙= act'(H) given H and A = act(H), in place (the fused tail of G_{i-1} = act'(H) ⊙ G Wᵀ). */
export function multiplyByDerivative(kind: Elementwise, len: number, H: View, A: View, X: View): void {
  const h = H.data;
  const a = A.data;
  const x = X.data;
  const ho = H.offset;
  const ao = A.offset;
  const xo = X.offset;
  switch (kind) {
    case 'identity':
      return;
    case 'tanh':
      for (let k = 0; k < len; k++) {
        const v = a[ao + k]!;
        x[xo + k] = x[xo + k]! * (1 - v * v);
      }
      return;
    case 'sigmoid':
      for (let k = 0; k < len; k++) {
        const v = a[ao + k]!;
        x[xo + k] = x[xo + k]! * (v * (1 - v));
      }
      return;
    case 'relu':
      for (let k = 0; k < len; k++) if (!(h[ho + k]! > 0)) x[xo + k] = 0;
      return;
  }
}

/** The loss value (returned, computed in double) and G written for the output layer. */
export function outputLossAndGradient(
  activation: Activation,
  loss: LossKind,
  n: number,
  p: number,
  H: View,
  F: View,
  Y: View,
  G: View,
): number {
  const h = H.data;
  const f = F.data;
  const y = Y.data;
  const g = G.data;
  const ho = H.offset;
  const fo = F.offset;
  const yo = Y.offset;
  const go = G.offset;
  const len = n * p;
  if (loss === 'cross-entropy') {
    if (activation !== 'softmax') throw new Error('cross-entropy needs a softmax output layer');
    let s = 0;
    for (let i = 0; i < n; i++) {
      const r = ho + i * p;
      let max = -Infinity;
      for (let j = 0; j < p; j++) max = Math.max(max, h[r + j]!);
      let sum = 0;
      for (let j = 0; j < p; j++) sum += Math.exp(h[r + j]! - max);
      const lse = max + Math.log(sum);
      for (let j = 0; j < p; j++) {
        const t = y[yo + i * p + j]!;
        if (t !== 0) s -= t * (h[r + j]! - lse);
      }
    }
    const inv = 1 / n;
    for (let k = 0; k < len; k++) g[go + k] = (f[fo + k]! - y[yo + k]!) * inv;
    return s / n;
  }
  if (activation === 'softmax') throw new Error('a softmax output needs the cross-entropy loss');
  let sq = 0;
  const scale = loss === 'sse' ? 1 : 2 / len;
  for (let k = 0; k < len; k++) {
    const a = f[fo + k]!;
    const d = a - y[yo + k]!;
    sq += d * d;
    let deriv = 1;
    if (activation === 'tanh') deriv = 1 - a * a;
    else if (activation === 'sigmoid') deriv = a * (1 - a);
    else if (activation === 'relu') deriv = h[ho + k]! > 0 ? 1 : 0;
    g[go + k] = deriv * d * scale;
  }
  return loss === 'sse' ? 0.5 * sq : sq / len;
}

export function sgdUpdate(len: number, W: View, Gr: View, V: View | null, o: SgdOptions): void {
  const w = W.data;
  const g = Gr.data;
  const wo = W.offset;
  const go = Gr.offset;
  const { lr, momentum, weightDecay } = o;
  if (V && momentum !== 0) {
    const v = V.data;
    const vo = V.offset;
    for (let k = 0; k < len; k++) {
      const d = momentum * v[vo + k]! + (g[go + k]! + weightDecay * w[wo + k]!);
      v[vo + k] = d;
      w[wo + k] = w[wo + k]! - lr * d;
    }
  } else {
    for (let k = 0; k < len; k++) w[wo + k] = w[wo + k]! - lr * (g[go + k]! + weightDecay * w[wo + k]!);
  }
}

export function adamUpdate(len: number, W: View, Gr: View, M: View, V: View, o: AdamOptions): void {
  const w = W.data;
  const g = Gr.data;
  const m = M.data;
  const v = V.data;
  const [wo, go, mo, vo] = [W.offset, Gr.offset, M.offset, V.offset];
  // Bias corrections in double on the host: in f32, 1 − β₂¹ would lose 10 bits to cancellation.
  const c1 = 1 - o.beta1 ** o.step;
  const c2 = 1 - o.beta2 ** o.step;
  const { beta1, beta2, eps, lr, weightDecay } = o;
  for (let k = 0; k < len; k++) {
    const d = g[go + k]! + weightDecay * w[wo + k]!;
    const mk = beta1 * m[mo + k]! + (1 - beta1) * d;
    const vk = beta2 * v[vo + k]! + (1 - beta2) * d * d;
    m[mo + k] = mk;
    v[vo + k] = vk;
    w[wo + k] = w[wo + k]! - (lr * (mk / c1)) / (Math.sqrt(vk / c2) + eps);
  }
}

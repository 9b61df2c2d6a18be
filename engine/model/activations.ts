/**
 * Activations in float64, forward and derivative side by side: the definition every backend
 * is tested against. Derivatives are written in terms of what the forward pass already stored
 * (H and A = act(H)), as the backward pass uses them.
 */
import type { Activation } from './spec.js';

/** act(h) for element-wise activations (softmax is row-wise: see softmaxRows). */
export function activate(kind: Exclude<Activation, 'softmax'>, h: number): number {
  switch (kind) {
    case 'identity':
      return h;
    case 'tanh':
      return Math.tanh(h);
    case 'sigmoid':
      return sigmoid(h);
    case 'relu':
      return h > 0 ? h : 0;
  }
}

/** act'(h), given h and a = act(h). relu'(0) = 0, as in PyTorch. */
export function activationDerivative(kind: Exclude<Activation, 'softmax'>, h: number, a: number): number {
  switch (kind) {
    case 'identity':
      return 1;
    case 'tanh':
      return 1 - a * a;
    case 'sigmoid':
      return a * (1 - a);
    case 'relu':
      return h > 0 ? 1 : 0;
  }
}

/** Numerically stable logistic function. */
export function sigmoid(h: number): number {
  if (h >= 0) return 1 / (1 + Math.exp(-h));
  const e = Math.exp(h);
  return e / (1 + e);
}

/** Row-wise softmax of an n×p row-major block into out (may alias src). */
export function softmaxRows(src: ArrayLike<number>, out: Float64Array, n: number, p: number): void {
  for (let i = 0; i < n; i++) {
    const o = i * p;
    let max = -Infinity;
    for (let j = 0; j < p; j++) max = Math.max(max, src[o + j]!);
    let sum = 0;
    for (let j = 0; j < p; j++) {
      const e = Math.exp(src[o + j]! - max);
      out[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < p; j++) out[o + j] = out[o + j]! / sum;
  }
}

/** log Σ_j exp(row_j), stable. */
export function logSumExp(src: ArrayLike<number>, offset: number, p: number): number {
  let max = -Infinity;
  for (let j = 0; j < p; j++) max = Math.max(max, src[offset + j]!);
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (let j = 0; j < p; j++) s += Math.exp(src[offset + j]! - max);
  return max + Math.log(s);
}

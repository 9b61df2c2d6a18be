/**
 * Losses in float64, value and gradient side by side (FORMATS.md):
 *   sse: L = ½ ΣΣ (F − Y)²                  ∂L/∂F = F − Y
 *   mse: L = (1/(n·pL)) ΣΣ (F − Y)²         ∂L/∂F = 2 (F − Y) / (n·pL)
 *   cross-entropy: L = −(1/n) Σ Y log softmax(H)   G = (softmax(H) − Y) / n  (softmax output only)
 */
import type { LossKind } from './spec.js';
import { logSumExp } from './activations.js';

/** Loss value of output F (or, for cross-entropy, of logits H) against Y; n×p row-major. */
export function lossValue(kind: LossKind, F: ArrayLike<number>, H: ArrayLike<number>, Y: ArrayLike<number>, n: number, p: number): number {
  let s = 0;
  switch (kind) {
    case 'sse':
      for (let k = 0; k < n * p; k++) s += (F[k]! - Y[k]!) ** 2;
      return 0.5 * s;
    case 'mse':
      for (let k = 0; k < n * p; k++) s += (F[k]! - Y[k]!) ** 2;
      return s / (n * p);
    case 'cross-entropy':
      for (let i = 0; i < n; i++) {
        const lse = logSumExp(H, i * p, p);
        for (let j = 0; j < p; j++) {
          const y = Y[i * p + j]!;
          // y = 0 contributes nothing, even where log softmax is -Infinity.
          if (y !== 0) s -= y * (H[i * p + j]! - lse);
        }
      }
      return s / n;
  }
}

/** ∂L/∂F for the element-wise losses (sse, mse). */
export function lossGradientWrtOutput(kind: 'sse' | 'mse', f: number, y: number, n: number, p: number): number {
  return kind === 'sse' ? f - y : (2 * (f - y)) / (n * p);
}

/** Largest |Σ_j Y_ij − 1| a cross-entropy target row may have. */
export const PROBABILITY_ROW_TOLERANCE = 1e-6;

/** Why a matrix of cross-entropy targets is not one of probability rows: the first bad cell or row. */
export type ProbabilityRowIssue =
  | { readonly kind: 'negative'; readonly row: number; readonly col: number; readonly value: number }
  | { readonly kind: 'sum'; readonly row: number; readonly sum: number };

/**
 * Cross-entropy targets must be probability rows (FORMATS.md): G = (softmax(H) − Y)/n is the
 * gradient only when every row of Y is ≥ 0 and sums to 1. The one check behind the session's,
 * the loader's and the batch file's messages (each says where in its own terms); null when fine.
 * A NaN counts as negative.
 */
export function probabilityRowIssue(
  Y: { readonly rows: number; readonly cols: number; readonly data: ArrayLike<number> },
  tolerance = PROBABILITY_ROW_TOLERANCE,
): ProbabilityRowIssue | null {
  for (let i = 0; i < Y.rows; i++) {
    let sum = 0;
    for (let j = 0; j < Y.cols; j++) {
      const v = Y.data[i * Y.cols + j]!;
      if (!(v >= 0)) return { kind: 'negative', row: i, col: j, value: v };
      sum += v;
    }
    if (!(Math.abs(sum - 1) <= tolerance)) return { kind: 'sum', row: i, sum };
  }
  return null;
}

/**
 * Per-layer statistics of one training step (LayerStats of engine/train/types.ts), computed on host
 * copies of the step's matrices. Norms are plain Frobenius norms, so one NaN or Infinity makes the
 * norm non-finite: a broken layer never looks healthy in a summary.
 */
import type { FloatArray, Matrix } from '../core/matrix.js';
import type { Activation } from '../model/spec.js';
import type { Histogram, LayerStats } from '../train/types.js';

/** A tanh/sigmoid unit counts as saturated when its derivative is below this (tanh: |a| > 0.995). */
export const SATURATION_DERIVATIVE = 1e-2;
export const DEFAULT_HISTOGRAM_BINS = 32;

export function frobeniusNorm(data: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < data.length; k++) s += data[k]! * data[k]!;
  return Math.sqrt(s);
}

export function countNonFinite(data: ArrayLike<number>): number {
  let c = 0;
  for (let k = 0; k < data.length; k++) if (!Number.isFinite(data[k]!)) c++;
  return c;
}

/** Flat indices of the non-finite values, at most `limit` of them. */
export function nonFiniteCells(data: ArrayLike<number>, limit = Infinity): number[] {
  const out: number[] = [];
  for (let k = 0; k < data.length && out.length < limit; k++) if (!Number.isFinite(data[k]!)) out.push(k);
  return out;
}

/** Smallest and largest finite value (NaN, NaN when there is none). */
export function finiteRange(data: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min > max ? { min: NaN, max: NaN } : { min, max };
}

/** `bins` equal-width bins over the finite range; a constant matrix puts everything in the middle bin. */
export function histogram(data: ArrayLike<number>, bins = DEFAULT_HISTOGRAM_BINS): Histogram {
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`histogram: bins must be a positive integer, got ${bins}`);
  const { min, max } = finiteRange(data);
  const counts = new Array<number>(bins).fill(0);
  let nonFinite = 0;
  // Halved so that max − min cannot overflow to Infinity when the values span more than ±1.8e308.
  const halfWidth = (max / 2 - min / 2) / bins;
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    const b = halfWidth > 0 ? Math.min(bins - 1, Math.floor((v / 2 - min / 2) / halfWidth)) : Math.floor(bins / 2);
    counts[b]!++;
  }
  return { min, max, counts, nonFinite };
}

/** Whether a tanh/sigmoid output value a sits where the derivative is below SATURATION_DERIVATIVE. */
export function isSaturated(activation: 'tanh' | 'sigmoid', a: number): boolean {
  const d = activation === 'tanh' ? 1 - a * a : a * (1 - a);
  return d < SATURATION_DERIVATIVE;
}

/** Flat indices of the saturated entries of a layer output A (sample × unit), at most `limit`. */
export function saturatedCells(A: Matrix<FloatArray>, activation: 'tanh' | 'sigmoid', limit = Infinity): number[] {
  const out: number[] = [];
  for (let k = 0; k < A.data.length && out.length < limit; k++) if (isSaturated(activation, A.data[k]!)) out.push(k);
  return out;
}

/** Fraction of the entries of A (every sample, every unit) whose derivative is below SATURATION_DERIVATIVE. */
export function saturatedFraction(A: Matrix<FloatArray>, activation: 'tanh' | 'sigmoid'): number {
  if (A.data.length === 0) return 0;
  let c = 0;
  for (let k = 0; k < A.data.length; k++) if (isSaturated(activation, A.data[k]!)) c++;
  return c / A.data.length;
}

/** relu units (columns of A) that output exactly 0 for every sample of the batch: they pass no gradient. */
export function deadUnits(A: Matrix<FloatArray>): number[] {
  const out: number[] = [];
  for (let j = 0; j < A.cols; j++) {
    let dead = A.rows > 0;
    for (let i = 0; i < A.rows && dead; i++) if (A.data[i * A.cols + j] !== 0) dead = false;
    if (dead) out.push(j);
  }
  return out;
}

export interface LayerStatsInput {
  readonly layer: number;
  readonly activation: Activation;
  /** The layer's output A_{i+1} = act_i(H_i). */
  readonly A: Matrix<FloatArray>;
  readonly H: Matrix<FloatArray>;
  readonly G: Matrix<FloatArray>;
  readonly W: Matrix<FloatArray>;
  readonly b: Matrix<FloatArray>;
  readonly dW: Matrix<FloatArray>;
  readonly db: Matrix<FloatArray>;
}

export function layerStats(input: LayerStatsInput, bins: number | null = DEFAULT_HISTOGRAM_BINS): LayerStats {
  const { A, H, G, W, b, dW, db, activation } = input;
  const normW = frobeniusNorm(W.data);
  const normDW = frobeniusNorm(dW.data);
  const range = finiteRange(A.data);
  const nonFinite = [A, H, G, W, b, dW, db].reduce((s, m) => s + countNonFinite(m.data), 0);
  const stats: LayerStats = {
    layer: input.layer,
    normG: frobeniusNorm(G.data),
    normW,
    normDW,
    normDb: frobeniusNorm(db.data),
    // 0/0 (a zero layer with zero gradient) reads as "no relative change", not NaN.
    gradToWeight: normDW === 0 ? 0 : normDW / normW,
    minA: range.min,
    maxA: range.max,
    nonFinite,
    saturatedFraction: activation === 'tanh' || activation === 'sigmoid' ? saturatedFraction(A, activation) : null,
    deadFraction: activation === 'relu' ? (A.cols === 0 ? 0 : deadUnits(A).length / A.cols) : null,
  };
  if (bins === null) return stats;
  return {
    ...stats,
    histograms: {
      A: histogram(A.data, bins),
      G: histogram(G.data, bins),
      W: histogram(W.data, bins),
      dW: histogram(dW.data, bins),
    },
  };
}

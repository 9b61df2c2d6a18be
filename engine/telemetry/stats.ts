/**
 * Per-layer statistics of one training step (LayerStats of engine/train/types.ts), computed on host
 * copies of the step's matrices. Norms are plain Frobenius norms, so one NaN or Infinity makes the
 * norm non-finite: a broken layer never looks healthy in a summary.
 *
 * Float32 data (the f32 backends) goes through the WebAssembly SIMD kernels (kernels.ts): one
 * pass gives Σx², min and max, and Σx² is finite exactly when every value is (a float32 square
 * cannot overflow float64), so the non-finite-aware JS loops below run only for other data, for
 * data that holds NaN/±Infinity, or where the host has no WebAssembly SIMD. Results are the same
 * but for the order of the norm's sum (four lanes instead of one: the last bits may differ).
 */
import type { FloatArray, Matrix } from '../core/matrix.js';
import type { Activation } from '../model/spec.js';
import type { Histogram, LayerStats } from '../train/types.js';
import { describeF32, histogramF32, momentsF32 } from './kernels.js';
import type { Moments } from './kernels.js';

/** A tanh/sigmoid unit counts as saturated when its derivative is below this (tanh: |a| > 0.995). */
export const SATURATION_DERIVATIVE = 1e-2;
export const DEFAULT_HISTOGRAM_BINS = 32;

/** The kernels' moments of float32 data whose values are all finite; null otherwise (take the JS path). */
function finiteMoments(data: ArrayLike<number>): Moments | null {
  if (!(data instanceof Float32Array)) return null;
  const m = momentsF32(data);
  return m && Number.isFinite(m.sumSq) ? m : null;
}

export function frobeniusNorm(data: ArrayLike<number>): number {
  if (data instanceof Float32Array) {
    const m = momentsF32(data);
    if (m) return Math.sqrt(m.sumSq);
  }
  let s = 0;
  for (let k = 0; k < data.length; k++) s += data[k]! * data[k]!;
  return Math.sqrt(s);
}

export function countNonFinite(data: ArrayLike<number>): number {
  if (finiteMoments(data)) return 0;
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
  const m = finiteMoments(data);
  if (m) return data.length === 0 ? { min: NaN, max: NaN } : { min: m.min, max: m.max };
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
  const allFinite = finiteMoments(data);
  const { min, max } = allFinite && data.length > 0 ? allFinite : finiteRange(data);
  // Halved so that max − min cannot overflow to Infinity when the values span more than ±1.8e308.
  const halfWidth = (max / 2 - min / 2) / bins;
  if (allFinite && halfWidth > 0) {
    const fast = histogramF32(data as Float32Array, min, halfWidth, bins);
    if (fast) return { min, max, counts: fast, nonFinite: 0 };
  }
  const counts = new Array<number>(bins).fill(0);
  let nonFinite = 0;
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

/** What layerStats needs of one matrix: Σx² (for the norm), the non-finite count, the finite range, a histogram. */
interface MatrixSummary {
  readonly norm: number;
  readonly nonFinite: number;
  readonly min: number;
  readonly max: number;
  readonly histogram?: Histogram;
}

/** One matrix's summary: float32 in one copy and one or two SIMD passes; the JS functions otherwise. */
function summarize(data: ArrayLike<number>, bins: number | null): MatrixSummary {
  if (data instanceof Float32Array && data.length > 0) {
    const d: (Moments & { counts?: number[] | null }) | null =
      bins === null ? momentsF32(data) : describeF32(data, bins);
    if (d && Number.isFinite(d.sumSq)) {
      const counts = d.counts ?? null;
      const base = { norm: Math.sqrt(d.sumSq), nonFinite: 0, min: d.min, max: d.max };
      if (bins === null) return base;
      // counts is null only for a constant matrix: the JS histogram puts it in the middle bin.
      return { ...base, histogram: counts ? { min: d.min, max: d.max, counts, nonFinite: 0 } : histogram(data, bins) };
    }
  }
  const range = finiteRange(data);
  const out = { norm: frobeniusNorm(data), nonFinite: countNonFinite(data), min: range.min, max: range.max };
  return bins === null ? out : { ...out, histogram: histogram(data, bins) };
}

export function layerStats(input: LayerStatsInput, bins: number | null = DEFAULT_HISTOGRAM_BINS): LayerStats {
  const { A, H, G, W, b, dW, db, activation } = input;
  const a = summarize(A.data, bins);
  const g = summarize(G.data, bins);
  const w = summarize(W.data, bins);
  const dw = summarize(dW.data, bins);
  const rest = [H, b, db].map((m) => summarize(m.data, null));
  const normW = w.norm;
  const normDW = dw.norm;
  const stats: LayerStats = {
    layer: input.layer,
    normG: g.norm,
    normW,
    normDW,
    normDb: rest[2]!.norm,
    // 0/0 (a zero layer with zero gradient) reads as "no relative change", not NaN.
    gradToWeight: normDW === 0 ? 0 : normDW / normW,
    minA: a.min,
    maxA: a.max,
    nonFinite: [a, g, w, dw, ...rest].reduce((s, m) => s + m.nonFinite, 0),
    saturatedFraction: activation === 'tanh' || activation === 'sigmoid' ? saturatedFraction(A, activation) : null,
    deadFraction: activation === 'relu' ? (A.cols === 0 ? 0 : deadUnits(A).length / A.cols) : null,
  };
  if (bins === null) return stats;
  return { ...stats, histograms: { A: a.histogram!, G: g.histogram!, W: w.histogram!, dW: dw.histogram! } };
}

/**
 * Per-layer statistics of one training step (LayerStats of ./types.ts), computed on host
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
import type { Histogram, LayerStats } from './types.js';
import { describeF32, momentsF32 } from './kernels.js';
import type { Moments } from './kernels.js';

/** A tanh/sigmoid unit counts as saturated when its derivative is below this (tanh: |a| > 0.995). */
export const SATURATION_DERIVATIVE = 1e-2;
export const DEFAULT_HISTOGRAM_BINS = 32;

/**
 * The kernels' Σx², min and max of float32 data whose values are all finite, with the `bins`-bin
 * histogram when asked (counts null for a constant matrix), from one copy of the data; null
 * otherwise: other data, NaN/±Infinity, or no WebAssembly SIMD (then the JS loops below run).
 */
function finiteSummary(data: ArrayLike<number>, bins: number | null): (Moments & { counts: number[] | null }) | null {
  if (!(data instanceof Float32Array) || data.length === 0) return null;
  const d = bins === null ? momentsF32(data) : describeF32(data, bins);
  return d && Number.isFinite(d.sumSq) ? { counts: null, ...d } : null;
}

function sumOfSquares(data: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < data.length; k++) s += data[k]! * data[k]!;
  return s;
}

function countNonFiniteJs(data: ArrayLike<number>): number {
  let c = 0;
  for (let k = 0; k < data.length; k++) if (!Number.isFinite(data[k]!)) c++;
  return c;
}

function finiteRangeJs(data: ArrayLike<number>): { min: number; max: number } {
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

/** The JS histogram over a given finite range (the kernel's arithmetic is the same, so its counts are too). */
function binValues(data: ArrayLike<number>, bins: number, min: number, max: number): Histogram {
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

export function frobeniusNorm(data: ArrayLike<number>): number {
  // NaN and ±Infinity propagate through the kernel's sum as through the JS one.
  const m = data instanceof Float32Array ? momentsF32(data) : null;
  return Math.sqrt(m ? m.sumSq : sumOfSquares(data));
}

export function countNonFinite(data: ArrayLike<number>): number {
  return finiteSummary(data, null) ? 0 : countNonFiniteJs(data);
}

/** Flat indices of the non-finite values, at most `limit` of them. */
export function nonFiniteCells(data: ArrayLike<number>, limit = Infinity): number[] {
  const out: number[] = [];
  for (let k = 0; k < data.length && out.length < limit; k++) if (!Number.isFinite(data[k]!)) out.push(k);
  return out;
}

/** Smallest and largest finite value (NaN, NaN when there is none). */
export function finiteRange(data: ArrayLike<number>): { min: number; max: number } {
  const m = finiteSummary(data, null);
  return m ? { min: m.min, max: m.max } : finiteRangeJs(data);
}

/** `bins` equal-width bins over the finite range; a constant matrix puts everything in the middle bin. */
export function histogram(data: ArrayLike<number>, bins = DEFAULT_HISTOGRAM_BINS): Histogram {
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`histogram: bins must be a positive integer, got ${bins}`);
  const fast = finiteSummary(data, bins);
  if (fast?.counts) return { min: fast.min, max: fast.max, counts: fast.counts, nonFinite: 0 };
  const { min, max } = fast ?? finiteRangeJs(data);
  return binValues(data, bins, min, max);
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

/** One matrix's summary: float32 in one copy and one or two SIMD passes; JS loops otherwise. */
function summarize(data: ArrayLike<number>, bins: number | null): MatrixSummary {
  const fast = finiteSummary(data, bins);
  if (fast) {
    const base = { norm: Math.sqrt(fast.sumSq), nonFinite: 0, min: fast.min, max: fast.max };
    if (bins === null) return base;
    // counts is null only for a constant matrix: every value in the middle bin, as the JS loop puts it.
    const hist = fast.counts
      ? { min: fast.min, max: fast.max, counts: fast.counts, nonFinite: 0 }
      : binValues(data, bins, fast.min, fast.max);
    return { ...base, histogram: hist };
  }
  const { min, max } = finiteRangeJs(data);
  const out = { norm: Math.sqrt(sumOfSquares(data)), nonFinite: countNonFiniteJs(data), min, max };
  return bins === null ? out : { ...out, histogram: binValues(data, bins, min, max) };
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

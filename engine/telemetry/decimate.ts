/**
 * Shrinking matrices and series for streaming and history without hiding what a debugger is for.
 *
 * A matrix is cut into at most R×C blocks and each block is represented by the value of largest
 * magnitude in it (sign kept; x over −x on a tie); a NaN anywhere in a block wins outright,
 * ±Infinity beats every finite value. Averaging would dilute a single exploding weight into its neighbours (and, at 1:64, make it
 * look healthy), and striding would skip it entirely; the max-magnitude pick guarantees that one bad
 * cell in a 1000×1000 matrix is still visible in the 256×256 heatmap. Values are stored as float32
 * (the payload type of telemetry frames): finite values beyond ±3.4e38 show as ±Infinity.
 */
import type { FloatArray, Matrix } from '../core/matrix.js';
import { poolF32 } from './kernels.js';

export interface DecimatedMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
  /** Shape of the matrix this was made from; equal to rows/cols when nothing was dropped. */
  readonly sourceRows: number;
  readonly sourceCols: number;
}

/** Source index → block index: floor(i·out/src), which gives every block at least one source cell. */
function blockOf(i: number, src: number, out: number): number {
  return Math.floor((i * out) / src);
}

/** The half-open source range [start, end) that output index `k` of `out` covers (for tooltips). */
export function sourceRange(k: number, src: number, out: number): [number, number] {
  return [Math.ceil((k * src) / out), Math.ceil(((k + 1) * src) / out)];
}

/** Picks, of a current winner and a candidate, the one a block should show: NaN, then largest |v|, then x over −x. */
function wins(candidate: number, current: number): boolean {
  if (Number.isNaN(current)) return false;
  if (Number.isNaN(candidate)) return true;
  const a = Math.abs(candidate);
  const b = Math.abs(current);
  return a > b || (a === b && candidate > current);
}

/** Start of each block: block k covers [starts[k], starts[k+1]) (see sourceRange). */
function blockStarts(src: number, out: number): Int32Array {
  const s = new Int32Array(out + 1);
  for (let k = 0; k <= out; k++) s[k] = sourceRange(k, src, out)[0];
  return s;
}

/** m reduced to at most maxRows × maxCols by keeping the largest-magnitude value per block (NaN wins). */
export function decimate(m: Matrix<FloatArray>, maxRows = 256, maxCols = 256): DecimatedMatrix {
  if (!(maxRows >= 1 && maxCols >= 1))
    throw new RangeError(`decimate: the target size ${maxRows}×${maxCols} must be at least 1×1`);
  const R = Math.min(m.rows, Math.floor(maxRows));
  const C = Math.min(m.cols, Math.floor(maxCols));
  const out = new Float32Array(R * C);
  if (R === m.rows && C === m.cols) {
    out.set(m.data);
    return { rows: R, cols: C, data: out, sourceRows: m.rows, sourceCols: m.cols };
  }
  // Float32 data: the SIMD kernel (the same picks; a NaN anywhere sends it down the exact loop below).
  if (m.data instanceof Float32Array) {
    const fast = poolF32(m.data, m.cols, blockStarts(m.rows, R), C === m.cols ? null : blockStarts(m.cols, C), out);
    if (fast && !fast.nan) return { rows: R, cols: C, data: out, sourceRows: m.rows, sourceCols: m.cols };
  }
  const winner = new Float64Array(R * C);
  const seen = new Uint8Array(R * C);
  const colBlock = new Int32Array(m.cols);
  for (let j = 0; j < m.cols; j++) colBlock[j] = blockOf(j, m.cols, C);
  for (let i = 0; i < m.rows; i++) {
    const rowBase = blockOf(i, m.rows, R) * C;
    for (let j = 0; j < m.cols; j++) {
      const v = m.data[i * m.cols + j]!;
      const k = rowBase + colBlock[j]!;
      if (seen[k] === 0 || wins(v, winner[k]!)) {
        winner[k] = v;
        seen[k] = 1;
      }
    }
  }
  out.set(winner);
  return { rows: R, cols: C, data: out, sourceRows: m.rows, sourceCols: m.cols };
}

export interface DecimatedSeries {
  /** Source indices of the kept points, increasing. */
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/**
 * A long series (e.g. a loss curve) reduced to at most maxPoints points: each bucket keeps its
 * minimum and maximum (in index order; a NaN takes the minimum's place), so spikes, dips and NaNs
 * survive at any zoom level.
 */
export function decimateSeries(values: ArrayLike<number>, maxPoints: number): DecimatedSeries {
  const n = values.length;
  if (n <= maxPoints) {
    return { x: Float64Array.from({ length: n }, (_, i) => i), y: Float64Array.from(values) };
  }
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const xs: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const [start, end] = sourceRange(b, n, buckets);
    let lo = -1;
    let hi = -1;
    let nan = -1;
    for (let i = start; i < end; i++) {
      const v = values[i]!;
      if (Number.isNaN(v)) {
        if (nan < 0) nan = i;
        continue;
      }
      if (lo < 0 || v < values[lo]!) lo = i;
      if (hi < 0 || v > values[hi]!) hi = i;
    }
    // NaN beats the minimum when a bucket has all three: a loss curve's spikes matter more than its dips.
    const keep = nan >= 0 ? [nan, hi] : [lo, hi];
    xs.push(...[...new Set(keep.filter((i) => i >= 0))].sort((a, c) => a - c));
  }
  return { x: Float64Array.from(xs), y: Float64Array.from(xs, (i) => values[i]!) };
}

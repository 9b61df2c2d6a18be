/**
 * The one matrix decimator of the engine: history copies, streaming frames, replies and hit
 * matrices all shrink matrices here, with the same uniform block geometry (so a history frame
 * needs no patched block sizes).
 *
 * A matrix is cut into blocks of ⌈rows/maxRows⌉ × ⌈cols/maxCols⌉ cells and each block is
 * represented by the value of largest magnitude in it (sign kept; x over −x on a tie); a NaN
 * anywhere in a block wins outright, ±Infinity beats every finite value. Averaging would dilute a
 * single exploding weight into its neighbours (and, at 1:64, make it look healthy), and striding
 * would skip it entirely; the max-magnitude pick guarantees that one bad cell in a 1000×1000
 * matrix is still visible in the 250×250 heatmap. Values are stored as float32 (the payload type
 * of telemetry frames): finite values beyond ±3.4e38 show as ±Infinity. Min, max and the
 * non-finite count are of the full source, so legends stay exact.
 */
import { momentsF32, poolF32, uniformStarts } from './kernels.js';

export interface MatrixSource {
  readonly rows: number;
  readonly cols: number;
  readonly data: ArrayLike<number>;
}

export interface DecimatedMatrix {
  /** Shape of `data`. */
  readonly rows: number;
  readonly cols: number;
  /** Row-major. */
  readonly data: Float32Array;
  /** Shape of the matrix this was made from; equal to rows/cols when nothing was dropped. */
  readonly sourceRows: number;
  readonly sourceCols: number;
  /** Each cell stands for a blockRows × blockCols block of the source (1 × 1 when full). */
  readonly blockRows: number;
  readonly blockCols: number;
  /** Over the finite values of the full source; null when it has none. */
  readonly min: number | null;
  readonly max: number | null;
  readonly nonFinite: number;
}

/** Per-output-column accumulators of the float path, reused across calls (this runs for every matrix of every frame). */
let scratchHi = new Float64Array(0);
let scratchLo = new Float64Array(0);
function floatScratch(n: number): { hi: Float64Array; lo: Float64Array } {
  if (scratchHi.length < n) {
    scratchHi = new Float64Array(n);
    scratchLo = new Float64Array(n);
  }
  return { hi: scratchHi, lo: scratchLo };
}

interface Shape {
  readonly R: number;
  readonly C: number;
  readonly br: number;
  readonly bc: number;
  readonly rows: number;
  readonly cols: number;
}

/** A range from a fast pass; `suspect` when the matrix may hold NaN/±Infinity (then an exact pass follows). */
interface FastRange {
  min: number;
  max: number;
  suspect: boolean;
}

/** No decimation: a copy, and the range (float32 by the SIMD moments pass, which a NaN/±Infinity makes suspect). */
function copyRange(src: ArrayLike<number>, out: Float32Array): FastRange {
  if (src instanceof Float32Array) {
    out.set(src);
    const m = momentsF32(src);
    if (m) return { min: m.min, max: m.max, suspect: !Number.isFinite(m.sumSq) };
  }
  let min = Infinity;
  let max = -Infinity;
  let nan = false;
  for (let k = 0; k < src.length; k++) out[k] = src[k]!;
  for (let k = 0; k < src.length; k++) {
    const x = src[k]!;
    if (x < min) min = x;
    if (x > max) max = x;
    if (x !== x) nan = true;
  }
  return { min, max, suspect: nan };
}

/**
 * Float32 sources (the f32 backends, where frames are frequent): the WebAssembly SIMD pooling
 * kernel (engine/telemetry/kernels.ts), ≈ 15× faster than a JS loop on W_0 (784×256). A NaN
 * anywhere sends the matrix down the exact JS path (null); so does a host without WebAssembly SIMD.
 */
function poolKernel(src: Float32Array, sh: Shape, out: Float32Array): FastRange | null {
  const r = poolF32(src, sh.C, uniformStarts(sh.R, sh.br), sh.bc === 1 ? null : uniformStarts(sh.C, sh.bc), out);
  return r && !r.nan ? { min: r.min, max: r.max, suspect: false } : null;
}

/**
 * Other sources (float64): per block the largest (hi) and smallest (lo) value, accumulated with
 * Math.max/min (which propagate NaN); the kept value is hi or lo, whichever is larger in magnitude.
 */
function poolFloat(src: ArrayLike<number>, sh: Shape, out: Float32Array): FastRange {
  const { hi, lo } = floatScratch(sh.cols);
  let min = Infinity;
  let max = -Infinity;
  for (let orow = 0; orow < sh.rows; orow++) {
    hi.fill(-Infinity, 0, sh.cols);
    lo.fill(Infinity, 0, sh.cols);
    const i1 = Math.min(sh.R, (orow + 1) * sh.br);
    for (let i = orow * sh.br; i < i1; i++) {
      const base = i * sh.C;
      for (let j = 0; j < sh.C; j++) {
        const x = src[base + j]!;
        const o = sh.bc === 1 ? j : (j / sh.bc) | 0;
        hi[o] = Math.max(hi[o]!, x);
        lo[o] = Math.min(lo[o]!, x);
      }
    }
    const row = orow * sh.cols;
    for (let o = 0; o < sh.cols; o++) {
      const h = hi[o]!;
      const l = lo[o]!;
      out[row + o] = h >= -l ? h : l < -h ? l : NaN; // NaN when h or l is NaN
      min = Math.min(min, l);
      max = Math.max(max, h);
    }
  }
  return { min, max, suspect: false };
}

/**
 * A Float32 copy of m, block-pooled (largest magnitude wins, with its sign; a tie between x and
 * −x keeps x > 0; NaN, then ±Infinity, win over everything) down to at most maxRows × maxCols.
 * Blocks are uniform: blockRows = ⌈rows / maxRows⌉ source rows each (the last may be shorter),
 * so a cell's source range is known from the block size alone. One pass over the source; a
 * matrix holding NaN/±Infinity gets a second, exact pass for its finite range and non-finite count.
 */
export function decimate(m: MatrixSource, maxRows = 256, maxCols = maxRows): DecimatedMatrix {
  if (!(maxRows >= 1 && maxCols >= 1))
    throw new RangeError(`decimate: the target size ${maxRows}×${maxCols} must be at least 1×1`);
  const blockRows = Math.max(1, Math.ceil(m.rows / Math.floor(maxRows)));
  const blockCols = Math.max(1, Math.ceil(m.cols / Math.floor(maxCols)));
  const rows = Math.ceil(m.rows / blockRows);
  const cols = Math.ceil(m.cols / blockCols);
  const out = new Float32Array(rows * cols);
  const src = m.data;
  const sh: Shape = { R: m.rows, C: m.cols, br: blockRows, bc: blockCols, rows, cols };
  const fast =
    blockRows === 1 && blockCols === 1
      ? copyRange(src, out)
      : ((src instanceof Float32Array ? poolKernel(src, sh, out) : null) ?? poolFloat(src, sh, out));
  let { min, max } = fast;
  let nonFinite = 0;
  if (fast.suspect || !(min - min === 0 && max - max === 0)) {
    min = Infinity;
    max = -Infinity;
    for (let k = 0; k < src.length; k++) {
      const x = src[k]!;
      if (x - x !== 0) nonFinite++;
      else {
        if (x < min) min = x;
        if (x > max) max = x;
      }
    }
  }
  const range = min <= max ? { min, max } : { min: null, max: null };
  return { rows, cols, sourceRows: m.rows, sourceCols: m.cols, blockRows, blockCols, data: out, ...range, nonFinite };
}

/**
 * A decimated matrix decimated further (a history copy shown at a smaller size). Uniform blocks
 * of uniform blocks are uniform blocks of the product size, so the result describes the original
 * source exactly; the range and non-finite count stay those of the source.
 */
export function redecimate(d: DecimatedMatrix, maxRows: number, maxCols = maxRows): DecimatedMatrix {
  if (d.rows <= maxRows && d.cols <= maxCols) return { ...d, data: d.data.slice() };
  const e = decimate(d, maxRows, maxCols);
  return {
    ...e,
    sourceRows: d.sourceRows,
    sourceCols: d.sourceCols,
    blockRows: d.blockRows * e.blockRows,
    blockCols: d.blockCols * e.blockCols,
    min: d.min,
    max: d.max,
    nonFinite: d.nonFinite,
  };
}

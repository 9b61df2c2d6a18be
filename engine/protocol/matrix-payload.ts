/**
 * Matrices on the wire. Streaming frames carry each matrix as a Float32Array (its buffer is
 * transferred, not copied), decimated to at most `maxSize`×`maxSize`. Decimation keeps, per block,
 * the value of largest magnitude, and NaN/±Infinity win over any finite value: a debugger must not
 * average away the one exploding or NaN gradient the user is hunting. Min, max and the non-finite
 * count are of the full matrix, so legends stay exact.
 */
import type { FloatArray } from '../core/matrix.js';
import { momentsF32, poolF32, uniformStarts } from '../telemetry/kernels.js';

/**
 * The matrices of FORMATS.md, by layer index i:
 * `A` = A_i (layer i's input; i runs 0…L, A_0 = X, A_L = F), `H` = H_i, `G` = G_i = ∂L/∂H_i,
 * `W` = W_i, `b` = b_i, `dW` = ∂L/∂W_i, `db` = ∂L/∂b_i (i = 0…L-1).
 */
export const MATRIX_NAMES = ['A', 'H', 'G', 'W', 'b', 'dW', 'db'] as const;
export type MatrixName = (typeof MATRIX_NAMES)[number];

export interface MatrixPayload<T extends FloatArray = Float32Array> {
  readonly layer: number;
  readonly name: MatrixName;
  /** Shape of `data`. */
  readonly rows: number;
  readonly cols: number;
  /** Shape of the matrix it was made from; equal to rows/cols when not decimated. */
  readonly sourceRows: number;
  readonly sourceCols: number;
  /** Each sent cell stands for a blockRows × blockCols block of the source (1 × 1 when full). */
  readonly blockRows: number;
  readonly blockCols: number;
  /** Row-major. */
  readonly data: T;
  /** Over the finite values of the full source; null when it has none. */
  readonly min: number | null;
  readonly max: number | null;
  readonly nonFinite: number;
}

export interface MatrixSource {
  readonly rows: number;
  readonly cols: number;
  readonly data: ArrayLike<number>;
}

function rangeOf(data: ArrayLike<number>): { min: number | null; max: number | null; nonFinite: number } {
  let min = Infinity;
  let max = -Infinity;
  let nonFinite = 0;
  for (let k = 0; k < data.length; k++) {
    const x = data[k]!;
    if (!Number.isFinite(x)) nonFinite++;
    else {
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  return min <= max ? { min, max, nonFinite } : { min: null, max: null, nonFinite };
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
 * −x keeps x > 0; NaN, then ±Infinity, win over everything) down to at most maxSize × maxSize.
 * One pass over the source; a matrix holding NaN/±Infinity gets a second, exact pass for its
 * finite range and non-finite count.
 */
export function decimate(m: MatrixSource, layer: number, name: MatrixName, maxSize: number): MatrixPayload {
  if (!Number.isInteger(maxSize) || maxSize < 1)
    throw new RangeError(`decimate: maxSize must be a positive integer, got ${maxSize}`);
  const blockRows = Math.max(1, Math.ceil(m.rows / maxSize));
  const blockCols = Math.max(1, Math.ceil(m.cols / maxSize));
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
  return {
    layer,
    name,
    rows,
    cols,
    sourceRows: m.rows,
    sourceCols: m.cols,
    blockRows,
    blockCols,
    data: out,
    ...range,
    nonFinite,
  };
}

/** The full-resolution payload, keeping float64 precision when the source has it (for exact hover values). */
export function fullResolution(
  m: MatrixSource & { data: FloatArray },
  layer: number,
  name: MatrixName,
): MatrixPayload<FloatArray> {
  const data = m.data.slice();
  return {
    layer,
    name,
    rows: m.rows,
    cols: m.cols,
    sourceRows: m.rows,
    sourceCols: m.cols,
    blockRows: 1,
    blockCols: 1,
    data,
    ...rangeOf(data),
  };
}

/** The buffers to list as transferables when posting payloads. */
export function transferablesOf(payloads: readonly { data: FloatArray }[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const p of payloads) {
    const buf = p.data.buffer;
    if (buf instanceof ArrayBuffer && !out.includes(buf)) out.push(buf);
  }
  return out;
}

/**
 * Matrices on the wire. Streaming frames carry each matrix as a Float32Array (its buffer is
 * transferred, not copied), decimated to at most `maxSize`×`maxSize`. Decimation keeps, per block,
 * the value of largest magnitude, and NaN/±Infinity win over any finite value: a debugger must not
 * average away the one exploding or NaN gradient the user is hunting. Min, max and the non-finite
 * count are of the full matrix, so legends stay exact.
 */
import type { FloatArray } from '../core/matrix.js';

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

/** No decimation: a copy, and the range (for other sources with branches that are almost never taken). */
function copyRange(src: ArrayLike<number>, out: Float32Array): FastRange {
  if (src instanceof Float32Array) {
    out.set(src);
    return rangeFloat32(src);
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
 * The range of a float32 array, in a function that only ever sees Float32Array (monomorphic
 * loads) with Math.min/max, which compile to branch-free min/max and propagate NaN: ≈ 2.5× faster
 * than the generic loop on H_i, A_i, G_i (128×256). NaN makes max NaN: suspect, the exact pass decides.
 */
function rangeFloat32(a: Float32Array): FastRange {
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  return { min, max, suspect: max !== max };
}

/**
 * Float32 sources (the f32 backends, where frames are frequent): the block winner is found on the
 * IEEE bit patterns with integer arithmetic and no data-dependent branches (the float compares of
 * a running block maximum mispredict about half the time on real weights and gradients; this is
 * ~2× faster on them). |x|'s bits order like |x| and put NaN above ±Infinity above every finite
 * value, which is exactly "NaN wins, then infinities, then the largest magnitude". Per block two
 * running maxima: of the positive values' bits and of the negative values' |bits|; their overall
 * maxima are the matrix's max and −min when it has values of both signs.
 */
function poolFloat32(src: Float32Array, sh: Shape, out: Float32Array): FastRange {
  const bits = new Int32Array(src.buffer, src.byteOffset, src.length);
  const outBits = new Int32Array(out.buffer, out.byteOffset, out.length);
  const { R, C, br, bc, rows, cols } = sh;
  if (bc === 1) return poolColumnBlocksFloat32(bits, sh, outBits);
  let maxPos = 0;
  let maxNeg = 0;
  // Each block is reduced in registers (its rows are a few KB apart: all in L1) and written once.
  for (let orow = 0; orow < rows; orow++) {
    const i0 = orow * br;
    const i1 = Math.min(R, i0 + br);
    const row = orow * cols;
    for (let o = 0; o < cols; o++) {
      const j0 = o * bc;
      const j1 = Math.min(C, j0 + bc);
      let p = 0;
      let n = 0;
      for (let i = i0; i < i1; i++) {
        const base = i * C;
        for (let k = base + j0, end = base + j1; k < end; k++) {
          const b = bits[k]!;
          const sign = b >> 31; // 0 or −1
          const abs = b & 0x7fffffff;
          // max(a, b) of two non-negative int32 without a branch: a − ((a − b) & ((a − b) >> 31)).
          let d = p - (abs & ~sign);
          p -= d & (d >> 31);
          d = n - (abs & sign);
          n -= d & (d >> 31);
        }
      }
      outBits[row + o] = p >= n ? p : n | 0x80000000;
      if (p > maxPos) maxPos = p;
      if (n > maxNeg) maxNeg = n;
    }
  }
  // The range falls out of the same maxima: the largest positive value and the most negative one.
  // Without a positive (or a negative) value, or with NaN/±Infinity, the exact pass decides.
  return rangeFromMaxima(maxPos, maxNeg);
}

/**
 * Blocks one column wide (a tall matrix such as W_0 or ∂L/∂W_0, 784×256 → 196×256 in 4×1
 * blocks): the same branch-free integer maxima, with each block's rows walked at stride C in one
 * loop, not an inner loop of length 1 per row (≈ 25% faster on W_0).
 */
function poolColumnBlocksFloat32(bits: Int32Array, sh: Shape, outBits: Int32Array): FastRange {
  const { R, C, br, rows } = sh;
  let maxPos = 0;
  let maxNeg = 0;
  for (let orow = 0; orow < rows; orow++) {
    const end = Math.min(R, (orow + 1) * br) * C;
    const row = orow * C;
    for (let j = 0; j < C; j++) {
      let p = 0;
      let n = 0;
      for (let k = orow * br * C + j; k < end; k += C) {
        const b = bits[k]!;
        const sign = b >> 31;
        const abs = b & 0x7fffffff;
        let d = p - (abs & ~sign);
        p -= d & (d >> 31);
        d = n - (abs & sign);
        n -= d & (d >> 31);
      }
      outBits[row + j] = p >= n ? p : n | 0x80000000;
      if (p > maxPos) maxPos = p;
      if (n > maxNeg) maxNeg = n;
    }
  }
  return rangeFromMaxima(maxPos, maxNeg);
}

/** The range from the bit maxima; suspect (the exact pass decides) without both signs or with NaN/±Infinity. */
function rangeFromMaxima(maxPos: number, maxNeg: number): FastRange {
  const INF = 0x7f800000;
  if (maxPos === 0 || maxNeg === 0 || maxPos >= INF || maxNeg >= INF) return { min: NaN, max: NaN, suspect: true };
  return { min: -bitsToFloat(maxNeg), max: bitsToFloat(maxPos), suspect: false };
}

const bitCell = new Int32Array(1);
const floatCell = new Float32Array(bitCell.buffer);
function bitsToFloat(b: number): number {
  bitCell[0] = b;
  return floatCell[0]!;
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
      : src instanceof Float32Array
        ? poolFloat32(src, sh, out)
        : poolFloat(src, sh, out);
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

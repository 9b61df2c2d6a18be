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

/** A Float32 copy of m, block-pooled (largest magnitude wins) down to at most maxSize × maxSize. */
export function decimate(m: MatrixSource, layer: number, name: MatrixName, maxSize: number): MatrixPayload {
  if (!Number.isInteger(maxSize) || maxSize < 1)
    throw new RangeError(`decimate: maxSize must be a positive integer, got ${maxSize}`);
  const blockRows = Math.max(1, Math.ceil(m.rows / maxSize));
  const blockCols = Math.max(1, Math.ceil(m.cols / maxSize));
  const rows = Math.ceil(m.rows / blockRows);
  const cols = Math.ceil(m.cols / blockCols);
  const out = new Float32Array(rows * cols);
  const src = m.data;
  if (blockRows === 1 && blockCols === 1) {
    if (src instanceof Float64Array || src instanceof Float32Array) out.set(src);
    else for (let k = 0; k < out.length; k++) out[k] = src[k]!;
  } else {
    // Hot path (every frame, every matrix): inlined, no per-element calls. NaN ends a block at
    // once; ±Infinity wins by magnitude; ties keep the first value.
    for (let r = 0; r < rows; r++) {
      const r0 = r * blockRows;
      const r1 = Math.min(m.rows, r0 + blockRows);
      for (let c = 0; c < cols; c++) {
        const c0 = c * blockCols;
        const c1 = Math.min(m.cols, c0 + blockCols);
        let v = src[r0 * m.cols + c0]!;
        let mag = Math.abs(v);
        block: for (let i = r0; i < r1; i++) {
          const base = i * m.cols;
          for (let j = c0; j < c1; j++) {
            const x = src[base + j]!;
            if (x !== x) {
              v = NaN;
              break block;
            }
            const abs = x < 0 ? -x : x;
            if (abs > mag) {
              v = x;
              mag = abs;
            }
          }
        }
        out[r * cols + c] = v;
      }
    }
  }
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
    ...rangeOf(src),
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

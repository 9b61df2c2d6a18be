/**
 * Matrices on the wire. Streaming frames carry each matrix as a Float32Array (its buffer is
 * transferred, not copied), decimated to at most `maxSize`×`maxSize`. Decimation keeps, per block,
 * the value of largest magnitude, and NaN/±Infinity win over any finite value: a debugger must not
 * average away the one exploding or NaN gradient the user is hunting. Min, max and the non-finite
 * count are of the full matrix, so legends stay exact.
 */
import type { FloatArray } from '../core/matrix.js';
import { decimate as decimateMatrix, type MatrixSource } from '../telemetry/decimate.js';

export type { MatrixSource };

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

/**
 * The payload of a matrix decimated to at most maxSize × maxSize (engine/telemetry/decimate.ts,
 * the engine's one decimator: largest magnitude per block, NaN and ±Infinity win).
 */
export function decimate(m: MatrixSource, layer: number, name: MatrixName, maxSize: number): MatrixPayload {
  if (!Number.isInteger(maxSize) || maxSize < 1)
    throw new RangeError(`decimate: maxSize must be a positive integer, got ${maxSize}`);
  return { layer, name, ...decimateMatrix(m, maxSize, maxSize) };
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

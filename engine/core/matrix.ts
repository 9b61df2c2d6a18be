/**
 * Dense row-major matrices: the one data shape every engine module exchanges.
 * Element (i, j) of an r×c matrix lives at data[i * cols + j] (one sample per row).
 */
export type FloatArray = Float64Array | Float32Array;

export interface Matrix<T extends FloatArray = Float64Array> {
  readonly rows: number;
  readonly cols: number;
  readonly data: T;
}

export function assertShape(rows: number, cols: number, what = 'matrix'): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`${what}: invalid shape ${rows}×${cols}`);
  }
}

/** A new float64 matrix, zero-filled unless data is given (then its length must match). */
export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  assertShape(rows, cols);
  const out = new Float64Array(rows * cols);
  if (data !== undefined) {
    if (data.length !== rows * cols) {
      throw new RangeError(`matrix: ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`);
    }
    out.set(data);
  }
  return { rows, cols, data: out };
}

export function matrix32(rows: number, cols: number, data?: ArrayLike<number>): Matrix<Float32Array> {
  assertShape(rows, cols);
  const out = new Float32Array(rows * cols);
  if (data !== undefined) {
    if (data.length !== rows * cols) {
      throw new RangeError(`matrix32: ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`);
    }
    out.set(data);
  }
  return { rows, cols, data: out };
}

/** Build from nested arrays (rows of equal length). */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0]!.length;
  const out = new Float64Array(r * c);
  rows.forEach((row, i) => {
    if (row.length !== c) throw new RangeError(`fromRows: row ${i} has ${row.length} values, expected ${c}`);
    for (let j = 0; j < c; j++) out[i * c + j] = row[j]!;
  });
  return { rows: r, cols: c, data: out };
}

export function toRows(m: Matrix<FloatArray>): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

export function toFloat64(m: Matrix<FloatArray>): Matrix {
  return m.data instanceof Float64Array ? (m as Matrix) : { rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) };
}

export function toFloat32(m: Matrix<FloatArray>): Matrix<Float32Array> {
  return m.data instanceof Float32Array
    ? (m as Matrix<Float32Array>)
    : { rows: m.rows, cols: m.cols, data: Float32Array.from(m.data) };
}

export function cloneMatrix<T extends FloatArray>(m: Matrix<T>): Matrix<T> {
  return { rows: m.rows, cols: m.cols, data: m.data.slice() as T };
}

export function sameShape(a: { rows: number; cols: number }, b: { rows: number; cols: number }): boolean {
  return a.rows === b.rows && a.cols === b.cols;
}

/** Rows [start, end) as a new matrix (copy). */
export function sliceRows(m: Matrix, start: number, end: number): Matrix {
  return { rows: end - start, cols: m.cols, data: m.data.slice(start * m.cols, end * m.cols) };
}

/** Gather the given rows, in order (copy): used for shuffled mini-batches and splits. */
export function gatherRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = new Float64Array(indices.length * m.cols);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    out.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), k * m.cols);
  }
  return { rows: indices.length, cols: m.cols, data: out };
}

/** Frobenius norm. */
export function frobenius(m: Matrix<FloatArray>): number {
  let s = 0;
  for (let k = 0; k < m.data.length; k++) s += m.data[k]! * m.data[k]!;
  return Math.sqrt(s);
}

/** Largest |a − b| over all elements (shapes must match). */
export function maxAbsDiff(a: Matrix<FloatArray>, b: Matrix<FloatArray>): number {
  if (!sameShape(a, b)) throw new RangeError(`maxAbsDiff: ${a.rows}×${a.cols} vs ${b.rows}×${b.cols}`);
  let d = 0;
  for (let k = 0; k < a.data.length; k++) d = Math.max(d, Math.abs(a.data[k]! - b.data[k]!));
  return d;
}

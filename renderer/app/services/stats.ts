/**
 * The Data view's helpers: the shape its summary table shows per column (the engine computes the
 * statistics over the whole data set and sends them with `dataset-loaded`), and class indices of
 * one-hot targets for colouring points by class.
 */
import type { MatrixView } from './matrix.js';

/** One column's row of the summary table. */
export interface ColumnStats {
  readonly name: string;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly std: number;
  readonly nonFinite: number;
}

/** The class index of each row of one-hot (or probability) targets: the arg max. */
export function argmaxRows(m: MatrixView): Int32Array {
  const out = new Int32Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let best = 0;
    for (let j = 1; j < m.cols; j++) if (m.data[i * m.cols + j]! > m.data[i * m.cols + best]!) best = j;
    out[i] = best;
  }
  return out;
}

/**
 * Summary statistics of a data sample, per column: what the Data view's table shows. Computed in
 * one pass (Welford) so large previews cost little; non-finite cells are counted, not averaged.
 */
import type { MatrixView } from '../components/heatmap/paint.js';

export interface ColumnStats {
  readonly name: string;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly std: number;
  readonly nonFinite: number;
}

export function columnStats(m: MatrixView, names: readonly string[] = []): ColumnStats[] {
  const out: ColumnStats[] = [];
  for (let j = 0; j < m.cols; j++) {
    let count = 0;
    let mean = 0;
    let m2 = 0;
    let min = Infinity;
    let max = -Infinity;
    let nonFinite = 0;
    for (let i = 0; i < m.rows; i++) {
      const x = m.data[i * m.cols + j]!;
      if (!Number.isFinite(x)) {
        nonFinite++;
        continue;
      }
      count++;
      const d = x - mean;
      mean += d / count;
      m2 += d * (x - mean);
      if (x < min) min = x;
      if (x > max) max = x;
    }
    out.push({
      name: names[j] ?? `x${j}`,
      count,
      min: count ? min : NaN,
      max: count ? max : NaN,
      mean: count ? mean : NaN,
      std: count > 1 ? Math.sqrt(m2 / (count - 1)) : 0,
      nonFinite,
    });
  }
  return out;
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

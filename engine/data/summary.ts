/** Per-column statistics and class counts: what `info` prints and the dashboard's data panel shows. */
import type { Matrix } from '../core/matrix.js';
import type { LabeledDataset, TaskKind } from './types.js';

export interface ColumnSummary {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Population standard deviation. */
  readonly std: number;
}

export interface DatasetSummary {
  readonly name: string;
  readonly task: TaskKind;
  readonly rows: number;
  readonly features: readonly ColumnSummary[];
  /** Regression targets; for classification see classCounts. */
  readonly targets: readonly ColumnSummary[];
  readonly classCounts: readonly { readonly name: string; readonly count: number }[] | null;
  readonly normalised: boolean;
}

function columns(m: Matrix, names: readonly string[]): ColumnSummary[] {
  return names.map((name, j) => {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (let i = 0; i < m.rows; i++) {
      const v = m.data[i * m.cols + j]!;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    const mean = m.rows > 0 ? sum / m.rows : NaN;
    let sq = 0;
    for (let i = 0; i < m.rows; i++) sq += (m.data[i * m.cols + j]! - mean) ** 2;
    return { name, min, max, mean, std: m.rows > 0 ? Math.sqrt(sq / m.rows) : NaN };
  });
}

export function summarizeDataset(ds: LabeledDataset): DatasetSummary {
  const classes = ds.meta.classNames;
  let classCounts: { name: string; count: number }[] | null = null;
  if (classes !== null) {
    const counts = new Array<number>(classes.length).fill(0);
    for (let i = 0; i < ds.Y.rows; i++) {
      let best = 0;
      for (let k = 1; k < ds.Y.cols; k++)
        if (ds.Y.data[i * ds.Y.cols + k]! > ds.Y.data[i * ds.Y.cols + best]!) best = k;
      counts[best]!++;
    }
    classCounts = classes.map((name, k) => ({ name, count: counts[k]! }));
  }
  return {
    name: ds.meta.name,
    task: ds.meta.task,
    rows: ds.X.rows,
    features: columns(ds.X, ds.meta.featureNames),
    targets: classes === null ? columns(ds.Y, ds.meta.targetNames) : [],
    classCounts,
    normalised: ds.meta.preprocessing !== null,
  };
}

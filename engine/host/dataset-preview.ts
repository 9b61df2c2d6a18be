/**
 * The `preview` of a `dataset-loaded` event: an evenly spread sample of at most 1000 rows of X and
 * Y (enough for a table, a scatter plot and an image grid without sending MNIST's 188 MB), and
 * per-column statistics of the full matrices, so the dashboard never re-parses the file.
 */
import type { Matrix } from '../core/matrix.js';
import type { LabeledDataset } from '../data/types.js';
import type { ColumnStats, DatasetPreview, SampleMatrix } from '../protocol/events.js';

export const PREVIEW_MAX_ROWS = 1000;
/** Wide data (images) gets fewer sample rows so a preview stays a few MB: 1000 MNIST rows = 784k cells. */
export const PREVIEW_MAX_CELLS = 1_000_000;

/** The dataset rows of an even sample of at most `max` of `n` rows (first row always, spread to the end). */
export function sampleRows(n: number, max: number): Int32Array {
  const k = Math.min(n, Math.max(0, max));
  const out = new Int32Array(k);
  for (let i = 0; i < k; i++) out[i] = Math.floor((i * n) / k);
  return out;
}

function sample(m: Matrix, name: 'X' | 'Y', rows: Int32Array): SampleMatrix {
  const data = new Float32Array(rows.length * m.cols);
  for (let i = 0; i < rows.length; i++) {
    const src = rows[i]! * m.cols;
    for (let j = 0; j < m.cols; j++) data[i * m.cols + j] = m.data[src + j]!;
  }
  let min = Infinity;
  let max = -Infinity;
  let nonFinite = 0;
  for (let k = 0; k < m.data.length; k++) {
    const x = m.data[k]!;
    if (x - x !== 0) nonFinite++;
    else {
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  return {
    name,
    rows: rows.length,
    cols: m.cols,
    sourceRows: m.rows,
    sourceCols: m.cols,
    data,
    rowIndex: rows.slice(),
    min: min <= max ? min : null,
    max: min <= max ? max : null,
    nonFinite,
  };
}

/** Min, max, mean and population std of every column over its finite values, in one row-major pass (Welford). */
export function columnStats(m: Matrix, names: readonly string[]): ColumnStats[] {
  const c = m.cols;
  const count = new Float64Array(c);
  const mean = new Float64Array(c);
  const m2 = new Float64Array(c);
  const min = new Float64Array(c).fill(Infinity);
  const max = new Float64Array(c).fill(-Infinity);
  const missing = new Float64Array(c);
  for (let i = 0; i < m.rows; i++) {
    const base = i * c;
    for (let j = 0; j < c; j++) {
      const x = m.data[base + j]!;
      if (x - x !== 0) {
        missing[j]!++;
        continue;
      }
      const n = ++count[j]!;
      const d = x - mean[j]!;
      mean[j]! += d / n;
      m2[j]! += d * (x - mean[j]!);
      if (x < min[j]!) min[j] = x;
      if (x > max[j]!) max[j] = x;
    }
  }
  return Array.from({ length: c }, (_, j) => {
    const n = count[j]!;
    return {
      name: names[j] ?? `column ${j}`,
      min: n > 0 ? min[j]! : null,
      max: n > 0 ? max[j]! : null,
      mean: n > 0 ? mean[j]! : null,
      std: n > 0 ? Math.sqrt(m2[j]! / n) : null,
      missing: missing[j]!,
    };
  });
}

export function datasetPreview(ds: LabeledDataset): DatasetPreview {
  const width = Math.max(1, ds.X.cols + ds.Y.cols);
  const rows = sampleRows(ds.X.rows, Math.min(PREVIEW_MAX_ROWS, Math.max(1, Math.floor(PREVIEW_MAX_CELLS / width))));
  let classCounts: number[] | null = null;
  if (ds.meta.classNames !== null) {
    classCounts = new Array<number>(ds.Y.cols).fill(0);
    for (let i = 0; i < ds.Y.rows; i++) {
      let best = 0;
      for (let k = 1; k < ds.Y.cols; k++)
        if (ds.Y.data[i * ds.Y.cols + k]! > ds.Y.data[i * ds.Y.cols + best]!) best = k;
      classCounts[best]!++;
    }
  }
  return {
    task: ds.meta.task,
    image: ds.meta.image ? { width: ds.meta.image.width, height: ds.meta.image.height } : null,
    X: sample(ds.X, 'X', rows),
    Y: sample(ds.Y, 'Y', rows),
    featureStats: columnStats(ds.X, ds.meta.featureNames),
    targetStats: columnStats(ds.Y, ds.meta.targetNames),
    classCounts,
  };
}

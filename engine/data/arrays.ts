/**
 * N-d arrays (from .npy or IDX files) → tables and datasets. An array of shape (n, …) is n
 * samples of prod(…) values each; a pair of arrays is X and Y (MNIST images and labels).
 */
import { DatasetError } from './errors.js';
import { prepareDataset } from './prepare.js';
import { normalizeDataset, type NormalizationMethod } from './preprocessing.js';
import { ColumnBuilder, defaultColumnName, type Table } from './table.js';
import { resolveLimits, type DatasetLimits, type LabeledDataset, type TaskKind } from './types.js';

export interface NdArray {
  readonly shape: readonly number[];
  readonly data: Float64Array;
  /** Integer element type (IDX uint8…int32, npy i/u/b): 1-D integer targets are class labels. */
  readonly integer: boolean;
  /** 8-bit unsigned (pixel data): scaled to [0, 1] by default. */
  readonly uint8: boolean;
  readonly file?: string;
}

function samples(a: NdArray): { n: number; width: number } {
  if (a.shape.length === 0)
    throw new DatasetError(
      'bad-structure',
      'a 0-d array (one number) is not a dataset',
      a.file !== undefined ? { file: a.file } : {},
    );
  const n = a.shape[0]!;
  const width = a.shape.slice(1).reduce((x, y) => x * y, 1);
  return { n, width };
}

/** A 1-D or 2-D array as a table with columns "column 1…". */
export function arrayToTable(a: NdArray, limits?: Partial<DatasetLimits>): Table {
  const { n, width } = samples(a);
  const file = a.file;
  if (n === 0 || width === 0)
    throw new DatasetError(
      'empty',
      `the array has shape (${a.shape.join(', ')}): no values`,
      file !== undefined ? { file } : {},
    );
  // One column object per column: refuse a very wide array before building them.
  const { maxColumns } = resolveLimits(limits);
  if (width > maxColumns) {
    throw new DatasetError(
      'too-large',
      `the array has shape (${a.shape.join(', ')}): ${width.toLocaleString('en-US')} columns, over the limit of ${maxColumns.toLocaleString('en-US')}; raise maxColumns (--max-columns), or transpose it if it holds one sample per column`,
      file !== undefined ? { file } : {},
    );
  }
  const builders = Array.from({ length: width }, (_, j) => new ColumnBuilder(defaultColumnName(j)));
  for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) builders[j]!.pushNumber(a.data[i * width + j]!);
  const columns = builders.map((b) => b.finish());
  const at = file !== undefined ? { file } : {};
  return {
    source: file,
    rows: n,
    columns,
    hasHeader: false,
    defaultTargets: [width - 1],
    cellLocation: (r, c) => ({ ...at, field: `[${r}, ${c}]` }),
    rowLocation: (r) => ({ ...at, field: `[${r}]` }),
  };
}

export interface PairOptions {
  readonly name?: string;
  /** 'auto': classification when Y is 1-D (or n×1) integer labels. */
  readonly task?: TaskKind | 'auto';
  readonly classes?: readonly string[];
  /** uint8 inputs are divided by 255 (recorded as preprocessing) unless false. */
  readonly scalePixels?: boolean;
  readonly normalize?: NormalizationMethod | 'none';
  readonly fitRows?: ArrayLike<number>;
}

/**
 * X and Y arrays with the same first dimension → dataset (MNIST: images + labels). X is used in
 * place (its row-major n × prod(…) layout is already the matrix layout; no copy of 60 000 MNIST
 * images), and only Y goes through the label logic of prepareDataset.
 */
export function arraysToDataset(X: NdArray, Y: NdArray, options: PairOptions = {}): LabeledDataset {
  const xs = samples(X);
  const ys = samples(Y);
  if (xs.n !== ys.n) {
    throw new DatasetError(
      'length-mismatch',
      `${X.file ?? 'X'} has ${xs.n} samples but ${Y.file ?? 'Y'} has ${ys.n}`,
      Y.file !== undefined ? { file: Y.file } : {},
    );
  }
  if (xs.n === 0 || xs.width === 0) {
    throw new DatasetError(
      'empty',
      `the inputs have shape (${X.shape.join(', ')}): no values`,
      X.file !== undefined ? { file: X.file } : {},
    );
  }
  const featureNames = Array.from({ length: xs.width }, (_, j) => `x${j + 1}`);
  // Y alone, behind one constant dummy feature column, so prepareDataset's label handling applies.
  const labels = arrayToTable({ ...Y, shape: [ys.n, ys.width] });
  const dummy = { name: 'x', values: new Float64Array(ys.n), text: null, firstIssue: null, textCells: 0 };
  const yTable: Table = {
    ...labels,
    columns: [dummy, ...labels.columns.map((c, k) => ({ ...c, name: ys.width === 1 ? 'label' : `y${k + 1}` }))],
    defaultTargets: labels.columns.map((_, k) => k + 1),
    cellLocation: (r, c) => labels.cellLocation(r, c - 1),
  };
  const task =
    options.task === undefined || options.task === 'auto'
      ? ys.width === 1 && Y.integer
        ? 'classification'
        : 'regression'
      : options.task;
  const prepared = prepareDataset(yTable, {
    task,
    ...(options.classes !== undefined ? { classes: options.classes } : {}),
  });
  const image = X.shape.length === 3 ? { height: X.shape[1]!, width: X.shape[2]! } : undefined;
  let ds: LabeledDataset = {
    X: { rows: xs.n, cols: xs.width, data: X.data },
    Y: prepared.Y,
    meta: { ...prepared.meta, name: options.name ?? X.file ?? 'arrays', featureNames, ...(image ? { image } : {}) },
  };
  const normalize = options.normalize ?? 'none';
  if (normalize !== 'none') {
    ds = normalizeDataset(ds, {
      inputs: normalize,
      ...(options.fitRows !== undefined ? { fitRows: options.fitRows } : {}),
    });
  } else if (X.uint8 && options.scalePixels !== false) {
    const p = xs.width;
    const data = new Float64Array(X.data.length);
    for (let k = 0; k < data.length; k++) data[k] = X.data[k]! / 255;
    const inputs = {
      method: 'min-max' as const,
      names: featureNames,
      offset: new Array<number>(p).fill(0),
      scale: new Array<number>(p).fill(255),
    };
    ds = {
      ...ds,
      X: { rows: xs.n, cols: p, data },
      meta: { ...ds.meta, preprocessing: { version: 1, inputs, outputs: null } },
    };
  }
  return ds;
}

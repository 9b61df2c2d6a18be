/**
 * Table → dataset: pick feature and target columns, turn class labels into one-hot targets (the
 * class names kept, in a stable order), check every used cell, and optionally normalise. This is
 * where a bad cell becomes an error, because only here is it known whether the column is used and
 * as what.
 */
import type { Matrix } from '../core/matrix.js';
import type { LossKind } from '../model/spec.js';
import { PROBABILITY_ROW_TOLERANCE, probabilityRowIssue } from '../model/losses.js';
import { DatasetError, type DatasetErrorLocation } from './errors.js';
import { normalizeDataset, type NormalizationMethod } from './preprocessing.js';
import { resolveColumn, type Table, type TableColumn } from './table.js';
import { resolveLimits, type DatasetLimits, type LabeledDataset, type LoadInference, type TaskKind } from './types.js';

export type ColumnRef = string | number;

export interface PrepareOptions {
  /** Dataset name for the metadata (default: the table's source). */
  readonly name?: string;
  /** Feature columns by name or 0-based index; default: every column that is not a target. */
  readonly features?: readonly ColumnRef[];
  /** Target columns; default: the last column (Y's columns for a JSON {X, Y} file). */
  readonly targets?: readonly ColumnRef[];
  /**
   * 'auto' (default): classification when the single target column is all text labels, or when
   * two or more target columns are already one-hot; otherwise regression.
   */
  readonly task?: TaskKind | 'auto';
  /** Fixed classes in one-hot order (use the training set's for a test set); default: the sorted labels. */
  readonly classes?: readonly string[];
  readonly normalize?: NormalizationMethod | 'none';
  /** Regression only. */
  readonly normalizeTargets?: NormalizationMethod | 'none';
  /** Rows the normalisation is fitted on (the training rows); default all. */
  readonly fitRows?: ArrayLike<number>;
  /** When 'cross-entropy', regression targets must be probability rows (non-negative, summing to 1). */
  readonly loss?: LossKind;
  /** maxClasses and maxCells bound the one-hot targets. */
  readonly limits?: Partial<DatasetLimits>;
}

/** Integer label columns with at most this many distinct values count as classes under task 'auto'… */
const AUTO_MAX_INTEGER_CLASSES = 20;
/** …when there are at least this many rows per class (else a few integer targets stay regression). */
const AUTO_MIN_ROWS_PER_CLASS = 5;
/** Text labels with more distinct values than this share of the rows look like identifiers. */
const IDENTIFIER_SHARE = 0.5;

export function prepareDataset(table: Table, options: PrepareOptions = {}): LabeledDataset {
  const file = table.source;
  const at = (field?: string): DatasetErrorLocation => ({
    ...(file !== undefined ? { file } : {}),
    ...(field !== undefined ? { field } : {}),
  });
  const targets = unique((options.targets ?? table.defaultTargets).map((r) => resolveColumn(table, r)));
  if (targets.length === 0) throw new DatasetError('bad-param', 'no target column chosen', at());
  const features =
    options.features !== undefined
      ? unique(options.features.map((r) => resolveColumn(table, r)))
      : table.columns.map((_, j) => j).filter((j) => !targets.includes(j));
  const overlap = features.find((j) => targets.includes(j));
  if (overlap !== undefined) {
    throw new DatasetError(
      'bad-param',
      'a column cannot be both a feature and a target',
      at(`"${table.columns[overlap]!.name}"`),
    );
  }
  if (features.length === 0) {
    // One column under a delimiter the user gave usually means the wrong delimiter: say so.
    const text = table.columns.length === 1 && table.text?.delimiterSniffed === false ? table.text : undefined;
    const why = text
      ? ` (each line read as one field with the given delimiter ${JSON.stringify(text.delimiter)}: is it the file's?)`
      : '';
    throw new DatasetError('bad-param', `no feature columns: the file has only the target column${why}`, at());
  }

  for (const j of features) requireNumeric(table, j, 'feature');
  const X = gather(table, features);
  const featureNames = features.map((j) => table.columns[j]!.name);

  const limits = resolveLimits(options.limits);
  const auto = options.task === undefined || options.task === 'auto';
  const guess = auto
    ? guessTask(table, targets)
    : { task: options.task as TaskKind, reason: `task "${options.task}" was chosen` };
  const task = guess.task;
  let taskReason = guess.reason;
  let Y: Matrix;
  let targetNames: string[];
  let classNames: string[] | null = null;
  if (task === 'classification') {
    if (targets.length !== 1) {
      throw new DatasetError('bad-param', `classification needs exactly one label column, got ${targets.length}`, at());
    }
    const encoded = oneHot(table, targets[0]!, options.classes, limits, auto);
    Y = encoded.Y;
    classNames = encoded.classes;
    targetNames = classNames;
  } else {
    for (const j of targets) requireNumeric(table, j, 'target');
    Y = gather(table, targets);
    targetNames = targets.map((j) => table.columns[j]!.name);
    if (options.loss === 'cross-entropy') checkProbabilityRows(Y, (r) => table.rowLocation(r));
  }
  // One-hot target columns (a batch file for cross-entropy, an exported classification set) are
  // classes already: keep them as they are and name the classes after the columns.
  let finalTask: TaskKind = task;
  if (task === 'regression' && auto && isOneHot(Y)) {
    finalTask = 'classification';
    classNames = targetNames;
    taskReason = `the ${targets.length} target columns are one-hot (one 1 per row)`;
  }
  const text = table.text;
  const inferred: LoadInference = {
    format: table.format ?? (text ? 'text' : 'json'),
    ...(text
      ? {
          delimiter: text.delimiter,
          header: text.header,
          encoding: text.encoding,
          skippedLines: text.skippedLines,
          ...(text.countsHeader ? { countsHeader: text.countsHeader } : {}),
        }
      : {}),
    task: finalTask,
    taskReason,
    notices: text ? [...text.notices] : [],
  };

  let ds: LabeledDataset = {
    X,
    Y,
    meta: {
      name: options.name ?? file ?? 'data',
      task: finalTask,
      featureNames,
      targetNames,
      classNames,
      preprocessing: null,
      inferred,
    },
  };
  if ((options.normalize ?? 'none') !== 'none' || (options.normalizeTargets ?? 'none') !== 'none') {
    ds = normalizeDataset(ds, {
      inputs: options.normalize ?? 'none',
      outputs: options.normalizeTargets ?? 'none',
      ...(options.fitRows !== undefined ? { fitRows: options.fitRows } : {}),
    });
  }
  return ds;
}

function unique(xs: number[]): number[] {
  return [...new Set(xs)];
}

/**
 * Task 'auto': classification for a column of text labels ("cat", "setosa"), for integer labels
 * with few distinct values (0/1/2 in 150 rows), or when a scikit-learn counts header names the
 * classes; otherwise regression. A column of numbers with a stray word stays regression, so the
 * stray word is reported as an error instead of silently becoming a class. The reason is kept
 * for the user (LoadInference.taskReason).
 */
function guessTask(table: Table, targets: number[]): { task: TaskKind; reason: string } {
  if (targets.length !== 1) return { task: 'regression', reason: `${targets.length} target columns of numbers` };
  const j = targets[0]!;
  const col = table.columns[j]!;
  const names = table.classLabels?.column === j ? table.classLabels.names : null;
  if (names) {
    return {
      task: 'classification',
      reason: `the first line is a scikit-learn counts header naming ${names.length} classes (${names.join(', ')})`,
    };
  }
  if (col.textCells > 0 && col.textCells === table.rows)
    return { task: 'classification', reason: `the label column "${col.name}" holds text labels` };
  if (col.firstIssue === null) {
    const distinct = new Set<number>();
    let integers = true;
    for (let i = 0; i < table.rows && integers; i++) {
      const v = col.values[i]!;
      if (!Number.isInteger(v)) integers = false;
      else if (distinct.add(v).size > AUTO_MAX_INTEGER_CLASSES) break;
    }
    const k = distinct.size;
    if (integers && k >= 2 && k <= AUTO_MAX_INTEGER_CLASSES && table.rows >= AUTO_MIN_ROWS_PER_CLASS * k) {
      return {
        task: 'classification',
        reason: `the label column "${col.name}" holds ${k} distinct integers in ${table.rows} rows (choose task "regression" to predict them as numbers)`,
      };
    }
  }
  return { task: 'regression', reason: `the target column "${col.name}" holds numbers` };
}

/** Two or more target columns of 0/1 with exactly one 1 per row: already one-hot classes. */
function isOneHot(Y: Matrix): boolean {
  if (Y.cols < 2) return false;
  for (let i = 0; i < Y.rows; i++) {
    let ones = 0;
    for (let j = 0; j < Y.cols; j++) {
      const v = Y.data[i * Y.cols + j]!;
      if (v === 1) ones++;
      else if (v !== 0) return false;
    }
    if (ones !== 1) return false;
  }
  return true;
}

/** Throws at the first cell of a used column that is not a finite number. */
function requireNumeric(table: Table, j: number, role: 'feature' | 'target'): void {
  const col = table.columns[j]!;
  const issue = col.firstIssue;
  if (issue === null) return;
  const where = table.cellLocation(issue.row, j);
  if (issue.kind === 'empty')
    throw new DatasetError(
      'missing-value',
      `empty cell in ${role} column "${col.name}": say what to do with missing values (option missing, --missing COL=HOW: drop, mean, median or a number), or leave the column out`,
      where,
    );
  if (issue.kind === 'non-finite') {
    throw new DatasetError(
      'non-finite',
      `${role} value "${issue.raw}" is not finite (NaN and Infinity are not allowed)`,
      where,
    );
  }
  // A column of text (names, dates, categories) rather than one stray word in numbers.
  const textColumn = col.textCells * 2 > table.rows;
  const hint =
    role === 'target'
      ? ' (for class labels, choose task "classification")'
      : textColumn
        ? ': a text column is a feature only one-hot encoded (option oneHot, --one-hot COL); or leave it out of the features, or make it the target'
        : '';
  throw new DatasetError(
    'non-numeric',
    `non-numeric cell "${clip(issue.raw)}" in ${role} column "${col.name}"${hint}`,
    where,
  );
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function gather(table: Table, cols: number[]): Matrix {
  const n = table.rows;
  const p = cols.length;
  const data = new Float64Array(n * p);
  cols.forEach((j, k) => {
    const v = table.columns[j]!.values;
    for (let i = 0; i < n; i++) data[i * p + k] = v[i]!;
  });
  return { rows: n, cols: p, data };
}

function labelAt(col: TableColumn, i: number, names: readonly string[] | null): string {
  if (col.text !== null) return col.text[i]!;
  const v = col.values[i]!;
  // Integer k names class k when a counts header gave the names; anything else stays as it is.
  if (names !== null && Number.isInteger(v) && v >= 0 && v < names.length) return names[v]!;
  return String(v);
}

/** Numbers sort numerically and before text; text sorts by code point (locale-independent). */
export function compareLabels(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  const aNum = a.trim() !== '' && Number.isFinite(na);
  const bNum = b.trim() !== '' && Number.isFinite(nb);
  if (aNum && bNum) return na - nb || (a < b ? -1 : a > b ? 1 : 0);
  if (aNum !== bNum) return aNum ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function oneHot(
  table: Table,
  j: number,
  fixed: readonly string[] | undefined,
  limits: DatasetLimits,
  auto: boolean,
): { Y: Matrix; classes: string[] } {
  const col = table.columns[j]!;
  const n = table.rows;
  const names = table.classLabels?.column === j ? table.classLabels.names : null;
  const labelOf = (c: TableColumn, i: number): string => labelAt(c, i, names);
  for (let i = 0; i < n; i++) {
    const label = labelOf(col, i);
    if (label === '' || (col.text === null && Number.isNaN(col.values[i]))) {
      throw new DatasetError('missing-value', `missing class label in column "${col.name}"`, table.cellLocation(i, j));
    }
  }
  let classes: string[];
  const field = `"${col.name}"`;
  const at = { ...(table.source !== undefined ? { file: table.source } : {}), field };
  if (fixed !== undefined) {
    classes = [...fixed];
  } else if (names !== null) {
    classes = [...names];
  } else {
    // Counted with a cap, so an identifier column is refused before it is one-hot encoded.
    const seen = new Set<string>();
    for (let i = 0; i < n && seen.size <= limits.maxClasses; i++) seen.add(labelOf(col, i));
    if (seen.size > limits.maxClasses) {
      throw new DatasetError(
        'too-large',
        `label column "${col.name}" has more than ${limits.maxClasses.toLocaleString('en-US')} distinct values (the maxClasses limit, --max-classes): each class would be a one-hot column; choose another target column or task "regression"`,
        at,
      );
    }
    if (auto && seen.size > AUTO_MAX_INTEGER_CLASSES && seen.size > IDENTIFIER_SHARE * n) {
      throw new DatasetError(
        'identifier-labels',
        `label column "${col.name}" has ${seen.size.toLocaleString('en-US')} distinct values in ${n.toLocaleString('en-US')} rows: it looks like an identifier, not a class label; choose the target column (targets, --targets), or choose task "classification" if these really are classes`,
        at,
      );
    }
    classes = [...seen].sort(compareLabels);
    if (classes.length < 2) {
      throw new DatasetError(
        'one-class',
        `label column "${col.name}" has only one class ("${clip(classes[0] ?? '')}"); classification needs at least two`,
        { ...(table.source !== undefined ? { file: table.source } : {}), field: `"${col.name}"` },
      );
    }
  }
  const index = new Map(classes.map((c, k) => [c, k]));
  const K = classes.length;
  if (n * K > limits.maxCells) {
    throw new DatasetError(
      'too-large',
      `${n.toLocaleString('en-US')} rows × ${K.toLocaleString('en-US')} classes of one-hot targets is over the ${limits.maxCells.toLocaleString('en-US')}-cell limit (maxCells)`,
      at,
    );
  }
  const data = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    const label = labelOf(col, i);
    const k = index.get(label);
    if (k === undefined) {
      throw new DatasetError(
        'unknown-class',
        `label "${clip(label)}" is not one of the classes ${classes.join(', ')}`,
        table.cellLocation(i, j),
      );
    }
    data[i * K + k] = 1;
  }
  return { Y: { rows: n, cols: K, data }, classes };
}

/**
 * Cross-entropy targets must be probability rows: non-negative, summing to 1 (FORMATS.md).
 * `where(r)` names row r's place in the file.
 */
export function checkProbabilityRows(
  Y: Matrix,
  where: (row: number) => DatasetErrorLocation,
  tolerance = PROBABILITY_ROW_TOLERANCE,
): void {
  const issue = probabilityRowIssue(Y, tolerance);
  if (issue?.kind === 'negative') {
    throw new DatasetError(
      'bad-targets',
      `cross-entropy target ${issue.value} in column ${issue.col + 1} is negative (targets must be probabilities)`,
      where(issue.row),
    );
  }
  if (issue?.kind === 'sum') {
    throw new DatasetError(
      'bad-targets',
      `cross-entropy target row sums to ${issue.sum}, not 1 (use one-hot or probability rows)`,
      where(issue.row),
    );
  }
}

/** Checks a built dataset's targets for a loss (for callers that pick the loss after loading). */
export function checkTargetsForLoss(
  ds: { Y: Matrix },
  loss: LossKind,
  where: (row: number) => DatasetErrorLocation = (r) => ({ field: `Y[${r}]` }),
): void {
  if (loss === 'cross-entropy') checkProbabilityRows(ds.Y, where);
}

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
import type { LabeledDataset, TaskKind } from './types.js';

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
}

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
  if (features.length === 0)
    throw new DatasetError('bad-param', 'no feature columns: the file has only the target column', at());

  for (const j of features) requireNumeric(table, j, 'feature');
  const X = gather(table, features);
  const featureNames = features.map((j) => table.columns[j]!.name);

  const task = options.task === undefined || options.task === 'auto' ? guessTask(table, targets) : options.task;
  let Y: Matrix;
  let targetNames: string[];
  let classNames: string[] | null = null;
  if (task === 'classification') {
    if (targets.length !== 1) {
      throw new DatasetError('bad-param', `classification needs exactly one label column, got ${targets.length}`, at());
    }
    const encoded = oneHot(table, targets[0]!, options.classes);
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
  if (task === 'regression' && (options.task === undefined || options.task === 'auto') && isOneHot(Y)) {
    finalTask = 'classification';
    classNames = targetNames;
  }

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
 * Classification when the one target column is all text labels ("cat", "setosa"). A column of
 * numbers with a stray word stays regression, so the stray word is reported as an error instead
 * of silently becoming a class; numeric class labels (0/1/2) need task 'classification'.
 */
function guessTask(table: Table, targets: number[]): TaskKind {
  if (targets.length !== 1) return 'regression';
  const col = table.columns[targets[0]!]!;
  return col.textCells > 0 && col.textCells === table.rows ? 'classification' : 'regression';
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
    throw new DatasetError('missing-value', `empty cell in ${role} column "${col.name}"`, where);
  if (issue.kind === 'non-finite') {
    throw new DatasetError(
      'non-finite',
      `${role} value "${issue.raw}" is not finite (NaN and Infinity are not allowed)`,
      where,
    );
  }
  const hint = role === 'target' ? ' (for class labels, choose task "classification")' : '';
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

function labelOf(col: TableColumn, i: number): string {
  return col.text !== null ? col.text[i]! : String(col.values[i]);
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

function oneHot(table: Table, j: number, fixed: readonly string[] | undefined): { Y: Matrix; classes: string[] } {
  const col = table.columns[j]!;
  const n = table.rows;
  for (let i = 0; i < n; i++) {
    const label = labelOf(col, i);
    if (label === '' || (col.text === null && Number.isNaN(col.values[i]))) {
      throw new DatasetError('missing-value', `missing class label in column "${col.name}"`, table.cellLocation(i, j));
    }
  }
  let classes: string[];
  if (fixed !== undefined) {
    classes = [...fixed];
  } else {
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) seen.add(labelOf(col, i));
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

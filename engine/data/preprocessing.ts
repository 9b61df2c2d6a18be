/**
 * Normalisation as data: a plain, JSON-serialisable record of what was done to the columns, so
 * the weights file can carry it (its optional "preprocessing" key) and anyone can apply exported
 * weights to raw inputs. Every transform is x' = (x − offset) / scale, per column, fitted on the
 * training rows only (statistics of the validation or test rows must not leak into training).
 */
import type { Matrix } from '../core/matrix.js';
import { DatasetError } from './errors.js';
import type { ColumnTransform, LabeledDataset, NormalizationMethod, Preprocessing } from './types.js';

// The records themselves are data types (./types.ts), so a LabeledDataset can carry one.
export type { ColumnTransform, NormalizationMethod, Preprocessing } from './types.js';

export interface NormalizeOptions {
  readonly inputs?: NormalizationMethod | 'none';
  /** Regression only: also normalise the targets (their inverse is recorded). */
  readonly outputs?: NormalizationMethod | 'none';
  /** The training rows the statistics are fitted on (default: all rows). */
  readonly fitRows?: ArrayLike<number>;
}

/** Fits a transform on the given rows (all by default) of X. */
export function fitTransform(
  X: Matrix,
  method: NormalizationMethod,
  names: readonly string[],
  fitRows?: ArrayLike<number>,
): ColumnTransform {
  const p = X.cols;
  const rows = fitRows ?? { length: X.rows };
  const count = rows.length;
  if (count === 0) throw new DatasetError('empty', 'cannot fit a normalisation on zero rows');
  const rowAt = (k: number): number => (fitRows === undefined ? k : fitRows[k]!);
  const offset: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < p; j++) {
    if (method === 'standardize') {
      let mean = 0;
      for (let k = 0; k < count; k++) mean += X.data[rowAt(k) * p + j]!;
      mean /= count;
      let v = 0;
      for (let k = 0; k < count; k++) v += (X.data[rowAt(k) * p + j]! - mean) ** 2;
      const std = Math.sqrt(v / count);
      offset.push(mean);
      scale.push(std > 0 && Number.isFinite(std) ? std : 1);
    } else {
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = 0; k < count; k++) {
        const x = X.data[rowAt(k) * p + j]!;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      offset.push(lo);
      scale.push(hi > lo && Number.isFinite(hi - lo) ? hi - lo : 1);
    }
  }
  return { method, names: [...names], offset, scale };
}

export function applyTransform(X: Matrix, t: ColumnTransform): Matrix {
  checkWidth(X, t);
  const out = new Float64Array(X.data.length);
  for (let k = 0; k < out.length; k++) {
    const j = k % X.cols;
    out[k] = (X.data[k]! - t.offset[j]!) / t.scale[j]!;
  }
  return { rows: X.rows, cols: X.cols, data: out };
}

/** Maps normalised values back to raw units (for predictions of a net trained on normalised targets). */
export function invertTransform(Y: Matrix, t: ColumnTransform): Matrix {
  checkWidth(Y, t);
  const out = new Float64Array(Y.data.length);
  for (let k = 0; k < out.length; k++) {
    const j = k % Y.cols;
    out[k] = Y.data[k]! * t.scale[j]! + t.offset[j]!;
  }
  return { rows: Y.rows, cols: Y.cols, data: out };
}

function checkWidth(M: Matrix, t: ColumnTransform): void {
  if (M.cols !== t.offset.length) {
    throw new DatasetError(
      'length-mismatch',
      `the normalisation is for ${t.offset.length} columns, the data has ${M.cols}`,
    );
  }
}

/** Normalises a dataset, recording what was done in its metadata. */
export function normalizeDataset(ds: LabeledDataset, options: NormalizeOptions): LabeledDataset {
  if (ds.meta.preprocessing !== null) {
    throw new DatasetError('bad-param', `dataset "${ds.meta.name}" is already normalised`);
  }
  const inMethod = options.inputs ?? 'none';
  const outMethod = options.outputs ?? 'none';
  if (outMethod !== 'none' && ds.meta.task !== 'regression') {
    throw new DatasetError('bad-param', 'only regression targets can be normalised (class targets are one-hot)');
  }
  const inputs = inMethod === 'none' ? null : fitTransform(ds.X, inMethod, ds.meta.featureNames, options.fitRows);
  const outputs = outMethod === 'none' ? null : fitTransform(ds.Y, outMethod, ds.meta.targetNames, options.fitRows);
  if (inputs === null && outputs === null) return ds;
  return applyPreprocessing(ds, { version: 1, inputs, outputs });
}

/** Applies a recorded preprocessing (e.g. the training set's) to another dataset (a test set). */
export function applyPreprocessing(ds: LabeledDataset, pre: Preprocessing): LabeledDataset {
  return {
    X: pre.inputs ? applyTransform(ds.X, pre.inputs) : ds.X,
    Y: pre.outputs ? applyTransform(ds.Y, pre.outputs) : ds.Y,
    meta: { ...ds.meta, preprocessing: pre },
  };
}

/**
 * Reads a preprocessing record from parsed JSON (the weights file's "preprocessing" key),
 * naming the key path of anything wrong.
 */
export function parsePreprocessing(value: unknown, path = 'preprocessing'): Preprocessing {
  const obj = asObject(value, path);
  if (obj.version !== 1) throw bad(`${path}.version`, `must be 1, got ${JSON.stringify(obj.version)}`);
  return {
    version: 1,
    inputs: parseTransform(obj.inputs, `${path}.inputs`),
    outputs: parseTransform(obj.outputs, `${path}.outputs`),
  };
}

function parseTransform(value: unknown, path: string): ColumnTransform | null {
  if (value === null || value === undefined) return null;
  const obj = asObject(value, path);
  const method = obj.method;
  if (method !== 'standardize' && method !== 'min-max') {
    throw bad(`${path}.method`, `must be "standardize" or "min-max", got ${JSON.stringify(method)}`);
  }
  const offset = numberArray(obj.offset, `${path}.offset`);
  const scale = numberArray(obj.scale, `${path}.scale`);
  if (scale.length !== offset.length)
    throw bad(`${path}.scale`, `has ${scale.length} entries, offset has ${offset.length}`);
  scale.forEach((s, j) => {
    if (s === 0) throw bad(`${path}.scale[${j}]`, 'must not be 0');
  });
  let names: string[];
  if (obj.names === undefined) names = offset.map((_, j) => `x${j + 1}`);
  else if (
    Array.isArray(obj.names) &&
    obj.names.every((n) => typeof n === 'string') &&
    obj.names.length === offset.length
  ) {
    names = obj.names as string[];
  } else throw bad(`${path}.names`, `must be ${offset.length} strings`);
  return { method, names, offset, scale };
}

function asObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(path, 'must be an object');
  return value as Record<string, unknown>;
}

function numberArray(value: unknown, path: string): number[] {
  if (!Array.isArray(value)) throw bad(path, 'must be an array of numbers');
  return value.map((v, j) => {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw bad(`${path}[${j}]`, `must be a finite number, got ${JSON.stringify(v)}`);
    return v;
  });
}

function bad(field: string, detail: string): DatasetError {
  return new DatasetError('bad-preprocessing', detail, { field });
}

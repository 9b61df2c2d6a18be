/** Small dataset utilities: a seeded train/validation split, and writing datasets back out as text or JSON. */
import type { Matrix } from '../core/matrix.js';
import { createRng } from '../core/rng.js';
import { DatasetError } from './errors.js';
import type { LabeledDataset } from './types.js';

/**
 * A seeded split: shuffles 0…n−1 with createRng(seed) and holds out round(n·fraction) rows
 * (at least one row stays in training). Fit normalisation on `train` only.
 */
export function splitIndices(n: number, validationFraction: number, seed: number): { train: Int32Array; validation: Int32Array } {
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new DatasetError('bad-param', `the validation fraction must be in [0, 1), got ${validationFraction}`, { field: 'validationFraction' });
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  createRng(seed).shuffle(order);
  const held = Math.min(n - 1, Math.round(n * validationFraction));
  const cut = n - Math.max(0, held);
  return { train: order.slice(0, cut).sort(), validation: order.slice(cut).sort() };
}

export interface FormatOptions {
  /** Default ','; 'whitespace' writes single spaces (the tutorial's `x y` files). */
  readonly delimiter?: ',' | '\t' | ';' | 'whitespace';
  /** Write a header row of feature and target names (default true). */
  readonly header?: boolean;
  /** Classification: write the class name in one label column instead of the one-hot columns (default true). */
  readonly labels?: boolean;
}

/**
 * A dataset as delimited text, one sample per line; numbers use the shortest exact decimal form,
 * so parsing the text gives back the same float64 values.
 */
export function formatDelimited(ds: LabeledDataset, options: FormatOptions = {}): string {
  const sep = options.delimiter === undefined ? ',' : options.delimiter === 'whitespace' ? ' ' : options.delimiter;
  const asLabels = (options.labels ?? true) && ds.meta.classNames !== null;
  const quote = (s: string): string => (/[",;\t\s\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s);
  const lines: string[] = [];
  if (options.header ?? true) {
    const names = [...ds.meta.featureNames, ...(asLabels ? ['label'] : ds.meta.targetNames)];
    lines.push(names.map(quote).join(sep));
  }
  for (let i = 0; i < ds.X.rows; i++) {
    const cells = rowOf(ds.X, i).map(String);
    if (asLabels) cells.push(quote(ds.meta.classNames![argmax(rowOf(ds.Y, i))]!));
    else cells.push(...rowOf(ds.Y, i).map(String));
    lines.push(cells.join(sep));
  }
  return lines.join('\n') + '\n';
}

/** A dataset as the `{X, Y}` JSON shape the loader reads (with names), or as a backprop-lens/batch file. */
export function formatJson(ds: LabeledDataset, batchFile = false): string {
  const X = Array.from({ length: ds.X.rows }, (_, i) => rowOf(ds.X, i));
  const Y = Array.from({ length: ds.Y.rows }, (_, i) => rowOf(ds.Y, i));
  if (batchFile) return JSON.stringify({ format: 'backprop-lens/batch', version: 1, X, Y });
  return JSON.stringify({ featureNames: ds.meta.featureNames, targetNames: ds.meta.targetNames, X, Y });
}

function rowOf(m: Matrix, i: number): number[] {
  return Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
}

function argmax(xs: number[]): number {
  let best = 0;
  for (let k = 1; k < xs.length; k++) if (xs[k]! > xs[best]!) best = k;
  return best;
}

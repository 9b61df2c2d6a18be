/** Writing datasets back out as delimited text or JSON (exports, fixtures, round-trip tests). */
import type { Matrix } from '../core/matrix.js';
import type { LabeledDataset } from './types.js';

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
  const special = sep === ' ' ? /[",;\s]/ : /[",;\t\n\r]|^\s|\s$/;
  const quote = (s: string): string => (special.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s);
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

/**
 * Missing values and text features, between parsing a table and choosing its columns: per column,
 * rows with a missing cell are dropped or the cell filled (mean, median or a constant, computed
 * over the cells present), and text feature columns are one-hot encoded (one 0/1 column per
 * category, `name=value`), capped so an identifier column is refused with a clear message instead
 * of becoming thousands of columns. What was done is counted for the load summary.
 */
import { DatasetError } from './errors.js';
import type { Table, TableColumn } from './table.js';

export type MissingTreatment = 'drop' | 'mean' | 'median' | { readonly constant: number };

export interface CleanOptions {
  /** Per column name: what to do with its missing cells; columns not named keep them (an error if used). */
  readonly missing?: Readonly<Record<string, MissingTreatment>>;
  /** Text columns to one-hot encode, by name. */
  readonly oneHot?: readonly string[];
  /** Most categories a one-hot column may have (default 20). */
  readonly oneHotCap?: number;
  /**
   * Per one-hot column: encode with exactly these categories, in this order, instead of the ones
   * found (a test set takes the training set's, so its columns line up); a value outside them is an
   * error naming the value, its line and column.
   */
  readonly oneHotCategories?: Readonly<Record<string, readonly string[]>>;
}

export interface CleanSummary {
  /** Rows removed because a "drop" column had a missing cell there. */
  readonly droppedRows: number;
  readonly filled: readonly { readonly column: string; readonly count: number; readonly value: number; readonly how: string }[];
  readonly encoded: readonly { readonly column: string; readonly categories: readonly string[] }[];
}

export const DEFAULT_ONE_HOT_CAP = 20;
/** Cells read as missing (besides empty ones): common spellings in exported tables. */
const MISSING_WORDS = new Set(['na', 'n/a', 'nan', 'null', 'none', '?', '-']);

/** Whether row i of a column is missing: an empty cell or a missing-value word (not a finite number). */
export function isMissing(col: TableColumn, i: number): boolean {
  if (!Number.isNaN(col.values[i]!)) return false;
  const t = col.text?.[i];
  // Without kept text the cell was empty or a NaN spelling: both count as missing here.
  return t === undefined || t.trim() === '' || MISSING_WORDS.has(t.trim().toLowerCase());
}

function column(name: string, values: Float64Array, text: readonly string[] | null = null): TableColumn {
  let firstIssue: TableColumn['firstIssue'] = null;
  let textCells = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i]!)) continue;
    const raw = text?.[i] ?? '';
    const word = raw.trim().toLowerCase();
    const kind = word === '' ? 'empty' : /^[+-]?(nan|inf|infinity)$/.test(word) ? 'non-finite' : 'text';
    if (kind === 'text') textCells++;
    firstIssue ??= { kind, raw, row: i };
  }
  return { name, values, text, firstIssue, textCells };
}

function fillValue(present: number[], how: MissingTreatment, name: string, source: string | undefined): number {
  if (typeof how === 'object') return how.constant;
  if (present.length === 0)
    throw new DatasetError('missing-value', `column "${name}" has no values to compute a ${how} from`, { ...(source ? { file: source } : {}), field: `"${name}"` });
  if (how === 'mean') return present.reduce((s, x) => s + x, 0) / present.length;
  const sorted = [...present].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

/** A value of a one-hot column outside the categories it must be encoded with: an error at its cell. */
function checkKnownCategories(
  table: Table,
  j: number,
  labels: readonly (string | null)[],
  keep: readonly number[],
  categories: readonly string[],
): void {
  const known = new Set(categories);
  const k = labels.findIndex((l) => l !== null && !known.has(l));
  if (k < 0) return;
  const name = table.columns[j]!.name;
  throw new DatasetError(
    'unknown-class',
    `"${labels[k]}" is not one of the categories of "${name}" in the training data (${categories.join(', ')})`,
    { ...table.cellLocation(keep[k]!, j), ...(table.source ? { file: table.source } : {}) },
  );
}

export function cleanTable(table: Table, options: CleanOptions): { table: Table; summary: CleanSummary; renamed: Map<string, string[]> } {
  const missing = options.missing ?? {};
  const oneHot = new Set(options.oneHot ?? []);
  const cap = options.oneHotCap ?? DEFAULT_ONE_HOT_CAP;
  const byName = (name: string) => {
    const j = table.columns.findIndex((c) => c.name === name);
    if (j < 0) throw new DatasetError('unknown-column', `no column named "${name}" to clean`, { ...(table.source ? { file: table.source } : {}) });
    return j;
  };
  // Rows kept: none of the "drop" columns is missing there.
  const dropCols = Object.entries(missing).filter(([, how]) => how === 'drop').map(([name]) => byName(name));
  const keep: number[] = [];
  for (let i = 0; i < table.rows; i++) if (!dropCols.some((j) => isMissing(table.columns[j]!, i))) keep.push(i);
  const filled: CleanSummary['filled'][number][] = [];
  const encoded: CleanSummary['encoded'][number][] = [];
  const renamed = new Map<string, string[]>();
  const fillCols = new Map(Object.entries(missing).filter(([, how]) => how !== 'drop').map(([name, how]) => [byName(name), how]));
  for (const name of oneHot) byName(name);

  const columns: TableColumn[] = [];
  table.columns.forEach((col, j) => {
    const values = Float64Array.from(keep, (i) => col.values[i]!);
    const text = col.text ? keep.map((i) => col.text![i]!) : null;
    if (oneHot.has(col.name)) {
      const labels = keep.map((i, k) => (isMissing(col, i) ? null : (text?.[k]?.trim() ?? String(values[k]))));
      const given = options.oneHotCategories?.[col.name];
      if (given) checkKnownCategories(table, j, labels, keep, given);
      const categories = given ? [...given] : [...new Set(labels.filter((l): l is string => l !== null))].sort();
      if (!given && categories.length > cap) {
        throw new DatasetError(
          'too-large',
          `column "${col.name}" has ${categories.length} distinct values, more than the one-hot cap of ${cap}: it looks like a name or identifier; set it to "ignore", or raise the cap`,
          { ...(table.source ? { file: table.source } : {}), field: `"${col.name}"` },
        );
      }
      const names = categories.map((c) => `${col.name}=${c}`);
      categories.forEach((c, k) => columns.push(column(names[k]!, Float64Array.from(labels, (l) => (l === c ? 1 : 0)))));
      encoded.push({ column: col.name, categories });
      renamed.set(col.name, names);
      return;
    }
    const how = fillCols.get(j);
    if (how !== undefined) {
      const present: number[] = [];
      let count = 0;
      keep.forEach((i) => (isMissing(col, i) ? count++ : Number.isFinite(col.values[i]!) && present.push(col.values[i]!)));
      const value = fillValue(present, how, col.name, table.source);
      keep.forEach((i, k) => {
        if (isMissing(col, i)) values[k] = value;
      });
      filled.push({ column: col.name, count, value, how: typeof how === 'object' ? 'constant' : how });
      // Filled cells are numbers now; other text cells (a stray word) stay an error if the column is used.
      const kept = text?.map((t, k) => (isMissing(col, keep[k]!) ? String(value) : t)) ?? null;
      columns.push(column(col.name, values, kept && kept.some((t, k) => Number.isNaN(values[k]!) && t.trim() !== '') ? kept : null));
      return;
    }
    columns.push(column(col.name, values, text));
  });
  const cleaned: Table = {
    ...table,
    rows: keep.length,
    columns,
    defaultTargets: table.defaultTargets.map((j) => {
      const name = table.columns[j]!.name;
      return Math.max(0, columns.findIndex((c) => c.name === name));
    }),
    ...(table.classLabels
      ? { classLabels: { ...table.classLabels, column: columns.findIndex((c) => c.name === table.columns[table.classLabels!.column]!.name) } }
      : {}),
    // Errors still name the file's own line: map kept rows back.
    cellLocation: (row, c) => {
      const name = columns[c]?.name ?? '';
      const orig = table.columns.findIndex((x) => x.name === name || name.startsWith(`${x.name}=`));
      return table.cellLocation(keep[row] ?? row, Math.max(0, orig));
    },
    rowLocation: (row) => table.rowLocation(keep[row] ?? row),
  };
  return { table: cleaned, summary: { droppedRows: table.rows - keep.length, filled, encoded }, renamed };
}

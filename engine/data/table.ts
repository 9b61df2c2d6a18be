/**
 * The table model every text and JSON loader produces: named columns of numbers, with the raw
 * text kept for columns that hold labels, and the position of the first bad cell of each column.
 * Whether a bad cell is an error depends on how the column is used (a feature must be numeric, a
 * class label need not), so the decision is made later, in `prepareDataset`, which then reports
 * the exact place.
 */
import { DatasetError, type DatasetErrorLocation } from './errors.js';
import { parseCell, parseFiniteNumber, type CellKind } from './parsers/number.js';
import type { Delimiter } from './types.js';

export interface CellIssue {
  readonly kind: Exclude<CellKind, 'number'>;
  readonly raw: string;
  readonly row: number;
}

export interface TableColumn {
  readonly name: string;
  /** The numeric value of each row; NaN where the cell was not a finite number. */
  readonly values: Float64Array;
  /** Raw text of every row, kept only when some cell was text (a label column); else null. */
  readonly text: readonly string[] | null;
  /** The first cell that is not a finite number (text, NaN/Inf spelling or empty); null if none. */
  readonly firstIssue: CellIssue | null;
  /** How many cells were text (neither a number, a NaN/Inf spelling nor empty). */
  readonly textCells: number;
}

/** How a delimited text file was read: what was chosen or sniffed (see LoadInference). */
export interface TextReadInfo {
  readonly delimiter: Delimiter;
  /** True when the delimiter was sniffed rather than given. */
  readonly delimiterSniffed: boolean;
  readonly header: 'yes' | 'no';
  readonly countsHeader?: { readonly rows: number; readonly features: number; readonly classes: readonly string[] };
  readonly encoding: 'utf-8' | 'windows-1252';
  readonly skippedLines: number;
  readonly notices: readonly string[];
}

export interface Table {
  /** The file name or label used in errors. */
  readonly source: string | undefined;
  readonly rows: number;
  readonly columns: readonly TableColumn[];
  readonly hasHeader: boolean;
  /** Columns used as targets when the caller names none (the last column; Y's columns for {X, Y}). */
  readonly defaultTargets: readonly number[];
  /** The file format it was read from, when known (loadTable sets it). */
  readonly format?: 'text' | 'json' | 'npy';
  /** Delimited text only: how it was read. */
  readonly text?: TextReadInfo;
  /** Integer labels 0…K−1 in this column stand for these class names (a scikit-learn counts header). */
  readonly classLabels?: { readonly column: number; readonly names: readonly string[] };
  /** Where row r, column c came from, for error messages. */
  cellLocation(row: number, column: number): DatasetErrorLocation;
  /** Where row r came from (its line or JSON path). */
  rowLocation(row: number): DatasetErrorLocation;
}

/**
 * Accumulates one column cell by cell without knowing its final length. Non-numeric cells are
 * stored as an index into the column's distinct values: a label column of millions of rows costs
 * 4 bytes a row, and each distinct label is copied once, so it does not pin the (large) chunk of
 * file text it was sliced from.
 */
export class ColumnBuilder {
  // Small at first and doubled as rows arrive: a file of 100,000 columns must not start at 100,000 × 8 KiB.
  private values = new Float64Array(8);
  private length = 0;
  /** Per row: index into `distinct` for a non-numeric cell, −1 for a number. Allocated on the first such cell. */
  private codes: Int32Array | null = null;
  private readonly distinct: string[] = [];
  private distinctIndex: Map<string, number> | null = null;
  private textCount = 0;
  firstIssue: CellIssue | null = null;

  constructor(readonly name: string) {}

  private grow(): void {
    const grown = new Float64Array(this.values.length * 2);
    grown.set(this.values);
    this.values = grown;
    if (this.codes !== null) {
      const codes = new Int32Array(grown.length).fill(-1);
      codes.set(this.codes);
      this.codes = codes;
    }
  }

  push(raw: string): void {
    const row = this.length;
    if (row === this.values.length) this.grow();
    const fast = parseFiniteNumber(raw);
    this.values[row] = fast;
    this.length++;
    if (fast === fast) return;
    const cell = parseCell(raw);
    const trimmed = raw.trim();
    if (this.codes === null) this.codes = new Int32Array(this.values.length).fill(-1);
    this.distinctIndex ??= new Map();
    let code = this.distinctIndex.get(trimmed);
    if (code === undefined) {
      code = this.distinct.length;
      const own = trimmed.split('').join(''); // a flat copy, detached from the chunk text
      this.distinct.push(own);
      this.distinctIndex.set(own, code);
    }
    this.codes[row] = code;
    if (cell.kind === 'text') this.textCount++;
    // parseFiniteNumber and parseCell agree (fuzz-tested), so kind is never 'number' here.
    const kind = cell.kind === 'number' ? 'text' : cell.kind;
    if (this.firstIssue === null) this.firstIssue = { kind, raw: this.distinct[code]!, row };
  }

  /** An already-parsed number (JSON, npy): skips text parsing on the common path. */
  pushNumber(v: number): void {
    if (!Number.isFinite(v)) {
      this.push(String(v)); // records "Infinity"/"NaN" as a non-finite cell
      return;
    }
    const row = this.length;
    if (row === this.values.length) this.grow();
    this.values[row] = v;
    this.length++;
  }

  finish(): TableColumn {
    const values = this.values.slice(0, this.length);
    let text: string[] | null = null;
    if (this.textCount > 0 && this.codes !== null) {
      text = new Array<string>(this.length);
      for (let i = 0; i < this.length; i++) {
        const code = this.codes[i]!;
        text[i] = code >= 0 ? this.distinct[code]! : String(values[i]);
      }
    }
    return { name: this.name, values, text, firstIssue: this.firstIssue, textCells: this.textCount };
  }
}

/** The `column N` names used when a file has no header. */
export function defaultColumnName(index: number): string {
  return `column ${index + 1}`;
}

/** Finds a column by name or 0-based index (negative counts from the end, -1 = last). */
export function resolveColumn(table: Table, ref: string | number): number {
  if (typeof ref === 'number') {
    const i = ref < 0 ? table.columns.length + ref : ref;
    if (!Number.isInteger(ref) || i < 0 || i >= table.columns.length) {
      throw new DatasetError(
        'unknown-column',
        `no column ${ref}: the file has ${table.columns.length} columns (0-based indexes)`,
        {
          ...(table.source !== undefined ? { file: table.source } : {}),
        },
      );
    }
    return i;
  }
  const exact = table.columns.findIndex((c) => c.name === ref);
  if (exact >= 0) return exact;
  const folded = table.columns.findIndex((c) => c.name.toLowerCase() === ref.toLowerCase());
  if (folded >= 0) return folded;
  if (/^\d+$/.test(ref)) return resolveColumn(table, Number(ref));
  const names = table.columns.map((c) => `"${c.name}"`).join(', ');
  throw new DatasetError('unknown-column', `no column named "${ref}" (columns: ${names})`, {
    ...(table.source !== undefined ? { file: table.source } : {}),
  });
}

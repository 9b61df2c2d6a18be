/**
 * A quick look at a delimited text file before it is loaded, so the user can choose which
 * columns are features and which are targets. Only the first rows are parsed (papaparse); the
 * engine parses and validates the whole file when it is loaded.
 */
import Papa from 'papaparse';

export interface CsvPreview {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly hasHeader: boolean;
  /**
   * The file starts with a scikit-learn counts line (`150,4,setosa,…`), not shown: the engine
   * reads it itself (class names for integer labels), so the load must leave `header` to it.
   */
  readonly countsLine: boolean;
  /** Columns whose previewed cells are all numbers. */
  readonly numeric: readonly boolean[];
}

const PREVIEW_ROWS = 50;

function isNumber(s: string): boolean {
  const t = s.trim();
  return t !== '' && Number.isFinite(Number(t));
}

const INTEGER = /^\s*\d+\s*$/;

/** `rows,features,name…` with trailing empty cells as padding, as the engine reads it. */
function countsFeatures(row: readonly string[]): number | null {
  if (row.length < 2 || !INTEGER.test(row[0]!) || !INTEGER.test(row[1]!)) return null;
  const names = row.slice(2).map((c) => c.trim());
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  return names.every((n) => n !== '' && !isNumber(n)) ? Number(row[1]) : null;
}

/**
 * Whitespace-separated text (no comma, tab, semicolon or pipe on the first line, but runs of
 * spaces), which papaparse cannot guess: split on runs of blanks, as the engine does (no quoting).
 */
function whitespaceRows(text: string): string[][] | null {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const [first, second] = lines;
  if (first === undefined || /[,\t;|]/.test(first)) return null;
  const rows = lines.slice(0, PREVIEW_ROWS + 2).map((l) => l.trim().split(/[ \t]+/));
  // "house price" over a column of numbers is one named column, not two.
  if (rows[0]!.length < 2 || (second !== undefined && rows[1]!.length !== rows[0]!.length)) return null;
  return rows;
}

/**
 * Parses up to PREVIEW_ROWS rows; a first row with any non-numeric cell in a numeric column is a
 * header. A scikit-learn counts line before it is recognised and dropped, as the engine does.
 */
export function previewDelimited(text: string): CsvPreview {
  let all =
    whitespaceRows(text) ??
    Papa.parse<string[]>(text, { preview: PREVIEW_ROWS + 2, skipEmptyLines: true }).data.filter((r) => Array.isArray(r));
  let countsLine = false;
  const features = all.length > 1 ? countsFeatures(all[0]!) : null;
  const data = all.slice(1).find((r) => r.some(isNumber));
  if (features !== null && features > 0 && data !== undefined && data.length === features + 1) {
    countsLine = true;
    all = all.slice(1);
  }
  all = all.slice(0, PREVIEW_ROWS + 1);
  if (all.length === 0) return { columns: [], rows: [], hasHeader: false, countsLine, numeric: [] };
  const width = Math.max(...all.map((r) => r.length));
  const first = all[0]!;
  const rest = all.slice(1);
  const hasHeader = first.some((cell, j) => !isNumber(cell) && rest.some((r) => isNumber(r[j] ?? '')));
  const body = hasHeader ? rest : all.slice(0, PREVIEW_ROWS);
  const columns = Array.from({ length: width }, (_, j) => (hasHeader ? (first[j] ?? '').trim() || `column ${j}` : `column ${j}`));
  const numeric = columns.map((_, j) => body.length > 0 && body.every((r) => isNumber(r[j] ?? '')));
  return { columns, rows: body, hasHeader, countsLine, numeric };
}

export type ColumnRole = 'feature' | 'target' | 'ignore';

/** Default roles: the last column is the target, every other one a feature. */
export function defaultRoles(p: CsvPreview): ColumnRole[] {
  return p.columns.map((_, j) => (j === p.columns.length - 1 ? 'target' : 'feature'));
}

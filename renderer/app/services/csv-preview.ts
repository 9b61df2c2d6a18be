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
  /** Columns whose previewed cells are all numbers. */
  readonly numeric: readonly boolean[];
}

const PREVIEW_ROWS = 50;

function isNumber(s: string): boolean {
  const t = s.trim();
  return t !== '' && Number.isFinite(Number(t));
}

/** Parses up to PREVIEW_ROWS rows; a first row with any non-numeric cell in a numeric column is a header. */
export function previewDelimited(text: string): CsvPreview {
  const parsed = Papa.parse<string[]>(text, { preview: PREVIEW_ROWS + 1, skipEmptyLines: true });
  const all = parsed.data.filter((r) => Array.isArray(r));
  if (all.length === 0) return { columns: [], rows: [], hasHeader: false, numeric: [] };
  const width = Math.max(...all.map((r) => r.length));
  const first = all[0]!;
  const rest = all.slice(1);
  const hasHeader = first.some((cell, j) => !isNumber(cell) && rest.some((r) => isNumber(r[j] ?? '')));
  const body = hasHeader ? rest : all.slice(0, PREVIEW_ROWS);
  const columns = Array.from({ length: width }, (_, j) => (hasHeader ? (first[j] ?? '').trim() || `column ${j}` : `column ${j}`));
  const numeric = columns.map((_, j) => body.length > 0 && body.every((r) => isNumber(r[j] ?? '')));
  return { columns, rows: body, hasHeader, numeric };
}

export type ColumnRole = 'feature' | 'target' | 'ignore';

/** Default roles: the last column is the target, every other one a feature. */
export function defaultRoles(p: CsvPreview): ColumnRole[] {
  return p.columns.map((_, j) => (j === p.columns.length - 1 ? 'target' : 'feature'));
}

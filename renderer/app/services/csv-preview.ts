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
  /** Where the columns come from: delimited text (default) or JSON records (keys, no header option). */
  readonly kind?: 'delimited' | 'json';
  /** The first line is a scikit-learn counts line (`150,4,setosa,versicolor,virginica`): the engine reads it; columns are numbered. */
  readonly countsLine?: boolean;
}

/** How the page previews delimited text: the same choices the engine's loader takes. */
export interface PreviewOptions {
  readonly delimiter?: 'auto' | ',' | '\t' | ';' | '|' | 'whitespace';
  readonly header?: 'auto' | 'yes' | 'no';
  readonly skipLines?: number;
}

const PREVIEW_ROWS = 50;

function isNumber(s: string): boolean {
  const t = s.trim();
  return t !== '' && Number.isFinite(Number(t));
}

/**
 * Parses up to PREVIEW_ROWS rows; with header 'auto', a first row with any non-numeric cell in a
 * numeric column is a header. Columns without a name are numbered from 1, as in error messages.
 */
export function previewDelimited(text: string, options: PreviewOptions = {}): CsvPreview {
  const skip = options.skipLines ?? 0;
  let body0 = text;
  for (let k = 0; k < skip && body0.length; k++) {
    const nl = body0.indexOf('\n');
    body0 = nl < 0 ? '' : body0.slice(nl + 1);
  }
  const d = options.delimiter === 'auto' || options.delimiter === undefined ? sniffWhitespace(body0) : options.delimiter;
  const parsed =
    d === 'whitespace'
      ? { data: body0.split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, PREVIEW_ROWS + 1).map((l) => l.trim().split(/\s+/)) }
      : Papa.parse<string[]>(body0, { preview: PREVIEW_ROWS + 1, skipEmptyLines: true, ...(d === 'auto' ? {} : { delimiter: d }) });
  const all = parsed.data.filter((r) => Array.isArray(r));
  if (all.length === 0) return { columns: [], rows: [], hasHeader: false, numeric: [] };
  const width = Math.max(...all.map((r) => r.length));
  const first = all[0]!;
  const rest = all.slice(1);
  const countsLine = options.header !== 'no' && isCountsLine(first, rest);
  const looksLikeHeader = (row: readonly string[], below: readonly (readonly string[])[]): boolean =>
    row.some((cell, j) => !isNumber(cell) && below.some((r) => isNumber(r[j] ?? '')));
  // boston_house_prices.csv: the counts line, then a line of column names, then the data.
  const namesAfterCounts = countsLine && rest.length > 1 && looksLikeHeader(rest[0]!, rest.slice(1)) ? rest[0]! : null;
  const guessed = countsLine || looksLikeHeader(first, rest);
  const hasHeader = options.header === 'yes' ? true : options.header === 'no' ? false : guessed;
  const body = namesAfterCounts ? rest.slice(1) : hasHeader ? rest : all.slice(0, PREVIEW_ROWS);
  const names = namesAfterCounts ?? (hasHeader && !countsLine ? first : null);
  const columns = Array.from({ length: countsLine ? Math.max(...rest.map((r) => r.length)) : width }, (_, j) => (names ? (names[j] ?? '').trim() || `column ${j + 1}` : `column ${j + 1}`));
  const numeric = columns.map((_, j) => body.length > 0 && body.every((r) => isNumber(r[j] ?? '')));
  return countsLine ? { columns, rows: body, hasHeader, numeric, countsLine } : { columns, rows: body, hasHeader, numeric };
}

/**
 * 'auto' as the engine reads it: papaparse cannot guess runs of spaces (linnerud_exercise.csv's
 * "Chins Situps Jumps"), so a first line with no comma, tab, semicolon or pipe whose first two
 * lines split into the same number (≥ 2) of space-separated fields is whitespace-separated.
 */
function sniffWhitespace(text: string): 'auto' | 'whitespace' {
  const lines = text.split(/\r?\n/, 50).filter((l) => l.trim() !== '').slice(0, 2);
  if (lines.length === 0 || lines.some((l) => /[,\t;|]/.test(l))) return 'auto';
  const widths = lines.map((l) => l.trim().split(/ +/).length);
  return widths[0]! >= 2 && widths.every((w) => w === widths[0]) ? 'whitespace' : 'auto';
}

/** scikit-learn's bundled CSVs start `rows,features[,class names…]`; the data rows have features + 1 cells. */
function isCountsLine(first: readonly string[], rest: readonly (readonly string[])[]): boolean {
  if (first.length < 2 || !/^\d+$/.test(first[0]!.trim()) || !/^\d+$/.test(first[1]!.trim())) return false;
  const features = Number(first[1]);
  return rest.length > 0 && rest.every((r) => r.length === features + 1) && first.slice(2).every((c) => !isNumber(c));
}

export type ColumnRole = 'feature' | 'target' | 'ignore';

/** Dates and times (2024-01-31, 31/01/2024, 2024-01-31T10:00, Jan 5 2024): suggested as "ignore", not features. */
const DATE_LIKE = /^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|[A-Za-z]{3,9}\.? \d{1,2},? \d{4})$/;

/** Whether a column's previewed cells (blanks aside) are all dates or times. */
export function isDateLike(p: CsvPreview, j: number): boolean {
  const cells = p.rows.map((r) => (r[j] ?? '').trim()).filter((c) => c !== '');
  return cells.length > 0 && cells.every((c) => DATE_LIKE.test(c));
}

/** Default roles: date-like columns ignored; the last other column is the target, every other one a feature. */
export function defaultRoles(p: CsvPreview): ColumnRole[] {
  const dates = p.columns.map((_, j) => isDateLike(p, j));
  let target = -1;
  for (let j = p.columns.length - 1; j >= 0; j--) if (!dates[j]) {
    target = j;
    break;
  }
  return p.columns.map((_, j) => (dates[j] ? 'ignore' : j === target ? 'target' : 'feature'));
}

/** Cells read as missing in a preview: blanks and the usual spellings (as engine/data/clean.ts reads them). */
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?', '-']);

/** Whether column j has missing cells in the previewed rows. */
export function hasMissing(p: CsvPreview, j: number): boolean {
  return p.rows.some((r) => MISSING.has((r[j] ?? '').trim().toLowerCase()));
}

/** Whether column j holds text (a present cell that is not a number): as a feature it is one-hot encoded. */
export function isTextColumn(p: CsvPreview, j: number): boolean {
  return p.rows.some((r) => {
    const c = (r[j] ?? '').trim();
    return !MISSING.has(c.toLowerCase()) && !isNumber(c);
  });
}

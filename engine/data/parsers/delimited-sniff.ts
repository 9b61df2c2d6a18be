/**
 * What a delimited text's first lines tell before parsing: the delimiter (sniffDelimiter), whether
 * the first row is a header, a scikit-learn counts line, and unique column names.
 */
import { defaultColumnName } from '../table.js';
import type { Delimiter } from '../types.js';
import { isNumericCell, parseCell } from './number.js';

/** A scikit-learn counts line: rows, features, then the class names (label k is names[k]). */
export interface CountsHeader {
  readonly rows: number;
  readonly features: number;
  readonly classes: readonly string[];
}

/** The start of a file the delimiter and header are judged from. */
export const SNIFF_BYTES = 64 * 1024;

/** A header is a first row with a non-numeric cell where the second row has a number. */
export function looksLikeHeader(first: string[], second: string[] | undefined): boolean {
  if (second === undefined) return first.every((f) => parseCell(f).kind === 'text');
  return first.some((f, j) => parseCell(f).kind === 'text' && second[j] !== undefined && isNumericCell(second[j]!));
}

/** Header names, trimmed; blanks and duplicates get a suffix so every column can be named. */
export function uniqueNames(fields: string[]): string[] {
  const seen = new Map<string, number>();
  return fields.map((raw, j) => {
    let name = raw.trim();
    if (name === '') name = defaultColumnName(j);
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name} (${count + 1})`;
  });
}

/**
 * Picks the delimiter whose count is the same non-zero number in each of the first records
 * (tab, comma, semicolon, pipe in that order of preference; comma first for .csv), else
 * whitespace. Records are split at line breaks outside quotes, so quoted line breaks are fine.
 */
export function sniffDelimiter(text: string, fileName: string | undefined, comment: string | null): Delimiter {
  const sample = text.length > SNIFF_BYTES ? text.slice(0, SNIFF_BYTES) : text;
  const cut = text.length > SNIFF_BYTES; // the last record of the sample may be incomplete
  const ext = fileName?.toLowerCase().replace(/\.gz$/, '').split('.').pop();
  const candidates: Delimiter[] = ext === 'csv' ? [',', ';', '\t', '|'] : ['\t', ',', ';', '|'];
  for (const d of candidates) {
    const counts = recordCounts(sample, d, comment);
    if (cut && counts.length > 1) counts.pop();
    if (counts.length > 0 && counts[0]! > 0 && counts.every((c) => c === counts[0])) return d;
  }
  // A ".csv" of space-separated columns (numpy.savetxt's default): whitespace when every record
  // splits into the same number (≥ 2) of fields that way.
  if (ext === 'csv' || ext === 'tsv' || ext === 'tab') {
    const counts = whitespaceCounts(sample, comment);
    if (cut && counts.length > 1) counts.pop();
    if (counts.length > 0 && counts[0]! >= 2 && counts.every((c) => c === counts[0])) return 'whitespace';
  }
  if (ext === 'csv') return ',';
  if (ext === 'tsv' || ext === 'tab') return '\t';
  return 'whitespace';
}

/** Fields per record when split at runs of spaces/tabs (first 20 records, blank and comment lines skipped). */
function whitespaceCounts(text: string, comment: string | null): number[] {
  const out: number[] = [];
  for (const line of text.split(/\r\n|\r|\n/, 200)) {
    const t = line.trim();
    if (t === '' || (comment !== null && t.startsWith(comment))) continue;
    out.push(t.split(/[ \t]+/).length);
    if (out.length >= 20) break;
  }
  return out;
}

/** `150,4,…`: two non-negative integers first, the rest (if any) not numbers. */
export function countsLine(fields: readonly string[]): boolean {
  if (fields.length < 2) return false;
  if (!/^\s*\d+\s*$/.test(fields[0]!) || !/^\s*\d+\s*$/.test(fields[1]!)) return false;
  return countsClassNames(fields).every((f) => parseCell(f).kind === 'text');
}

/** The class names of a counts line; trailing empty cells are padding (boston's `506,13,,,…`). */
function countsClassNames(fields: readonly string[]): string[] {
  const names = fields.slice(2).map((c) => c.trim());
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  return names;
}

/**
 * scikit-learn's bundled CSVs (iris, wine, breast_cancer) start with "rows,features,class names…";
 * some (boston) follow it with a line of column names. It is one when the data rows have
 * features + 1 fields and, with class names, the count line's own width would not fit them.
 */
export function countsHeaderOf(pending: readonly { fields: string[] }[]): CountsHeader | null {
  const first = pending[0]!.fields;
  if (!countsLine(first) || pending.length < 2) return null;
  const rows = Number(first[0]);
  const features = Number(first[1]);
  const classes = countsClassNames(first);
  const data = pending.find((p, k) => k > 0 && p.fields.some((f) => isNumericCell(f)));
  if (data === undefined || data.fields.length !== features + 1 || features === 0) return null;
  return { rows, features, classes };
}

/** How many times d occurs outside quotes in each of the first 20 records (blank and comment lines skipped). */
function recordCounts(text: string, d: string, comment: string | null): number[] {
  const out: number[] = [];
  let quoted = false;
  let n = 0;
  let lineStart = 0;
  let blank = true;
  const endRecord = (): void => {
    const skip = blank || (comment !== null && text.startsWith(comment, lineStart));
    if (!skip) out.push(n);
    n = 0;
    blank = true;
  };
  for (let i = 0; i < text.length && out.length < 20; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === '\n' || ch === '\r')) {
      endRecord();
      lineStart = i + 1;
      continue;
    }
    if (ch !== ' ' && ch !== '\t') blank = false;
    if (!quoted && ch === d) n++;
  }
  if (out.length < 20 && !blank) endRecord();
  return out;
}

/**
 * What a picked file is, before the engine parses it: empty, a binary file we cannot read (named
 * as such instead of a parse error on line 1), a gzip stream (unpacked here only for the column
 * preview), or text; and a column preview for JSON records (`[{"x": 1, "label": "a"}, …]`) so
 * they get the same feature / target / ignore chooser as delimited text.
 */
import { gunzipSync } from 'fflate';
import type { CsvPreview } from './csv-preview.js';

export type FileKind = 'empty' | 'binary' | 'gzip' | 'npy' | 'idx' | 'text';

/** Bytes of the page-side preview: enough for the first rows of any table. */
export const PREVIEW_BYTES = 256 * 1024;

function startsWith(bytes: Uint8Array, sig: readonly number[]): boolean {
  return sig.every((b, k) => bytes[k] === b);
}

export function sniffFile(name: string, bytes: Uint8Array): FileKind {
  if (bytes.length === 0) return 'empty';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(bytes, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return 'npy'; // \x93NUMPY
  if (/(^|[.-])idx\d?(-ubyte)?$|ubyte$/i.test(name) || (bytes[0] === 0 && bytes[1] === 0 && bytes[2]! >= 0x08 && bytes[2]! <= 0x0e)) return 'idx';
  // Text has no NUL bytes and few control characters (tabs, newlines and carriage returns aside).
  const head = bytes.subarray(0, 8192);
  let control = 0;
  for (const b of head) {
    if (b === 0) return 'binary';
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  return control > head.length * 0.05 ? 'binary' : 'text';
}

/** A plain-words description for the error area. */
export function binaryMessage(name: string): string {
  return `${name}: this looks like a binary file, not a table. Backprop Lens reads CSV/TSV/text tables, JSON, .npy and IDX files (each optionally gzipped).`;
}

/** The first bytes of a gzipped file, unpacked (null when it is not valid gzip). */
export function gunzipHead(bytes: Uint8Array): Uint8Array | null {
  try {
    const out = gunzipSync(bytes);
    return out.subarray(0, PREVIEW_BYTES);
  } catch {
    return null;
  }
}

/**
 * The column preview of JSON records (an array of flat objects), or null for other JSON shapes.
 * Only complete JSON can be parsed: a file cut at PREVIEW_BYTES gets no preview (the engine still loads it).
 */
export function previewJsonRecords(text: string, maxRows = 50): CsvPreview | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) return null;
  const columns: string[] = [];
  for (const r of value.slice(0, 200) as Record<string, unknown>[]) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const rows = (value.slice(0, maxRows) as Record<string, unknown>[]).map((r) => columns.map((c) => cell(r[c])));
  const numeric = columns.map((_, j) => rows.every((r) => r[j] !== '' && Number.isFinite(Number(r[j]))));
  return { columns, rows, hasHeader: true, numeric, kind: 'json' };
}

/**
 * Strict parsing of one text cell. `Number()` alone would accept "0x1F", "1e", " " (as 0) and
 * "Infinity"; a dataset cell must be a plain decimal number, and NaN/Inf spellings are reported
 * as non-finite rather than as "not a number" so the message says what is really wrong.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity|1\.#inf|1\.#ind)$/i;

export type CellKind = 'number' | 'non-finite' | 'empty' | 'text';

export interface CellValue {
  kind: CellKind;
  value: number;
}

/** Classifies a trimmed cell; `value` is the number for kind 'number', NaN otherwise. */
export function parseCell(raw: string): CellValue {
  const s = raw.trim();
  if (s === '') return { kind: 'empty', value: NaN };
  if (DECIMAL.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? { kind: 'number', value: v } : { kind: 'non-finite', value: NaN }; // 1e999 overflows
  }
  if (NON_FINITE.test(s)) return { kind: 'non-finite', value: NaN };
  return { kind: 'text', value: NaN };
}

export function isNumericCell(raw: string): boolean {
  return parseCell(raw).kind === 'number';
}

/**
 * The hot path of every parser: the cell's value if it is a finite plain decimal, else NaN
 * (then parseCell says why). Number() does the work; what it accepts beyond plain decimals
 * (blank → 0, 0x/0b/0o prefixes, Infinity) is filtered out here without a regex.
 */
export function parseFiniteNumber(raw: string): number {
  if (raw.length === 0) return NaN;
  const v = Number(raw);
  if (v - v !== 0) return NaN; // NaN or ±Infinity
  let s = raw;
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  if (first <= 32 || first >= 127 || last <= 32 || last >= 127) {
    // Surrounding whitespace (Unicode too, as Number() skips it): look at the trimmed cell.
    s = s.trim();
    if (s === '') return NaN;
  }
  if (s.length > 1 && s.charCodeAt(0) === 48) {
    const c = s.charCodeAt(1) | 0x20;
    if (c === 120 || c === 98 || c === 111) return NaN; // 0x.., 0b.., 0o..
  }
  return v;
}

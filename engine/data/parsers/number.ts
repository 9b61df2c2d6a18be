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

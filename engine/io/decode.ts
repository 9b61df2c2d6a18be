/**
 * Small decoding primitives shared by the file codecs. Each takes the value and its key path
 * and either returns a typed value or throws a FormatError naming that path. Matrices are
 * decoded straight into Float64Array: big weight files never pass through an intermediate
 * object tree.
 */
import type { Matrix } from '../core/matrix.js';
import { FormatError, type PathSegment, describeValue } from './format-error.js';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** An expected size and why (shown in the message: "2 rows (model.inputSize)"). */
export interface Expected {
  readonly n: number;
  readonly why: string;
}

export function expectObject(value: unknown, at: readonly PathSegment[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    if (at.length === 0) throw new FormatError(`expected the file to hold a JSON object, got ${describeValue(value)}`);
    throw new FormatError(`expected an object, got ${describeValue(value)}`, at);
  }
  return value as Record<string, unknown>;
}

/** The value of a required key; a missing key is named by its own path. */
export function requireKey(obj: Record<string, unknown>, key: string, at: readonly PathSegment[]): unknown {
  if (!Object.hasOwn(obj, key)) throw new FormatError('missing (this key is required)', [...at, key]);
  return obj[key];
}

export function expectArray(value: unknown, at: readonly PathSegment[]): unknown[] {
  if (!Array.isArray(value)) throw new FormatError(`expected an array, got ${describeValue(value)}`, at);
  return value;
}

export function expectFinite(value: unknown, at: readonly PathSegment[]): number {
  if (typeof value !== 'number') throw new FormatError(`expected a finite number, got ${describeValue(value)}`, at);
  // JSON cannot spell NaN or Infinity, but 1e999 parses to Infinity.
  if (!Number.isFinite(value))
    throw new FormatError(`expected a finite number, got ${value} (out of float64 range)`, at);
  return value;
}

export function expectInteger(value: unknown, at: readonly PathSegment[], min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new FormatError(`expected an integer, got ${describeValue(value)}`, at);
  }
  if (value < min) throw new FormatError(`expected an integer ≥ ${min}, got ${value}`, at);
  return value;
}

export function expectString(value: unknown, at: readonly PathSegment[]): string {
  if (typeof value !== 'string') throw new FormatError(`expected a string, got ${describeValue(value)}`, at);
  return value;
}

export function expectOneOf<T extends string>(value: unknown, options: readonly T[], at: readonly PathSegment[]): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    throw new FormatError(
      `expected one of ${options.map((o) => `"${o}"`).join(', ')}, got ${describeValue(value)}`,
      at,
    );
  }
  return value as T;
}

function checkCount(got: number, expected: Expected | undefined, noun: string, at: readonly PathSegment[]): void {
  if (expected !== undefined && got !== expected.n) {
    throw new FormatError(
      `expected ${expected.n} ${noun}${expected.n === 1 ? '' : 's'} (${expected.why}), got ${got}`,
      at,
    );
  }
}

/** A 1-D array of finite numbers, as a 1×n matrix (biases are row vectors). */
export function expectVector(value: unknown, at: readonly PathSegment[], length?: Expected): Matrix {
  const arr = expectArray(value, at);
  checkCount(arr.length, length, 'number', at);
  const data = new Float64Array(arr.length);
  for (let j = 0; j < arr.length; j++) data[j] = expectFinite(arr[j], [...at, j]);
  return { rows: 1, cols: arr.length, data };
}

/**
 * A matrix written as an array of rows. With no expected width, every row must be as wide as
 * the first; an empty matrix (no rows) is allowed only when `rows` expects it.
 */
export function expectMatrix(
  value: unknown,
  at: readonly PathSegment[],
  shape: { rows?: Expected; cols?: Expected; minRows?: number } = {},
): Matrix {
  const arr = expectArray(value, at);
  checkCount(arr.length, shape.rows, 'row', at);
  if (arr.length < (shape.minRows ?? 0)) {
    throw new FormatError(
      `expected at least ${shape.minRows} row${shape.minRows === 1 ? '' : 's'}, got ${arr.length}`,
      at,
    );
  }
  let cols = shape.cols?.n ?? -1;
  const colsWhy = shape.cols?.why ?? 'as wide as row 0';
  let data = new Float64Array(0);
  for (let i = 0; i < arr.length; i++) {
    const rowAt = [...at, i];
    const row = arr[i];
    if (!Array.isArray(row)) {
      throw new FormatError(`expected a row (an array of numbers), got ${describeValue(row)}`, rowAt);
    }
    if (cols < 0) {
      cols = row.length;
      if (cols === 0) throw new FormatError('expected a row with at least one number, got an empty array', rowAt);
    }
    if (i === 0) data = new Float64Array(arr.length * cols);
    checkCount(row.length, { n: cols, why: colsWhy }, 'number', rowAt);
    for (let j = 0; j < cols; j++) data[i * cols + j] = expectFinite(row[j], [...rowAt, j]);
  }
  return { rows: arr.length, cols: Math.max(cols, 0), data };
}

/** Copies keys that `known` does not list, so a read → write round trip loses nothing. */
export function unknownKeys(obj: Record<string, unknown>, known: readonly string[]): JsonObject | undefined {
  const extra: JsonObject = {};
  let any = false;
  for (const [k, v] of Object.entries(obj)) {
    if (!known.includes(k)) {
      extra[k] = v as JsonValue;
      any = true;
    }
  }
  return any ? extra : undefined;
}

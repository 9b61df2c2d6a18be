/**
 * Writes JSON laid out for people: objects indented, a vector on one line, a matrix one row per
 * line (so `W` reads like the matrix it is). Every number is checked on the way out: a NaN or
 * Infinity is an error naming its key path, never a silent `null` as JSON.stringify would
 * write. Output comes in chunks so a large file can stream to disk.
 */
import { FormatError, type PathSegment } from './format-error.js';

type Writable = unknown;

const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  [Object.prototype, null].includes(Object.getPrototypeOf(v));
const isPrimitive = (v: unknown): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);

function number(x: number, at: readonly PathSegment[]): string {
  if (!Number.isFinite(x)) throw new FormatError(`cannot write ${x}: the file needs finite numbers`, at);
  // String() gives the shortest text that reads back to the same float64 (and JSON accepts it);
  // it spells -0 as "0", which would lose the sign a backward pass can produce.
  return Object.is(x, -0) ? '-0' : String(x);
}

function inline(value: Writable, at: readonly PathSegment[]): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return number(value, at);
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => inline(v, [...at, i])).join(', ')}]`;
  throw new FormatError(`cannot write a value of type ${typeof value}`, at);
}

/** JSON text of `value` as chunks (concatenate them for the whole text, which ends with a newline). */
export function* jsonChunks(value: Writable): Generator<string> {
  yield* write(value, [], '');
  yield '\n';
}

function* write(value: Writable, at: PathSegment[], indent: string): Generator<string> {
  if (isPrimitive(value) || isNumberArray(value) || (Array.isArray(value) && value.every(isPrimitive))) {
    yield inline(value, at);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    const matrixLike = value.every(isNumberArray);
    yield '[\n';
    for (let i = 0; i < value.length; i++) {
      yield inner;
      if (matrixLike) yield inline(value[i], [...at, i]);
      else yield* write(value[i], [...at, i], inner);
      yield i + 1 < value.length ? ',\n' : '\n';
    }
    yield `${indent}]`;
    return;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      yield '{}';
      return;
    }
    yield '{\n';
    for (let k = 0; k < entries.length; k++) {
      const [key, v] = entries[k]!;
      yield `${inner}${JSON.stringify(key)}: `;
      yield* write(v, [...at, key], inner);
      yield k + 1 < entries.length ? ',\n' : '\n';
    }
    yield `${indent}}`;
    return;
  }
  throw new FormatError(`cannot write a value of type ${describeType(value)}`, at);
}

function describeType(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  return (value as object).constructor?.name ?? 'object';
}

export function toJsonText(value: Writable): string {
  return Array.from(jsonChunks(value)).join('');
}

/** Throws the same path-naming error as the writer for the first NaN/Infinity in `value`, without writing. */
export function assertWritable(value: Writable, at: PathSegment[] = []): void {
  if (typeof value === 'number') {
    number(value, at);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) assertWritable(value[i], [...at, i]);
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) if (v !== undefined) assertWritable(v, [...at, k]);
  } else if (!isPrimitive(value)) {
    throw new FormatError(`cannot write a value of type ${describeType(value)}`, at);
  }
}

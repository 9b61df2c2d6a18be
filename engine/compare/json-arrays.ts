/**
 * Named arrays from JSON: a gradients file (FORMATS.md, already in the rows layout) or any JSON
 * object whose keys are array names and whose values are numbers or nested arrays of numbers
 * (what `json.dump({k: v.tolist() for k, v in arrays.items()}, f)` writes).
 */
import { FormatError, type PathSegment } from '../io/format-error.js';
import { decodeGradients } from '../io/gradients-file.js';
import { claimedKind } from '../io/envelope.js';
import type { Matrix } from '../core/matrix.js';
import type { NamedArray } from './types.js';

export function namedArraysFromJson(doc: unknown): NamedArray[] {
  if (claimedKind(doc) === 'gradients') return fromGradientsFile(doc);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new FormatError('expected a JSON object of named arrays ({"H0": [[...]], "dW0": [[...]], "loss": 0.5, ...}) or a gradients file');
  }
  const out: NamedArray[] = [];
  for (const [name, value] of Object.entries(doc as Record<string, unknown>)) {
    if (name === 'format' || name === 'version') continue;
    const shape: number[] = [];
    const data: number[] = [];
    readNested(value, [name], 0, shape, data);
    out.push({ name, dtype: 'float64', shape, data: Float64Array.from(data) });
  }
  return out;
}

function readNested(value: unknown, at: PathSegment[], depth: number, shape: number[], data: number[]): void {
  if (typeof value === 'number') {
    if (depth !== shape.length) throw new FormatError(`expected an array of ${shape.length - depth} more level(s), got a number`, at);
    if (!Number.isFinite(value)) throw new FormatError('must be a finite number', at);
    data.push(value);
    return;
  }
  if (!Array.isArray(value)) throw new FormatError(`expected a number or an array of numbers, got ${value === null ? 'null' : typeof value}`, at);
  if (depth === shape.length) {
    if (data.length > 0) throw new FormatError('ragged array: expected a number here, like its siblings', at);
    shape.push(value.length);
  } else if (shape[depth] !== value.length) {
    throw new FormatError(`ragged array: has ${value.length} entries, its siblings have ${shape[depth]}`, at);
  }
  value.forEach((v, k) => readNested(v, [...at, k], depth + 1, shape, data));
}

function fromGradientsFile(doc: unknown): NamedArray[] {
  const g = decodeGradients(doc);
  const dtype = g.backend === 'cpu-f64' ? 'float64' : 'float32';
  const arr = (name: string, m: Matrix, vector = false): NamedArray => ({
    name,
    dtype,
    shape: vector ? [m.cols] : [m.rows, m.cols],
    data: m.data,
  });
  const out: NamedArray[] = [{ name: 'loss', dtype, shape: [], data: Float64Array.of(g.loss) }, arr('output', g.output), arr('dX', g.dX)];
  g.layers.forEach((l, i) => {
    if (i > 0) out.push(arr(`A${i}`, l.A));
    out.push(arr(`H${i}`, l.H), arr(`G${i}`, l.G), arr(`dW${i}`, l.dW), arr(`db${i}`, l.db, true));
  });
  return out;
}

/**
 * IDX files (the MNIST format): a 4-byte magic 0x00 0x00 <type> <rank>, then <rank> big-endian
 * uint32 dimensions, then the values big-endian in C order. Plain or gzipped.
 */
import { DatasetError } from '../errors.js';
import { resolveLimits, type ParseOptions } from '../types.js';
import { maybeGunzip } from './gzip.js';
import { checkByteLimit, where } from './input.js';

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

const TYPES: Record<number, { type: IdxType; size: number }> = {
  0x08: { type: 'uint8', size: 1 },
  0x09: { type: 'int8', size: 1 },
  0x0b: { type: 'int16', size: 2 },
  0x0c: { type: 'int32', size: 4 },
  0x0d: { type: 'float32', size: 4 },
  0x0e: { type: 'float64', size: 8 },
};

export interface IdxArray {
  readonly type: IdxType;
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function isIdx(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2]! in TYPES && bytes[3]! >= 1 && bytes[3]! <= 8
  );
}

export function parseIdx(input: Uint8Array, options: ParseOptions = {}): IdxArray {
  const file = options.fileName;
  checkByteLimit(input.length, options);
  const bytes = maybeGunzip(input, options);
  if (bytes.length === 0) throw new DatasetError('empty', 'the file is empty', where(file));
  if (bytes.length < 4) {
    throw new DatasetError('truncated', `the file is ${bytes.length} bytes, shorter than the 4-byte IDX magic`, {
      ...where(file),
      offset: bytes.length,
    });
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const got = Array.from(bytes.subarray(0, 4), (b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
    throw new DatasetError(
      'bad-magic',
      `not an IDX file: it starts with ${got}, IDX files start with 0x00 0x00 <type> <rank>`,
      { ...where(file), offset: 0 },
    );
  }
  const kind = TYPES[bytes[2]!];
  if (kind === undefined) {
    throw new DatasetError(
      'unsupported-dtype',
      `unknown IDX type code 0x${bytes[2]!.toString(16).padStart(2, '0')} (known: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64)`,
      { ...where(file), offset: 2 },
    );
  }
  const rank = bytes[3]!;
  if (rank === 0) throw new DatasetError('bad-header', 'IDX rank is 0 (no dimensions)', { ...where(file), offset: 3 });
  const headerEnd = 4 + 4 * rank;
  if (bytes.length < headerEnd) {
    throw new DatasetError(
      'truncated',
      `the header needs ${headerEnd} bytes for ${rank} dimensions, the file has ${bytes.length}`,
      { ...where(file), offset: bytes.length },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < rank; d++) {
    const n = view.getUint32(4 + 4 * d, false);
    shape.push(n);
    count *= n;
  }
  const { maxCells } = resolveLimits(options.limits);
  if (count > maxCells) {
    throw new DatasetError(
      'too-large',
      `dimensions ${shape.join('×')} hold ${count} values, over the ${maxCells.toLocaleString('en-US')}-cell limit`,
      { ...where(file), offset: 4 },
    );
  }
  const expected = headerEnd + count * kind.size;
  if (bytes.length < expected) {
    throw new DatasetError(
      'truncated',
      `data is cut short: dimensions ${shape.join('×')} of ${kind.type} need ${expected} bytes, the file has ${bytes.length}`,
      { ...where(file), offset: bytes.length },
    );
  }
  if (bytes.length > expected) {
    throw new DatasetError(
      'trailing-bytes',
      `${bytes.length - expected} unexpected bytes after the data (dimensions ${shape.join('×')} of ${kind.type} end here)`,
      { ...where(file), offset: expected },
    );
  }
  const data = new Float64Array(count);
  const o = headerEnd;
  switch (kind.type) {
    case 'uint8':
      data.set(bytes.subarray(o, o + count));
      break;
    case 'int8':
      for (let k = 0; k < count; k++) data[k] = view.getInt8(o + k);
      break;
    case 'int16':
      for (let k = 0; k < count; k++) data[k] = view.getInt16(o + 2 * k, false);
      break;
    case 'int32':
      for (let k = 0; k < count; k++) data[k] = view.getInt32(o + 4 * k, false);
      break;
    case 'float32':
      for (let k = 0; k < count; k++) data[k] = view.getFloat32(o + 4 * k, false);
      break;
    case 'float64':
      for (let k = 0; k < count; k++) data[k] = view.getFloat64(o + 8 * k, false);
      break;
  }
  if (kind.type === 'float32' || kind.type === 'float64') {
    for (let k = 0; k < count; k++) {
      if (!Number.isFinite(data[k])) {
        throw new DatasetError('non-finite', `value ${data[k]} at index ${k} is not finite`, {
          ...where(file),
          offset: o + k * kind.size,
        });
      }
    }
  }
  return { type: kind.type, shape, data };
}

/** Writes an IDX file (big-endian), for fixtures, round trips and exporting. */
export function encodeIdx(type: IdxType, shape: readonly number[], values: ArrayLike<number>): Uint8Array {
  const code = Number(Object.entries(TYPES).find(([, t]) => t.type === type)![0]);
  const size = TYPES[code]!.size;
  const count = shape.reduce((a, b) => a * b, 1);
  if (values.length !== count)
    throw new RangeError(`encodeIdx: shape ${shape.join('×')} needs ${count} values, got ${values.length}`);
  const out = new Uint8Array(4 + 4 * shape.length + count * size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = shape.length;
  shape.forEach((n, d) => view.setUint32(4 + 4 * d, n, false));
  const o = 4 + 4 * shape.length;
  for (let k = 0; k < count; k++) {
    const v = values[k]!;
    if (type === 'uint8') view.setUint8(o + k, v);
    else if (type === 'int8') view.setInt8(o + k, v);
    else if (type === 'int16') view.setInt16(o + 2 * k, v, false);
    else if (type === 'int32') view.setInt32(o + 4 * k, v, false);
    else if (type === 'float32') view.setFloat32(o + 4 * k, v, false);
    else view.setFloat64(o + 8 * k, v, false);
  }
  return out;
}

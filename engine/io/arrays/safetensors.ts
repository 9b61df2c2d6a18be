/**
 * safetensors (huggingface/safetensors README): an 8-byte little-endian header length N, N bytes
 * of a UTF-8 JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {..}}`,
 * then the raw little-endian data. Offsets are relative to the data section, which must be indexed
 * entirely, without holes or overlaps (so a file cannot hide a second payload). Nothing in it
 * executes: a file from a stranger is safe to read.
 */
import { ArrayFileError } from './errors.js';
import type { NamedArray } from './types.js';

/** Bytes per element of every dtype the format defines. */
const DTYPE_SIZES: Readonly<Record<string, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
};

/** The spec's own cap on the header (100 MB); we take far less for anything this app reads. */
export const DEFAULT_MAX_HEADER_BYTES = 16 << 20;

export interface SafetensorsReadOptions {
  readonly fileName?: string;
  readonly maxHeaderBytes?: number;
  /** Most values (elements) all tensors together may hold. */
  readonly maxValues?: number;
}

export interface SafetensorsFile {
  readonly arrays: NamedArray[];
  readonly metadata: Readonly<Record<string, string>>;
}

interface Slot {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

export function readSafetensors(bytes: Uint8Array, options: SafetensorsReadOptions = {}): SafetensorsFile {
  const file = options.fileName;
  const fail = (detail: string, extra: { entry?: string; offset?: number } = {}): ArrayFileError =>
    new ArrayFileError(detail, { ...(file !== undefined ? { file } : {}), ...extra });
  if (bytes.length === 0) throw fail('the file is empty');
  if (bytes.length < 8) throw fail('the file is shorter than the 8-byte safetensors header length', { offset: 0 });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  const maxHeader = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  if (n > BigInt(maxHeader)) throw fail(`the header says it is ${n} bytes, over the ${maxHeader}-byte limit`);
  const headerLen = Number(n);
  if (8 + headerLen > bytes.length) {
    throw fail(`the header says it is ${headerLen} bytes, the file ends ${bytes.length - 8} bytes in`, {
      offset: bytes.length,
    });
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (err) {
    throw fail(`the header is not valid JSON (${err instanceof Error ? err.message : String(err)})`, { offset: 8 });
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw fail('the header is not a JSON object', { offset: 8 });
  }
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const slots: Slot[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw fail('__metadata__ must be an object of strings', { entry: name });
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') throw fail(`__metadata__.${k} must be a string`, { entry: name });
        metadata[k] = v;
      }
      continue;
    }
    slots.push(readSlot(name, value, fail));
  }
  let values = 0;
  for (const s of slots) {
    const count = s.shape.reduce((a, b) => a * b, 1);
    values += count;
    const want = count * DTYPE_SIZES[s.dtype]!;
    if (s.end - s.begin !== want) {
      throw fail(
        `data_offsets span ${s.end - s.begin} bytes, shape [${s.shape.join(', ')}] of ${s.dtype} needs ${want}`,
        { entry: s.name },
      );
    }
    if (s.end > dataLen) {
      throw fail(`data_offsets end at ${s.end}, past the ${dataLen} bytes of data (the file is cut short?)`, {
        entry: s.name,
      });
    }
  }
  const maxValues = options.maxValues ?? 1 << 28;
  if (values > maxValues) throw fail(`the tensors hold ${values} values, over the ${maxValues}-value limit`);
  checkCoverage(slots, dataLen, fail);
  const arrays = slots.map((s) => ({
    name: s.name,
    dtype: s.dtype,
    shape: s.shape,
    data: decode(bytes.subarray(dataStart + s.begin, dataStart + s.end), s.dtype),
  }));
  return { arrays, metadata };
}

function readSlot(name: string, value: unknown, fail: (d: string, e?: { entry?: string }) => ArrayFileError): Slot {
  const where = { entry: name };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw fail('expected {dtype, shape, data_offsets}', where);
  }
  const v = value as Record<string, unknown>;
  if (typeof v.dtype !== 'string' || !(v.dtype in DTYPE_SIZES)) {
    throw fail(`unknown dtype ${JSON.stringify(v.dtype)} (known: ${Object.keys(DTYPE_SIZES).join(', ')})`, where);
  }
  const isCount = (d: unknown): d is number => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0;
  if (!Array.isArray(v.shape) || !v.shape.every(isCount)) {
    throw fail('shape must be a list of non-negative integers', where);
  }
  const off = v.data_offsets;
  if (!Array.isArray(off) || off.length !== 2 || !off.every(isCount) || off[0]! > off[1]!) {
    throw fail('data_offsets must be [begin, end] with 0 ≤ begin ≤ end', where);
  }
  return { name, dtype: v.dtype, shape: v.shape as number[], begin: off[0] as number, end: off[1] as number };
}

/** The data section must be covered exactly once: no holes, no overlaps, nothing after. */
function checkCoverage(
  slots: readonly Slot[],
  dataLen: number,
  fail: (d: string, e?: { entry?: string }) => ArrayFileError,
): void {
  const sorted = [...slots].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const s of sorted) {
    if (s.begin < at) throw fail(`data_offsets overlap another tensor's at byte ${s.begin}`, { entry: s.name });
    if (s.begin > at) throw fail(`bytes ${at}–${s.begin} of the data belong to no tensor`, { entry: s.name });
    at = s.end;
  }
  if (at !== dataLen) throw fail(`the file has ${dataLen - at} bytes after the last tensor`);
}

function decode(raw: Uint8Array, dtype: string): Float64Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const size = DTYPE_SIZES[dtype]!;
  const out = new Float64Array(raw.byteLength / size);
  for (let k = 0; k < out.length; k++) {
    const at = k * size;
    switch (dtype) {
      case 'F64':
        out[k] = view.getFloat64(at, true);
        break;
      case 'F32':
        out[k] = view.getFloat32(at, true);
        break;
      case 'F16':
        out[k] = halfToNumber(view.getUint16(at, true));
        break;
      case 'BF16':
        out[k] = bfloat16ToNumber(view.getUint16(at, true));
        break;
      case 'I64':
        out[k] = Number(view.getBigInt64(at, true));
        break;
      case 'U64':
        out[k] = Number(view.getBigUint64(at, true));
        break;
      case 'I32':
        out[k] = view.getInt32(at, true);
        break;
      case 'U32':
        out[k] = view.getUint32(at, true);
        break;
      case 'I16':
        out[k] = view.getInt16(at, true);
        break;
      case 'U16':
        out[k] = view.getUint16(at, true);
        break;
      case 'I8':
        out[k] = view.getInt8(at);
        break;
      default:
        out[k] = view.getUint8(at); // U8, BOOL
    }
  }
  return out;
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function bfloat16ToNumber(b: number): number {
  const f = new DataView(new ArrayBuffer(4));
  f.setUint32(0, b << 16, false);
  return f.getFloat32(0, false);
}

export interface SafetensorsWriteArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
  /** 'F64' (default, exact for our float64 values) or 'F32'. */
  readonly dtype?: 'F64' | 'F32';
}

/** A safetensors file of the arrays, in the order given, with string metadata. */
export function writeSafetensors(
  arrays: readonly SafetensorsWriteArray[],
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const a of arrays) {
    if (a.name === '__metadata__' || a.name in header)
      throw new RangeError(`writeSafetensors: bad or repeated name ${a.name}`);
    const count = a.shape.reduce((x, y) => x * y, 1);
    if (count !== a.data.length)
      throw new RangeError(`writeSafetensors: ${a.name} has ${a.data.length} values, shape needs ${count}`);
    const dtype = a.dtype ?? 'F64';
    const bytes = count * DTYPE_SIZES[dtype]!;
    header[a.name] = { dtype, shape: [...a.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned (readers may map it in place).
  const encoder = new TextEncoder();
  let headerBytes = encoder.encode(json);
  const pad = (8 - (headerBytes.length % 8)) % 8;
  if (pad > 0) {
    json += ' '.repeat(pad);
    headerBytes = encoder.encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const a of arrays) {
    const f32 = (a.dtype ?? 'F64') === 'F32';
    for (let k = 0; k < a.data.length; k++) {
      if (f32) {
        view.setFloat32(at, a.data[k]!, true);
        at += 4;
      } else {
        view.setFloat64(at, a.data[k]!, true);
        at += 8;
      }
    }
  }
  return out;
}

/**
 * NumPy .npy files (format versions 1.0, 2.0, 3.0): magic "\x93NUMPY", version, header length,
 * a Python dict literal {'descr': '<f8', 'fortran_order': False, 'shape': (n, p), }, then the
 * raw values. Reads float32/float64, signed and unsigned integers of 1–8 bytes and bool, either
 * byte order, C order. Everything else is rejected with a message that says what to do.
 */
import { DatasetError } from '../errors.js';
import { resolveLimits, type ParseOptions } from '../types.js';
import { maybeGunzip } from './gzip.js';
import { checkByteLimit, where } from './input.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyArray {
  /** The dtype as written in the file, e.g. "<f8". */
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && MAGIC.every((b, i) => bytes[i] === b);
}

type Kind = 'f' | 'i' | 'u' | 'b';
const SIZES: Record<Kind, readonly number[]> = { f: [4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8], b: [1] };

export function parseNpy(input: Uint8Array, options: ParseOptions = {}): NpyArray {
  const file = options.fileName;
  checkByteLimit(input.length, options);
  const bytes = maybeGunzip(input, options);
  const fail = (
    code: ConstructorParameters<typeof DatasetError>[0],
    detail: string,
    offset: number,
    field?: string,
  ): DatasetError =>
    new DatasetError(code, detail, { ...where(file), offset, ...(field !== undefined ? { field } : {}) });
  if (bytes.length === 0) throw new DatasetError('empty', 'the file is empty', where(file));
  if (!isNpy(bytes)) {
    if (bytes.length < 6 && MAGIC.slice(0, bytes.length).every((b, i) => bytes[i] === b)) {
      throw fail('truncated', `the file is ${bytes.length} bytes, shorter than the .npy magic`, bytes.length);
    }
    throw fail('bad-magic', 'not a .npy file: it does not start with "\\x93NUMPY"', 0);
  }
  if (bytes.length < 10) throw fail('truncated', 'the file ends inside the .npy preamble', bytes.length);
  const major = bytes[6]!;
  if (major < 1 || major > 3)
    throw fail('bad-header', `unsupported .npy format version ${major}.${bytes[7]} (known: 1.0, 2.0, 3.0)`, 6);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenSize) throw fail('truncated', 'the file ends inside the .npy preamble', bytes.length);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lenSize;
  const dataStart = headerStart + headerLen;
  if (bytes.length < dataStart) {
    throw fail(
      'truncated',
      `the header says it is ${headerLen} bytes, the file ends ${bytes.length - headerStart} bytes into it`,
      bytes.length,
    );
  }
  const headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const header = parseHeader(headerText, (detail, at) => fail('bad-header', detail, headerStart + at));

  const descr = header.get('descr');
  if (typeof descr !== 'string') {
    throw fail(
      'unsupported-dtype',
      `structured or unknown dtype ${describe(descr)}: only plain numeric arrays are supported`,
      headerStart,
      'descr',
    );
  }
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  const kind = m?.[2] as Kind | undefined;
  const size = Number(m?.[3]);
  if (m === null || kind === undefined || !SIZES[kind].includes(size)) {
    throw fail(
      'unsupported-dtype',
      `dtype '${descr}' is not supported (use float32/float64, int8–int64, uint8–uint64 or bool: e.g. a.astype(np.float64))`,
      headerStart,
      'descr',
    );
  }
  const little = m[1] !== '>';
  const fortran = header.get('fortran_order');
  if (fortran === true) {
    throw fail(
      'fortran-order',
      'Fortran-ordered (column-major) arrays are not supported: save np.ascontiguousarray(a) instead',
      headerStart,
      'fortran_order',
    );
  }
  if (fortran !== false)
    throw fail(
      'bad-header',
      `'fortran_order' must be True or False, got ${describe(fortran)}`,
      headerStart,
      'fortran_order',
    );
  const shape = header.get('shape');
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw fail(
      'bad-header',
      `'shape' must be a tuple of non-negative integers, got ${describe(shape)}`,
      headerStart,
      'shape',
    );
  }
  const dims = shape as number[];
  const count = dims.reduce((a, b) => a * b, 1);
  const { maxCells } = resolveLimits(options.limits);
  if (count > maxCells) {
    throw fail(
      'too-large',
      `shape (${dims.join(', ')}) holds ${count} values, over the ${maxCells.toLocaleString('en-US')}-cell limit`,
      headerStart,
      'shape',
    );
  }
  const expected = dataStart + count * size;
  if (bytes.length < expected) {
    throw fail(
      'truncated',
      `data is cut short: shape (${dims.join(', ')}) of '${descr}' needs ${expected} bytes, the file has ${bytes.length}`,
      bytes.length,
    );
  }
  if (bytes.length > expected)
    throw fail('trailing-bytes', `${bytes.length - expected} unexpected bytes after the data`, expected);

  const data = new Float64Array(count);
  const read = reader(view, kind, size, little);
  const width = dims.length >= 2 ? count / Math.max(1, dims[0]!) : 1;
  for (let k = 0; k < count; k++) {
    const v = read(dataStart + k * size);
    if (!Number.isFinite(v)) {
      const where = dims.length >= 2 ? `[${Math.floor(k / width)}, ${k % width}]` : `[${k}]`;
      throw fail('non-finite', `value ${v} at index ${where} is not finite`, dataStart + k * size);
    }
    data[k] = v;
  }
  return { dtype: descr, shape: dims, data };
}

function reader(view: DataView, kind: Kind, size: number, little: boolean): (at: number) => number {
  if (kind === 'f') return size === 4 ? (at) => view.getFloat32(at, little) : (at) => view.getFloat64(at, little);
  if (kind === 'b') return (at) => (view.getUint8(at) !== 0 ? 1 : 0);
  if (kind === 'i') {
    if (size === 1) return (at) => view.getInt8(at);
    if (size === 2) return (at) => view.getInt16(at, little);
    if (size === 4) return (at) => view.getInt32(at, little);
    return (at) => Number(view.getBigInt64(at, little)); // beyond ±2^53 loses precision, as any float64 would
  }
  if (size === 1) return (at) => view.getUint8(at);
  if (size === 2) return (at) => view.getUint16(at, little);
  if (size === 4) return (at) => view.getUint32(at, little);
  return (at) => Number(view.getBigUint64(at, little));
}

function describe(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

/**
 * The header is a Python literal written by numpy's repr: a dict of strings, booleans, ints and
 * tuples. A small recursive-descent parser, not eval, and bounded in depth.
 */
function parseHeader(text: string, fail: (detail: string, at: number) => DatasetError): Map<string, PyValue> {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (depth: number): PyValue => {
    if (depth > 16) throw fail('the header is nested too deeply', i);
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out = new Map<string, PyValue>();
      for (;;) {
        ws();
        if (text[i] === '}') {
          i++;
          return out;
        }
        const key = value(depth + 1);
        if (typeof key !== 'string') throw fail('dict keys must be strings', i);
        ws();
        if (text[i] !== ':') throw fail(`expected ':' after '${key}'`, i);
        i++;
        out.set(key, value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') throw fail("expected ',' or '}' in the header dict", i);
      }
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const out: PyValue[] = [];
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          return out;
        }
        out.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) throw fail(`expected ',' or '${close}'`, i);
      }
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw fail('a string in the header is not closed', i);
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const word = /^(True|False|None|-?\d+L?)/.exec(text.slice(i, i + 24));
    if (word === null) throw fail(`unexpected ${c === undefined ? 'end of header' : `character '${c}'`}`, i);
    i += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0].replace('L', ''));
  };
  const v = value(0);
  ws();
  if (!(v instanceof Map)) throw fail('the header is not a dict', 0);
  if (i < text.length) throw fail('unexpected text after the header dict', i);
  return v;
}

/** Writes a .npy (version 1.0) file, for fixtures, round trips and exporting. */
export function encodeNpy(shape: readonly number[], values: ArrayLike<number>, dtype = '<f8'): Uint8Array {
  const m = /^([<>|])([fiub])(\d+)$/.exec(dtype);
  if (m === null) throw new RangeError(`encodeNpy: unsupported dtype ${dtype}`);
  const kind = m[2] as Kind;
  const size = Number(m[3]);
  const little = m[1] !== '>';
  const count = shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new RangeError(`encodeNpy: shape needs ${count} values, got ${values.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n'; // numpy pads the preamble to a multiple of 64
  const out = new Uint8Array(10 + header.length + count * size);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  view.setUint16(8, header.length, true);
  for (let k = 0; k < header.length; k++) out[10 + k] = header.charCodeAt(k);
  const o = 10 + header.length;
  for (let k = 0; k < count; k++) {
    const at = o + k * size;
    const v = values[k]!;
    if (kind === 'f') {
      if (size === 4) view.setFloat32(at, v, little);
      else view.setFloat64(at, v, little);
    } else if (kind === 'b' || size === 1) view.setUint8(at, kind === 'i' ? v & 0xff : v);
    else if (size === 2 && kind === 'i') view.setInt16(at, v, little);
    else if (size === 2) view.setUint16(at, v, little);
    else if (size === 4 && kind === 'i') view.setInt32(at, v, little);
    else if (size === 4) view.setUint32(at, v, little);
    else if (kind === 'i') view.setBigInt64(at, BigInt(v), little);
    else view.setBigUint64(at, BigInt(v), little);
  }
  return out;
}

/**
 * The few pieces of the protocol-buffers wire format that ONNX files need, written from the
 * encoding spec (varints, length-delimited fields, fixed 32/64-bit values). No schema compiler
 * and no generated code: onnx.ts names the fields of onnx.proto it reads and writes.
 *
 * The reader never trusts a length: every field is bounds-checked against the bytes at hand,
 * nesting is capped, and a damaged file ends in a ProtobufError naming the byte offset.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

/** Bytes that break the wire format (truncated, a length past the end, an unknown wire type). */
export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} (byte ${offset})`);
  }
}

// ---- writing -------------------------------------------------------------------------------------

/** Appends fields to a growing buffer; `finish()` returns the message's bytes. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private rawVarint(value: bigint): void {
    // Negative int64 values are written as their 64-bit two's complement (10 bytes), as protobuf does.
    let v = BigInt.asUintN(64, value);
    this.ensure(10);
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      this.buf[this.len++] = byte;
    } while (v !== 0n);
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(BigInt((field << 3) | wire));
  }

  varint(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(typeof value === 'bigint' ? value : BigInt(value));
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_BYTES);
    this.rawVarint(BigInt(data.length));
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.ensure(4);
    new DataView(this.buf.buffer, this.len, 4).setFloat32(0, value, true);
    this.len += 4;
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

// ---- reading -------------------------------------------------------------------------------------

export interface ProtoField {
  readonly field: number;
  readonly wire: number;
  /** Varints, as written (uint64); use asInt64/asNumber. */
  readonly varint?: bigint;
  /** Length-delimited payload (a view into the input) or the 4/8 raw bytes of a fixed field. */
  readonly bytes?: Uint8Array;
  /** Byte offset in the whole file: of the payload for length-delimited fields (so nested reads
   * continue the count), of the tag otherwise. */
  readonly offset: number;
}

/** The fields of one message, in order; `base` is the message's offset in the file. */
export function readFields(data: Uint8Array, base = 0): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (let k = 0; k < 10; k++) {
      if (pos >= data.length) throw new ProtobufError('the file ends inside a number', base + pos);
      const byte = data[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new ProtobufError('a number is longer than 10 bytes', base + pos);
  };
  const take = (n: number, what: string): Uint8Array => {
    if (n > data.length - pos)
      throw new ProtobufError(`${what} needs ${n} bytes but only ${data.length - pos} are left`, base + pos);
    const view = data.subarray(pos, pos + n);
    pos += n;
    return view;
  };
  while (pos < data.length) {
    const offset = base + pos;
    const key = varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) throw new ProtobufError('field number 0 is not allowed', offset);
    switch (wire) {
      case WIRE_VARINT:
        out.push({ field, wire, varint: varint(), offset });
        break;
      case WIRE_FIXED64:
        out.push({ field, wire, bytes: take(8, 'a 64-bit value'), offset });
        break;
      case WIRE_BYTES: {
        const n = varint();
        if (n > BigInt(data.length)) throw new ProtobufError(`a length of ${n} bytes runs past the end`, base + pos);
        const start = base + pos;
        out.push({ field, wire, bytes: take(Number(n), 'a field'), offset: start });
        break;
      }
      case WIRE_FIXED32:
        out.push({ field, wire, bytes: take(4, 'a 32-bit value'), offset });
        break;
      default:
        throw new ProtobufError(`unknown wire type ${wire} (field ${field}): this is not a protobuf file`, offset);
    }
  }
  return out;
}

/** A varint read as a signed 64-bit integer, as a JS number when it fits exactly. */
export function asInt64(f: ProtoField): number {
  if (f.varint === undefined) throw new ProtobufError(`field ${f.field} is not an integer`, f.offset);
  const v = BigInt.asIntN(64, f.varint);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
    throw new ProtobufError(`field ${f.field} holds ${v}, too large for this reader`, f.offset);
  return Number(v);
}

export function asText(f: ProtoField): string {
  if (f.bytes === undefined || f.wire !== WIRE_BYTES) throw new ProtobufError(`field ${f.field} is not text`, f.offset);
  return new TextDecoder('utf-8', { fatal: false }).decode(f.bytes);
}

export function asFloat32(f: ProtoField): number {
  if (f.wire !== WIRE_FIXED32 || !f.bytes) throw new ProtobufError(`field ${f.field} is not a float`, f.offset);
  return new DataView(f.bytes.buffer, f.bytes.byteOffset, 4).getFloat32(0, true);
}

/** Repeated int64 fields: packed (one length-delimited run) or one varint per element. */
export function int64List(fields: readonly ProtoField[]): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.wire === WIRE_VARINT) out.push(asInt64(f));
    else if (f.wire === WIRE_BYTES && f.bytes) {
      let pos = 0;
      const d = f.bytes;
      while (pos < d.length) {
        let v = 0n;
        let shift = 0n;
        let done = false;
        for (let k = 0; k < 10 && pos < d.length; k++) {
          const byte = d[pos++]!;
          v |= BigInt(byte & 0x7f) << shift;
          shift += 7n;
          if ((byte & 0x80) === 0) {
            done = true;
            break;
          }
        }
        if (!done) throw new ProtobufError('a packed number list is cut short', f.offset + pos);
        out.push(asInt64({ field: f.field, wire: WIRE_VARINT, varint: BigInt.asUintN(64, v), offset: f.offset }));
      }
    } else throw new ProtobufError(`field ${f.field} is not a list of integers`, f.offset);
  }
  return out;
}

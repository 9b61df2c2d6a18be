/**
 * Reading zip archives from strangers (.npz arrays, .bplens sessions) without trusting them.
 *
 * The central directory is parsed by hand so every size is known before anything is inflated:
 * declared sizes over the caps are refused up front, and inflation stops the moment an entry
 * produces more bytes than it declared (a "zip bomb" that lies about its size). Names with `..`,
 * absolute paths, backslashes or drive letters are refused, so an entry can never name a place
 * outside the folder it would be extracted to. CRC-32 is checked for every entry.
 * Writing uses fflate's zipSync: we only write what we made ourselves.
 */
import { Inflate, zipSync } from 'fflate';
import { crc32 } from '../../core/crc32.js';
import { ArrayFileError } from './errors.js';

export interface ZipLimits {
  /** Most entries an archive may hold. */
  readonly maxEntries: number;
  /** Most bytes one entry may expand to. */
  readonly maxEntryBytes: number;
  /** Most bytes all entries together may expand to. */
  readonly maxTotalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 10_000,
  maxEntryBytes: 1 << 30,
  maxTotalBytes: 2 ** 31,
};

export interface ZipReadOptions extends Partial<ZipLimits> {
  /** The file name for messages. */
  readonly fileName?: string;
  /** Only these entries are inflated (others are listed, not expanded); default: all. */
  readonly only?: (name: string) => boolean;
}

export interface ZipEntry {
  readonly name: string;
  /** The expanded bytes (empty for entries `only` skipped). */
  readonly data: Uint8Array;
  /** The size the directory declares, expanded. */
  readonly size: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

interface CentralEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Lists and expands every entry of a zip archive, checking sizes, names and checksums. */
export function readZipEntries(bytes: Uint8Array, options: ZipReadOptions = {}): ZipEntry[] {
  const limits: ZipLimits = {
    maxEntries: options.maxEntries ?? DEFAULT_ZIP_LIMITS.maxEntries,
    maxEntryBytes: options.maxEntryBytes ?? DEFAULT_ZIP_LIMITS.maxEntryBytes,
    maxTotalBytes: options.maxTotalBytes ?? DEFAULT_ZIP_LIMITS.maxTotalBytes,
  };
  const file = options.fileName;
  const fail = (detail: string, extra: { entry?: string; offset?: number } = {}): ArrayFileError =>
    new ArrayFileError(detail, { ...(file !== undefined ? { file } : {}), ...extra });
  if (bytes.length === 0) throw fail('the file is empty');
  if (!isZip(bytes)) throw fail('not a zip archive: it does not start with "PK"', { offset: 0 });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const central = readCentralDirectory(bytes, view, limits, fail);

  let total = 0;
  for (const e of central) {
    if (e.size > limits.maxEntryBytes) {
      throw fail(`expands to ${e.size} bytes, over the ${limits.maxEntryBytes}-byte limit for one entry`, {
        entry: e.name,
      });
    }
    total += e.size;
    if (total > limits.maxTotalBytes) {
      throw fail(`the entries expand to more than the ${limits.maxTotalBytes}-byte limit`, { entry: e.name });
    }
  }
  return central.map((e) => ({
    name: e.name,
    size: e.size,
    data: options.only === undefined || options.only(e.name) ? expand(bytes, view, e, fail) : new Uint8Array(0),
  }));
}

type Fail = (detail: string, extra?: { entry?: string; offset?: number }) => ArrayFileError;

function findEndOfCentralDirectory(bytes: Uint8Array, view: DataView, fail: Fail): number {
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (view.getUint32(at, true) === SIG_EOCD) return at;
  }
  throw fail('the zip archive is cut short or damaged: its end-of-directory record is missing', {
    offset: bytes.length,
  });
}

function readCentralDirectory(bytes: Uint8Array, view: DataView, limits: ZipLimits, fail: Fail): CentralEntry[] {
  const eocd = findEndOfCentralDirectory(bytes, view, fail);
  let count = view.getUint16(eocd + 10, true);
  let dirSize = view.getUint32(eocd + 12, true);
  let dirOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || dirSize === U32_MAX || dirOffset === U32_MAX) {
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== SIG_EOCD64_LOCATOR) {
      throw fail('the zip64 end-of-directory locator is missing', { offset: Math.max(0, locator) });
    }
    const at = safeNumber(view.getBigUint64(locator + 8, true), 'zip64 directory offset', fail);
    if (at + 56 > bytes.length || view.getUint32(at, true) !== SIG_EOCD64) {
      throw fail('the zip64 end-of-directory record is damaged', { offset: at });
    }
    count = safeNumber(view.getBigUint64(at + 32, true), 'zip64 entry count', fail);
    dirSize = safeNumber(view.getBigUint64(at + 40, true), 'zip64 directory size', fail);
    dirOffset = safeNumber(view.getBigUint64(at + 48, true), 'zip64 directory offset', fail);
  }
  if (count > limits.maxEntries) throw fail(`holds ${count} entries, over the ${limits.maxEntries}-entry limit`);
  if (dirOffset + dirSize > bytes.length) {
    throw fail('the zip archive is cut short: its directory lies past the end of the file', { offset: dirOffset });
  }
  const entries: CentralEntry[] = [];
  const seen = new Set<string>();
  let at = dirOffset;
  for (let k = 0; k < count; k++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== SIG_CENTRAL) {
      throw fail(`directory entry ${k + 1} of ${count} is damaged`, { offset: at });
    }
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    let compressedSize = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    let localOffset = view.getUint32(at + 42, true);
    if (at + 46 + nameLen + extraLen + commentLen > dirOffset + dirSize) {
      throw fail(`directory entry ${k + 1} of ${count} runs past the directory`, { offset: at });
    }
    const nameBytes = bytes.subarray(at + 46, at + 46 + nameLen);
    const name = new TextDecoder('utf-8').decode(nameBytes);
    // Zip64 sizes and offsets live in extra field 0x0001, in this order, only for the fields at 0xFFFFFFFF.
    let x = at + 46 + nameLen;
    const extraEnd = x + extraLen;
    while (x + 4 <= extraEnd) {
      const id = view.getUint16(x, true);
      const len = view.getUint16(x + 2, true);
      if (x + 4 + len > extraEnd) throw fail('an extra field runs past its entry', { entry: name, offset: x });
      if (id === 0x0001) {
        let y = x + 4;
        const next = (what: string): number => {
          if (y + 8 > x + 4 + len) throw fail(`the zip64 extra field lacks the ${what}`, { entry: name, offset: y });
          const v = safeNumber(view.getBigUint64(y, true), what, fail);
          y += 8;
          return v;
        };
        if (size === U32_MAX) size = next('size');
        if (compressedSize === U32_MAX) compressedSize = next('compressed size');
        if (localOffset === U32_MAX) localOffset = next('offset');
      }
      x += 4 + len;
    }
    checkName(name, fail);
    if (seen.has(name)) throw fail('the archive holds two entries of this name', { entry: name });
    seen.add(name);
    entries.push({ name, method, flags, crc, compressedSize, size, localOffset });
    at = extraEnd + commentLen;
  }
  return entries;
}

/** Refuses names that could escape the folder they are extracted into. */
function checkName(name: string, fail: Fail): void {
  const bad =
    name === '' ||
    name.includes('\0') ||
    name.includes('\\') ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.split('/').some((part) => part === '..');
  if (bad) throw fail('unsafe entry name (absolute, drive letter, backslash or "..")', { entry: name });
}

function safeNumber(v: bigint, what: string, fail: Fail): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw fail(`the ${what} is too large`);
  return Number(v);
}

function expand(bytes: Uint8Array, view: DataView, e: CentralEntry, fail: Fail): Uint8Array {
  const where = { entry: e.name };
  if (e.flags & 1) throw fail('the entry is encrypted', where);
  const at = e.localOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== SIG_LOCAL) {
    throw fail('the entry header is damaged or missing', { ...where, offset: at });
  }
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + e.compressedSize;
  if (end > bytes.length) throw fail('the entry is cut short', { ...where, offset: bytes.length });
  const raw = bytes.subarray(start, end);
  let out: Uint8Array;
  if (e.method === 0) {
    if (e.compressedSize !== e.size) throw fail('a stored entry whose two sizes differ', where);
    out = raw.slice();
  } else if (e.method === 8) {
    out = inflateCapped(raw, e.size, (detail) => fail(detail, where));
  } else {
    throw fail(`compression method ${e.method} is not supported (stored or deflate only)`, where);
  }
  if (crc32(out) !== e.crc) throw fail('checksum mismatch: the entry is damaged', where);
  return out;
}

/** Inflates `raw` into exactly `size` bytes, stopping as soon as it would produce more. */
function inflateCapped(raw: Uint8Array, size: number, fail: (detail: string) => ArrayFileError): Uint8Array {
  const out = new Uint8Array(size);
  let filled = 0;
  let ended = false;
  const stream = new Inflate((chunk, final) => {
    if (filled + chunk.length > size) throw fail(`expands past the ${size} bytes it declares (a zip bomb?)`);
    out.set(chunk, filled);
    filled += chunk.length;
    if (final) ended = true;
  });
  const STEP = 1 << 16;
  try {
    for (let k = 0; k < raw.length; k += STEP) {
      const last = k + STEP >= raw.length;
      stream.push(raw.subarray(k, Math.min(raw.length, k + STEP)), last);
    }
    if (raw.length === 0) stream.push(raw, true);
  } catch (err) {
    if (err instanceof Error && err.name === 'ArrayFileError') throw err;
    throw fail(`cannot decompress (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!ended || filled !== size) throw fail(`expands to ${filled} bytes, not the ${size} it declares`);
  return out;
}

export interface ZipWriteEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

/** A zip archive of our own entries; `compress` deflates them (numpy's savez stores). */
export function writeZip(entries: readonly ZipWriteEntry[], options: { compress?: boolean } = {}): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const e of entries) {
    if (e.name in files) throw new RangeError(`writeZip: two entries named ${e.name}`);
    files[e.name] = e.data;
  }
  // A fixed timestamp keeps archives reproducible byte for byte.
  return zipSync(files, { level: options.compress ? 6 : 0, mtime: new Date(1980, 0, 1) });
}

/**
 * .gz input (MNIST is distributed gzipped), decompressed with fflate in slices so every limit is
 * enforced while inflating, before the output is held:
 * - maxBytes: the decompressed size;
 * - maxExpansion: once the output passes 16 MiB, its ratio to the compressed bytes read so far (a
 *   "gzip bomb" of zeros expands ~1000×; real data a few times to a few tens);
 * - each member's CRC-32 and length (the gzip trailer), so a corrupted byte is an error, not
 *   silently different data.
 * `gunzipChunks` hands the output on piece by piece (text is parsed as it inflates);
 * `gunzip` collects it for the whole-file formats.
 */
import { Gunzip } from 'fflate';
import { DatasetError } from '../errors.js';
import { resolveLimits, type ParseOptions } from '../types.js';
import { CHUNK_BYTES, checkAborted, concatBytes, formatBytes, where } from './input.js';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Compressed bytes pushed into the inflater at a time. fflate hands back all the output of one
 * push as one buffer, and deflate expands up to ~1032×: 16 KiB in is at most ~17 MB out, so no
 * limit is overshot by more than that before it is checked.
 */
const INPUT_SLICE = 16 * 1024;

/** The expansion ratio is judged only past this much output: small files may compress very well. */
const EXPANSION_CHECK_AFTER = 16 * 1024 * 1024;

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (IEEE, as in gzip and zip), continued from `crc` (start at 0). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Decompresses `bytes`, handing each piece of output to `sink` (final: the last piece). */
export function gunzipChunks(
  bytes: Uint8Array,
  options: ParseOptions,
  sink: (chunk: Uint8Array, final: boolean) => void,
): number {
  const { maxBytes, maxExpansion } = resolveLimits(options.limits);
  const file = options.fileName;
  let size = 0;
  let ended = false;
  let at = 0;
  let pushedEnd = 0;
  // The member being inflated: its CRC and length, checked against its 8-byte trailer.
  let crc = 0;
  let memberSize = 0;
  const checkTrailer = (end: number): void => {
    const t = end - 8;
    const ok =
      t >= 0 &&
      (bytes[t]! | (bytes[t + 1]! << 8) | (bytes[t + 2]! << 16) | (bytes[t + 3]! << 24)) >>> 0 === crc &&
      (bytes[t + 4]! | (bytes[t + 5]! << 8) | (bytes[t + 6]! << 16) | (bytes[t + 7]! << 24)) >>> 0 ===
        memberSize % 2 ** 32;
    if (!ok) {
      throw new DatasetError(
        'bad-gzip',
        'the gzip data is corrupt: its CRC-32 or length does not match the data (the file was damaged or changed)',
        { ...where(file), offset: Math.max(0, t) },
      );
    }
    crc = 0;
    memberSize = 0;
  };
  const stream = new Gunzip((chunk, final) => {
    size += chunk.length;
    if (size > maxBytes) {
      throw new DatasetError(
        'too-large',
        `decompresses to more than the ${formatBytes(maxBytes)} limit; raise maxBytes (--max-bytes) or use a smaller file`,
        where(file),
      );
    }
    if (size > EXPANSION_CHECK_AFTER && size > maxExpansion * pushedEnd) {
      throw new DatasetError(
        'too-large',
        `expands more than ${maxExpansion}× (${formatBytes(size)} from the first ${formatBytes(pushedEnd)}): refused as a likely decompression bomb; raise maxExpansion (--max-expansion) if the file is genuine`,
        where(file),
      );
    }
    crc = crc32(chunk, crc);
    memberSize += chunk.length;
    if (final) {
      checkTrailer(bytes.length);
      ended = true;
    }
    sink(chunk, final);
  });
  stream.onmember = (offset) => checkTrailer(offset);
  try {
    for (; at < bytes.length; at += INPUT_SLICE) {
      const end = Math.min(bytes.length, at + INPUT_SLICE);
      pushedEnd = end;
      stream.push(bytes.subarray(at, end), end === bytes.length);
      if (end % CHUNK_BYTES < INPUT_SLICE || end === bytes.length) {
        checkAborted(options);
        options.onProgress?.({ bytesDone: end, bytesTotal: bytes.length });
      }
    }
    if (bytes.length === 0) stream.push(bytes, true);
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new DatasetError('bad-gzip', `cannot decompress the gzip data (${reason})`, {
      ...where(file),
      offset: Math.min(at, bytes.length),
    });
  }
  if (!ended)
    throw new DatasetError('bad-gzip', 'the gzip data is cut short', { ...where(file), offset: bytes.length });
  return size;
}

export function gunzip(bytes: Uint8Array, options: ParseOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const size = gunzipChunks(bytes, options, (chunk) => parts.push(chunk));
  return concatBytes(parts, size);
}

/** Gunzips when the bytes start with the gzip magic, else returns them unchanged. */
export function maybeGunzip(bytes: Uint8Array, options: ParseOptions = {}): Uint8Array {
  return isGzip(bytes) ? gunzip(bytes, options) : bytes;
}

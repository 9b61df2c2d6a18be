/**
 * .gz input (MNIST is distributed gzipped), decompressed with fflate in slices so the output
 * size limit is enforced while inflating: a small "zip bomb" fails with a message instead of
 * exhausting memory.
 */
import { Gunzip } from 'fflate';
import { DatasetError } from '../errors.js';
import { resolveLimits, type ParseOptions } from '../types.js';
import { CHUNK_BYTES, checkAborted, concatBytes, formatBytes, where } from './input.js';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function gunzip(bytes: Uint8Array, options: ParseOptions = {}): Uint8Array {
  const { maxBytes } = resolveLimits(options.limits);
  const file = options.fileName;
  const parts: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  const stream = new Gunzip((chunk, final) => {
    size += chunk.length;
    if (size > maxBytes) {
      throw new DatasetError(
        'too-large',
        `decompresses to more than the ${formatBytes(maxBytes)} limit; raise maxBytes or use a smaller file`,
        where(file),
      );
    }
    parts.push(chunk);
    if (final) ended = true;
  });
  let at = 0;
  try {
    for (; at < bytes.length; at += CHUNK_BYTES) {
      checkAborted(options);
      const end = Math.min(bytes.length, at + CHUNK_BYTES);
      stream.push(bytes.subarray(at, end), end === bytes.length);
      options.onProgress?.({ bytesDone: end, bytesTotal: bytes.length });
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
  return concatBytes(parts, size);
}

/** Gunzips when the bytes start with the gzip magic, else returns them unchanged. */
export function maybeGunzip(bytes: Uint8Array, options: ParseOptions = {}): Uint8Array {
  return isGzip(bytes) ? gunzip(bytes, options) : bytes;
}

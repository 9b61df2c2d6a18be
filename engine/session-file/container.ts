/**
 * The binary pieces of a session file, on top of engine/io/arrays (the guarded zip reader and the
 * safetensors codec): tensors in a precision (F32/F64), SHA-256 of blobs (WebCrypto: available in
 * browsers, workers and Node), and the zip limits a session is read with.
 */
import { ArrayFileError, readSafetensors, writeSafetensors, type ZipLimits } from '../io/arrays/index.js';
import { SessionFileError } from './errors.js';

export type Precision = 'f32' | 'f64';

export interface BlobTensor {
  readonly name: string;
  readonly precision: Precision;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** A session holds at most this much once expanded (the zip reader stops inflating past it). */
export const SESSION_ZIP_LIMITS: ZipLimits = {
  maxEntries: 200_000,
  maxEntryBytes: 1 << 30,
  maxTotalBytes: 4 * 2 ** 30,
};

export function encodeTensors(tensors: readonly BlobTensor[], metadata: Record<string, string> = {}): Uint8Array {
  return writeSafetensors(
    tensors.map((t) => ({ name: t.name, shape: t.shape, data: t.data, dtype: t.precision === 'f32' ? 'F32' : 'F64' })),
    metadata,
  );
}

export function decodeTensors(bytes: Uint8Array, entry: string): BlobTensor[] {
  let file;
  try {
    file = readSafetensors(bytes);
  } catch (e) {
    if (!(e instanceof ArrayFileError)) throw e;
    const at = e.offset !== undefined ? ` (byte ${e.offset})` : '';
    throw new SessionFileError(`${e.entry !== undefined ? `tensor "${e.entry}": ` : ''}${e.detail}${at}`, entry);
  }
  return file.arrays.map((a) => {
    if (a.dtype !== 'F32' && a.dtype !== 'F64')
      throw new SessionFileError(`the tensor "${a.name}" is ${a.dtype}; session blobs hold F32 or F64`, entry);
    return { name: a.name, precision: a.dtype === 'F32' ? 'f32' : 'f64', shape: a.shape, data: a.data };
  });
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

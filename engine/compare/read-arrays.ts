/**
 * The user's arrays from the bytes of one file, whatever it is: an .npz, one .npy, a
 * .safetensors, a gradients file or a JSON object of named arrays. Decided by content (zip magic,
 * .npy magic, JSON), not by the extension alone. Pure: the CLI and the engine host read the bytes.
 * Size caps suit the arrays of a hand-written MLP, far below the zip reader's defaults, so a zip
 * bomb stops early.
 */
import { isNpy, parseNpy } from '../data/parsers/npy.js';
import { DatasetError } from '../data/errors.js';
import { ArrayFileError, isZip, readNpz, readSafetensors } from '../io/arrays/index.js';
import { FormatError } from '../io/format-error.js';
import { parseJsonText } from '../io/json-text.js';
import { baseName } from './names.js';
import { namedArraysFromJson } from './json-arrays.js';
import type { NamedArray } from './types.js';

export const COMPARE_ARRAY_LIMITS = {
  maxEntries: 1000,
  maxEntryBytes: 64 << 20,
  maxTotalBytes: 256 << 20,
} as const;

export function readArraysFile(bytes: Uint8Array, fileName: string): NamedArray[] {
  if (bytes.length === 0) throw new ArrayFileError('the file is empty', { file: fileName });
  if (isZip(bytes)) return readNpz(bytes, { fileName, ...COMPARE_ARRAY_LIMITS });
  if (/\.npz$/i.test(fileName)) return readNpz(bytes, { fileName, ...COMPARE_ARRAY_LIMITS }); // says "not a zip"
  if (isNpy(bytes) || /\.npy$/i.test(fileName)) return [readOneNpy(bytes, fileName)];
  if (/\.safetensors$/i.test(fileName) || looksLikeSafetensors(bytes)) {
    return readSafetensors(bytes, { fileName, maxValues: COMPARE_ARRAY_LIMITS.maxTotalBytes / 8 }).arrays;
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  try {
    return namedArraysFromJson(parseJsonText(text));
  } catch (e) {
    if (e instanceof FormatError) throw e.at({ file: fileName });
    throw e;
  }
}

/** One .npy file: the array is named after the file (dW1.npy → dW1). */
export function readOneNpy(bytes: Uint8Array, fileName: string): NamedArray {
  try {
    const a = parseNpy(bytes, { fileName, limits: { maxBytes: COMPARE_ARRAY_LIMITS.maxEntryBytes } });
    return { name: baseName(fileName), dtype: a.dtype, shape: a.shape, data: a.data };
  } catch (e) {
    if (e instanceof DatasetError) {
      throw new ArrayFileError(e.detail, { file: fileName, ...(e.offset !== undefined ? { offset: e.offset } : {}) });
    }
    throw e;
  }
}

/** 8-byte little-endian header length, then a JSON object. */
function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return n > 0 && n <= bytes.length - 8 && bytes[8] === 0x7b;
}

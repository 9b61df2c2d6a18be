/**
 * Node-only: weights files of any supported format read from and written to disk (CLI, Electron
 * main). Writes are atomic; errors name the file as the user gave it.
 */
import { FormatError } from '../format-error.js';
import { FileAccessError, readBinaryFile, writeFileAtomic } from '../node-files.js';
import type { WeightsFile } from '../weights-file.js';
import type { WeightsHint } from './array-weights.js';
import {
  type EncodeOptions,
  type WeightsImport,
  decodeWeightsAs,
  encodeWeightsAs,
  weightFormatOf,
} from './weight-formats.js';

const MAX_WEIGHTS_BYTES = 2 * 2 ** 30;

function named<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FormatError) throw e.file === null ? e.at({ file: name }) : e;
    throw e;
  }
}

export async function readWeightsAnyFormat(file: string, name = file, hint: WeightsHint = {}): Promise<WeightsImport> {
  const format = named(name, () => weightFormatOf(file));
  const bytes = await readBinaryFile(file, MAX_WEIGHTS_BYTES, 'weights files', name);
  return named(name, () => decodeWeightsAs(bytes, format, hint));
}

export async function writeWeightsAnyFormat(
  file: string,
  w: WeightsFile,
  name = file,
  options: EncodeOptions = {},
): Promise<void> {
  const bytes = named(name, () => encodeWeightsAs(w, weightFormatOf(file), { fileName: file, ...options }));
  await writeFileAtomic(file, bytes).catch((e: unknown) => {
    if (e instanceof FileAccessError && name !== file) throw new FileAccessError(name, e.code, e.reason);
    throw e;
  });
}

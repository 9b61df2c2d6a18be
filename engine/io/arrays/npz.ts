/**
 * NumPy .npz archives (np.savez / np.savez_compressed): a zip of `<name>.npy` members. Read through
 * the guarded zip reader and the .npy parser, so a bomb, a `..` path, a pickled (object) array or
 * a truncated member is an error naming the member, and nothing is ever unpickled.
 */
import { DatasetError } from '../../data/errors.js';
import { encodeNpy, parseNpy } from '../../data/parsers/npy.js';
import { ArrayFileError } from './errors.js';
import type { NamedArray } from './types.js';
import { isZip, readZipEntries, writeZip, type ZipLimits } from './zip.js';

export interface NpzReadOptions extends Partial<ZipLimits> {
  readonly fileName?: string;
}

export function readNpz(bytes: Uint8Array, options: NpzReadOptions = {}): NamedArray[] {
  const file = options.fileName;
  if (bytes.length > 0 && !isZip(bytes)) {
    throw new ArrayFileError('not an .npz file: it is not a zip archive (np.savez writes one)', {
      ...(file !== undefined ? { file } : {}),
      offset: 0,
    });
  }
  const entries = readZipEntries(bytes, options);
  return entries.map((e) => {
    if (!e.name.endsWith('.npy')) {
      throw new ArrayFileError('an .npz holds only .npy members', {
        ...(file !== undefined ? { file } : {}),
        entry: e.name,
      });
    }
    try {
      const a = parseNpy(e.data, { fileName: e.name, limits: { maxBytes: e.data.length + 1 } });
      return { name: e.name.slice(0, -'.npy'.length), dtype: a.dtype, shape: a.shape, data: a.data };
    } catch (err) {
      if (!(err instanceof DatasetError)) throw err;
      throw new ArrayFileError(err.detail, {
        ...(file !== undefined ? { file } : {}),
        entry: e.name,
        ...(err.offset !== undefined ? { offset: err.offset } : {}),
      });
    }
  });
}

export interface NpzWriteArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
  /** numpy dtype string; default '<f8'. */
  readonly dtype?: string;
}

/** An .npz archive as np.savez writes it (stored), or deflated as np.savez_compressed. */
export function writeNpz(arrays: readonly NpzWriteArray[], options: { compress?: boolean } = {}): Uint8Array {
  return writeZip(
    arrays.map((a) => ({ name: `${a.name}.npy`, data: encodeNpy(a.shape, a.data, a.dtype ?? '<f8') })),
    options,
  );
}

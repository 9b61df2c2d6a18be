/**
 * Reading a file the user chose (dialog, recent list, drop) and naming one to write: shared by
 * the app services and the session document, so neither has to import the other.
 */
import { promises as fs } from 'node:fs';
import { basename, extname } from 'node:path';
import type { OpenedFile, SaveKind } from './contract.js';

/** Larger files get a clear message instead of exhausting memory (engine/data's own limit is the same). */
export const MAX_DATASET_BYTES = 512 * 1024 * 1024;

export async function readDataset(path: string): Promise<OpenedFile> {
  const stat = await fs.stat(path);
  if (!stat.isFile()) throw new Error(`${path}: not a file`);
  if (stat.size > MAX_DATASET_BYTES) {
    throw new Error(
      `${path}: ${(stat.size / 2 ** 20).toFixed(0)} MiB is more than the ${MAX_DATASET_BYTES / 2 ** 20} MiB a dataset may have`,
    );
  }
  const buf = await fs.readFile(path);
  return { path, fileName: basename(path), bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
}

/** Adds the kind's extension when the user typed a name without one. */
export function withExtension(path: string, kind: SaveKind): string {
  return extname(path) === '' ? `${path}.${kind}` : path;
}


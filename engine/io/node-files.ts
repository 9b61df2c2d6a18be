/**
 * Node-only file access for the files of FORMATS.md: friendly read errors and atomic writes.
 * Used by the CLI; Electron's main process can reuse it for exports. Never imported by the
 * browser entry (engine/io/index.ts).
 *
 * Writes go through node-atomic-write.ts (shared with Electron): atomic (temp file, fsync,
 * rename) for regular files, straight through for devices and pipes, links followed.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type WriteContent, writeFileAtomic as writeSafely } from './node-atomic-write.js';
import { FormatError } from './format-error.js';
import { type AnyFile, parseAnyFile } from './any-file.js';
import { type BatchFile, batchChunks, parseBatch } from './batch-file.js';
import { type GradientsFile, gradientsChunks, parseGradients } from './gradients-file.js';
import { type WeightsFile, parseWeights, weightsChunks } from './weights-file.js';

/** A file that could not be read or written at all (missing, a folder, no permission, disk full). */
export class FileAccessError extends Error {
  override readonly name = 'FileAccessError';
  constructor(
    readonly file: string,
    readonly code: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the file name is too long',
  EBUSY: 'the file is busy (open in another program?)',
  ELOOP: 'too many levels of symbolic links',
};

function accessError(file: string, error: unknown, writing: boolean): FileAccessError {
  const code = (error as NodeJS.ErrnoException | null)?.code ?? 'EUNKNOWN';
  let reason = REASONS[code] ?? (error instanceof Error ? error.message.replace(/^[A-Z]+: /, '') : String(error));
  if (writing && code === 'ENOENT') reason = `the folder ${dirname(file)} does not exist`;
  return new FileAccessError(file, code, `cannot ${writing ? 'write' : 'read'}: ${reason}`);
}

/** Strings above this cannot be held by V8 in one piece; say so instead of crashing. */
const MAX_TEXT_BYTES = 512 * 1024 * 1024;
/** A pipe or device read as one of our JSON files: far more than any real one, far less than RAM. */
const MAX_SPECIAL_BYTES = 64 * 1024 * 1024;

/**
 * Reads a file that is not a regular file (a pipe, `<(…)`, a character device such as /dev/zero)
 * whole, refusing it once it passes `maxBytes`: its size is unknown in advance and may be endless.
 */
export async function readSpecialFile(file: string, maxBytes: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const parts: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const buf = new Uint8Array(1 << 16);
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size > maxBytes) {
        throw new FileAccessError(
          file,
          'EFBIG',
          `cannot read: it is not a regular file and gives more than ${(maxBytes / 2 ** 20).toFixed(0)} MiB (an endless device?)`,
        );
      }
      parts.push(buf.subarray(0, bytesRead));
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

export async function readTextFile(file: string): Promise<string> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (!info.isFile()) return new TextDecoder().decode(await readSpecialFile(file, MAX_SPECIAL_BYTES));
    if (info.size > MAX_TEXT_BYTES) {
      throw new FileAccessError(
        file,
        'EFBIG',
        `cannot read: the file is ${(info.size / 2 ** 20).toFixed(0)} MiB, over the 512 MiB limit for JSON files`,
      );
    }
    return await readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof FileAccessError) throw e;
    throw accessError(file, e, false);
  }
}

/**
 * Reads a binary file (weights, session files) whole: a folder is refused, a regular file over
 * `maxBytes` is refused before it is read (`what` names whose limit it is), and a pipe or device is
 * read with the same cap. Errors are FileAccessErrors naming `name` (the path as the user gave it).
 */
export async function readBinaryFile(file: string, maxBytes: number, what: string, name = file): Promise<Uint8Array> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (!info.isFile()) return await readSpecialFile(file, Math.min(maxBytes, MAX_SPECIAL_BYTES));
    if (info.size > maxBytes) {
      throw new FileAccessError(
        name,
        'EFBIG',
        `cannot read: the file is over the ${(maxBytes / 2 ** 30).toFixed(0)} GiB limit for ${what}`,
      );
    }
    return new Uint8Array(await readFile(file));
  } catch (e) {
    if (e instanceof FileAccessError) throw e.file === name ? e : new FileAccessError(name, e.code, e.reason);
    throw accessError(name, e, false);
  }
}

export type { WriteContent } from './node-atomic-write.js';

/**
 * Writes `content` to `file` safely (node-atomic-write.ts: atomic for files, straight through
 * for devices and pipes). File-system errors become a FileAccessError naming the target; other
 * errors (a serialiser finding a NaN) are rethrown as they are.
 */
export async function writeFileAtomic(file: string, content: WriteContent): Promise<void> {
  try {
    await writeSafely(file, content);
  } catch (e) {
    if (isErrno(e)) throw accessError(file, e, true);
    throw e;
  }
}

function isErrno(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && !(e instanceof FormatError);
}

/**
 * Parses a file's text with `parse`, putting the file's name into any FormatError. `name` is
 * how the file is shown in messages (the CLI shows paths as the user typed them).
 */
async function readAs<T>(file: string, parse: (text: string) => T, name: string): Promise<T> {
  let text: string;
  try {
    text = await readTextFile(file);
  } catch (e) {
    if (e instanceof FileAccessError && name !== file) throw new FileAccessError(name, e.code, e.reason);
    throw e;
  }
  try {
    return parse(text);
  } catch (e) {
    if (e instanceof FormatError) throw e.at({ file: name });
    throw e;
  }
}

export const readWeightsFile = (file: string, name = file): Promise<WeightsFile> => readAs(file, parseWeights, name);
export const readBatchFile = (file: string, name = file): Promise<BatchFile> => readAs(file, parseBatch, name);
export const readGradientsFile = (file: string, name = file): Promise<GradientsFile> =>
  readAs(file, parseGradients, name);
export const readAnyFile = (file: string, name = file): Promise<AnyFile> => readAs(file, parseAnyFile, name);

/** Validation errors on write (found before or while streaming) name the file being written. */
async function writeAs(file: string, chunks: () => Iterable<string>, name: string): Promise<void> {
  try {
    await writeFileAtomic(file, chunks());
  } catch (e) {
    if (e instanceof FormatError) throw e.at({ file: name });
    if (e instanceof FileAccessError && name !== file) throw new FileAccessError(name, e.code, e.reason);
    throw e;
  }
}

export const writeWeightsFile = (file: string, w: WeightsFile, name = file): Promise<void> =>
  writeAs(file, () => weightsChunks(w), name);
export const writeBatchFile = (file: string, b: BatchFile, name = file): Promise<void> =>
  writeAs(file, () => batchChunks(b), name);
export const writeGradientsFile = (file: string, g: GradientsFile, name = file): Promise<void> =>
  writeAs(file, () => gradientsChunks(g), name);

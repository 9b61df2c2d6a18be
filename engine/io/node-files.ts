/**
 * Node-only file access for the files of FORMATS.md: friendly read errors and atomic writes.
 * Used by the CLI; Electron's main process can reuse it for exports. Never imported by the
 * browser entry (engine/io/index.ts).
 *
 * An atomic write puts the text in a temp file in the target's own folder (rename is atomic
 * only within one file system), fsyncs it, renames it over the target, then fsyncs the folder
 * so the rename itself survives a crash. On any failure the temp file is removed and the
 * target is left exactly as it was.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
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
};

function accessError(file: string, error: unknown, writing: boolean): FileAccessError {
  const code = (error as NodeJS.ErrnoException | null)?.code ?? 'EUNKNOWN';
  let reason = REASONS[code] ?? (error instanceof Error ? error.message : String(error));
  if (writing && code === 'ENOENT') reason = `the folder ${dirname(file)} does not exist`;
  return new FileAccessError(file, code, `cannot ${writing ? 'write' : 'read'}: ${reason}`);
}

/** Strings above this cannot be held by V8 in one piece; say so instead of crashing. */
const MAX_TEXT_BYTES = 512 * 1024 * 1024;

export async function readTextFile(file: string): Promise<string> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
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

export type WriteContent = string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/** Chunks are gathered into writes of about this size: fewer syscalls, bounded memory. */
const WRITE_BUFFER_CHARS = 1 << 20;

/**
 * Writes `content` to `file` atomically. An iterable may throw part-way (a serialiser finding
 * a NaN): the target is then untouched and no temp file is left behind. The error is rethrown
 * as is, except file-system errors, which become a FileAccessError naming the target.
 */
export async function writeFileAtomic(file: string, content: WriteContent): Promise<void> {
  const target = resolve(file);
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | null = null;
  let created = false;
  try {
    const mode = await existingMode(target);
    handle = await open(temp, 'wx', mode ?? 0o666);
    created = true;
    await writeAll(handle, content);
    await handle.sync();
    await handle.close();
    handle = null;
    await rename(temp, target);
    created = false;
    await syncFolder(dir);
  } catch (e) {
    if (handle) await handle.close().catch(() => undefined);
    if (created) await unlink(temp).catch(() => undefined);
    if (isErrno(e)) throw accessError(file, e, true);
    throw e;
  }
}

async function writeAll(handle: FileHandle, content: WriteContent): Promise<void> {
  if (typeof content === 'string' || content instanceof Uint8Array) {
    await handle.writeFile(content);
    return;
  }
  let pending = '';
  for await (const chunk of content as AsyncIterable<string | Uint8Array>) {
    if (typeof chunk === 'string') {
      pending += chunk;
      if (pending.length >= WRITE_BUFFER_CHARS) {
        await handle.write(pending);
        pending = '';
      }
    } else {
      if (pending !== '') await handle.write(pending);
      pending = '';
      await handle.write(chunk);
    }
  }
  if (pending !== '') await handle.write(pending);
}

/** Keep the permissions of the file being replaced (a user may have made it read-only to others). */
async function existingMode(target: string): Promise<number | null> {
  try {
    const info = await stat(target);
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    return info.mode & 0o7777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Makes the rename durable. Some platforms (Windows) cannot open folders: best effort. */
async function syncFolder(dir: string): Promise<void> {
  let h: FileHandle | null = null;
  try {
    h = await open(dir, 'r');
    await h.sync();
  } catch {
    // Not fatal: the data itself is already synced.
  } finally {
    await h?.close().catch(() => undefined);
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

/**
 * Safe output writes, shared by the CLI (engine/io/node-files.ts) and Electron's main process
 * (electron/atomic-write.ts). Node built-ins only, so the Electron bundle pulls in nothing else.
 *
 * What "the target" is decides how it is written:
 * - a regular file or a missing path: atomically. The bytes go to a temp file in the same folder
 *   (rename is atomic only within one file system), which is fsynced and renamed over the target;
 *   the folder is then fsynced so the rename itself survives a crash. On failure the temp file is
 *   removed and the target is left exactly as it was.
 * - a symbolic link: the file it points to is replaced (the link stays a link), or created when
 *   the link dangles.
 * - a character device or a FIFO (`/dev/null`, `/dev/stdout`, a pipe, `<(…)`): written straight
 *   through. Renaming over them would replace, as root, the system's `/dev/null` with a file.
 * - a folder, a block device or a socket: refused (errno EISDIR / EINVAL), nothing is touched.
 *
 * Temp files are named `.backprop-lens-<pid>-<random>.<name>.tmp`: obviously ours. Those left by a
 * process that was killed (its pid is gone, or the file is over a day old) are removed on the next
 * write to the same folder.
 *
 * Errors are Node's own (with `code`), so each caller words them its own way.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, lstat, open, readdir, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export type WriteContent = string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/** Chunks are gathered into writes of about this size: fewer syscalls, bounded memory. */
const WRITE_BUFFER_CHARS = 1 << 20;

const TEMP_PREFIX = '.backprop-lens-';
const TEMP_PATTERN = /^\.backprop-lens-(\d+)-[0-9a-f]{12}\..*\.tmp$/s;
/** A temp file this old is stale even if a process with its pid exists (pids are reused). */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;
/** Same as the kernel's limit on symlink hops (ELOOP). */
const MAX_LINK_HOPS = 40;

/** The temp name for a write to `target` by this process. */
export function tempNameFor(target: string): string {
  return `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}.${basename(target)}.tmp`;
}

function errno(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/** How an output path will be written, decided before any byte is. */
export type OutputPlan =
  | { readonly kind: 'replace'; readonly path: string; readonly mode: number }
  | { readonly kind: 'create'; readonly path: string }
  | { readonly kind: 'stream'; readonly path: string };

/**
 * Follows `file` through any symbolic links to what a write should touch. Exported for tests and
 * for callers that want to say in advance where an output goes.
 */
export async function planOutput(file: string): Promise<OutputPlan> {
  const target = resolve(file);
  const info = await stat(target).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (info === null) return { kind: 'create', path: await danglingTarget(target) };
  if (info.isDirectory()) throw errno('EISDIR', 'is a folder, not a file');
  if (info.isFile()) return { kind: 'replace', path: await realpath(target), mode: info.mode & 0o7777 };
  // /dev/stdout is a link into /proc whose final name ("pipe:[123]") is not a path: open the
  // name as given and let the kernel follow it.
  if (info.isCharacterDevice() || info.isFIFO()) return { kind: 'stream', path: target };
  throw errno('EINVAL', `is ${describeSpecial(info)}, not a file`);
}

function describeSpecial(info: Stats): string {
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'a special file';
}

/** A missing path, or a link (chain) to a missing file: the path the new file should have. */
async function danglingTarget(target: string): Promise<string> {
  let path = target;
  for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
    const info = await lstat(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (info === null || !info.isSymbolicLink()) return path;
    path = resolve(dirname(path), await readlink(path));
  }
  throw errno('ELOOP', 'too many levels of symbolic links');
}

/**
 * Writes `content` to `file` as described above. An iterable may throw part-way (a serialiser
 * finding a NaN): a regular target is then untouched and no temp file is left behind.
 */
export async function writeFileAtomic(file: string, content: WriteContent): Promise<void> {
  const plan = await planOutput(file);
  if (plan.kind === 'stream') {
    await writeStraight(plan.path, content);
    return;
  }
  const dir = dirname(plan.path);
  await removeStaleTemps(dir);
  const temp = join(dir, tempNameFor(plan.path));
  let handle: FileHandle | null = null;
  let created = false;
  try {
    handle = await open(temp, 'wx', plan.kind === 'replace' ? plan.mode : 0o666);
    created = true;
    await writeAll(handle, content);
    await handle.sync();
    await handle.close();
    handle = null;
    // The target may have changed kind since it was planned (a race): never rename over
    // anything but a regular file or nothing.
    const now = await lstat(plan.path).catch(() => null);
    if (now !== null && !now.isFile())
      throw errno('EINVAL', 'it changed into something other than a file while it was being written');
    await rename(temp, plan.path);
    created = false;
    await syncFolder(dir);
  } catch (e) {
    if (handle) await handle.close().catch(() => undefined);
    if (created) await unlink(temp).catch(() => undefined);
    throw e;
  }
}

/** Devices and pipes take the bytes as they come; there is nothing to rename or fsync. */
async function writeStraight(path: string, content: WriteContent): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await writeAll(handle, content);
  } finally {
    await handle.close().catch(() => undefined);
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

/** Removes the temp files of writes that never finished (the process was killed). Best effort. */
export async function removeStaleTemps(dir: string, now = Date.now()): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMP_PATTERN.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid) continue;
    const path = join(dir, name);
    const info = await lstat(path).catch(() => null);
    if (!info?.isFile()) continue;
    if (processAlive(pid) && now - info.mtimeMs < STALE_AFTER_MS) continue;
    await unlink(path).then(
      () => removed.push(name),
      () => undefined,
    );
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
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

/**
 * Whether two paths name the same existing regular file (after links, including hard links).
 * Used to refuse an output that would overwrite one of the command's inputs.
 */
export async function sameFile(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)]);
  if (!sa?.isFile() || !sb?.isFile()) return false;
  return sa.dev === sb.dev && sa.ino === sb.ino;
}

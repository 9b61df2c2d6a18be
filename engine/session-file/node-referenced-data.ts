/**
 * Node-only: session files whose dataset is referenced (path + size + SHA-256) instead of embedded.
 * Saving describes the data file (its path relative to the session file when it can be, its size
 * and hash, how it was read); opening finds it again (relative to the session file, then where it
 * was when saved), checks its size and hash, and reads it the same way. Every failure is a
 * SessionFileError naming manifest.json's `dataset.file` and the paths and hash it expected.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Matrix } from '../core/matrix.js';
import type { LoadOptions } from '../data/load.js';
import { readDatasetFile } from '../data/node-files.js';
import { DatasetError } from '../data/errors.js';
import { sha256Hex } from './container.js';
import { SessionFileError } from './errors.js';
import { referencedReadOptions } from './referenced-data.js';
import type { SessionContents, SessionDataset } from './types.js';

type DatasetFileRef = NonNullable<SessionDataset['file']>;

/** Reader options kept in `dataset.file.read` (all plain JSON; limits are not part of the data's identity). */
export type ReferencedReadOptions = Pick<
  LoadOptions,
  'task' | 'delimiter' | 'header' | 'skipLines' | 'encoding' | 'features' | 'targets' | 'loss'
>;

const READ_KEYS = ['task', 'delimiter', 'header', 'skipLines', 'encoding', 'features', 'targets', 'loss'] as const;

/**
 * The reference to `dataFile` for a session written to `sessionFile`: the path relative to the
 * session's folder when there is one, else absolute; the absolute path is kept too.
 */
export async function describeDatasetFile(
  sessionFile: string,
  dataFile: string,
  read: ReferencedReadOptions = {},
): Promise<DatasetFileRef> {
  const absolutePath = resolve(dataFile);
  const bytes = await readFile(absolutePath);
  const rel = relative(dirname(resolve(sessionFile)), absolutePath);
  // Relative whenever there is a relative path (not across drives), so the two can be moved together.
  const inside = rel !== '' && !isAbsolute(rel);
  const kept: Record<string, unknown> = {};
  for (const k of READ_KEYS) if (read[k] !== undefined) kept[k] = read[k];
  return {
    path: inside ? rel.split(sep).join('/') : absolutePath,
    absolutePath,
    bytes: bytes.length,
    sha256: await sha256Hex(bytes),
    ...(Object.keys(kept).length > 0 ? { read: kept } : {}),
  };
}

const fail = (reason: string): SessionFileError => new SessionFileError(reason, 'manifest.json', ['dataset', 'file']);

/** Where to look for a referenced file: beside the session file first, then where it was when saved. */
export function candidatePaths(sessionFile: string, ref: DatasetFileRef): string[] {
  const here = dirname(resolve(sessionFile));
  const out = [isAbsolute(ref.path) ? ref.path : resolve(here, ...ref.path.split('/'))];
  if (ref.absolutePath && !out.includes(ref.absolutePath)) out.push(ref.absolutePath);
  return out;
}

/**
 * The data a session file references, found, checked (size, SHA-256) and read as when it was saved.
 * `locate` overrides where to look (the user pointed at the file). The identity of X, Y is checked
 * again by openSession.
 */
export async function loadReferencedData(
  sessionFile: string,
  contents: SessionContents,
  locate?: string,
): Promise<{ X: Matrix; Y: Matrix }> {
  const ref = contents.dataset?.file;
  if (!ref) throw fail('the session does not reference a data file');
  const expected = `${ref.bytes} bytes, SHA-256 ${ref.sha256}`;
  const tried = locate !== undefined ? [resolve(locate)] : candidatePaths(sessionFile, ref);
  let found: string | null = null;
  for (const p of tried) {
    const info = await stat(p).catch(() => null);
    if (info?.isFile()) {
      found = p;
      break;
    }
  }
  if (!found)
    throw fail(
      `the data file ${ref.path} is missing: looked for ${tried.join(' and ')} (expected ${expected}); put it there or point at it (--data FILE)`,
    );
  const bytes = await readFile(found);
  const hash = bytes.length === ref.bytes ? await sha256Hex(bytes) : null;
  if (hash !== ref.sha256)
    throw fail(
      `the data file ${found} has changed since the session was saved: it has ${bytes.length} bytes${hash ? `, SHA-256 ${hash}` : ''}; expected ${expected}`,
    );
  try {
    const ds = await readDatasetFile(found, { ...referencedReadOptions(contents), fileName: found });
    return { X: ds.X, Y: ds.Y };
  } catch (e) {
    if (e instanceof DatasetError) throw fail(`the data file ${found} cannot be read as when saved: ${e.message}`);
    throw e;
  }
}

/**
 * What openSession needs for a session read from `sessionFile`: nothing when it holds its data,
 * else `{ data }` from the referenced file; errors name the session file as `name`.
 */
export async function referencedDataOption(
  sessionFile: string,
  contents: SessionContents,
  name: string,
  locate?: string,
): Promise<{ data?: { X: Matrix; Y: Matrix } }> {
  if (contents.dataset?.data || !contents.dataset?.file) return {};
  try {
    return { data: await loadReferencedData(sessionFile, contents, locate) };
  } catch (e) {
    if (e instanceof SessionFileError) throw e.inFile(name);
    throw e;
  }
}

/**
 * A session file that refers to its data file (path, size, SHA-256, read options) opened with
 * that file's bytes in hand (the dashboard: the user located the file). Pure TypeScript; the CLI's
 * version, which finds the file on disk, is node-referenced-data.ts. Errors are SessionFileErrors
 * at manifest.json `dataset.file` that name the file and what was expected.
 */
import type { Matrix } from '../core/matrix.js';
import type { LoadOptions } from '../data/load.js';
import { loadDataset } from '../data/load.js';
import { isDatasetError } from '../data/errors.js';
import { sha256Hex } from './container.js';
import { SessionFileError } from './errors.js';
import { checkDatasetIdentity } from './live-session.js';
import { loadOptionsSchema } from '../protocol/commands.js';
import type { SessionContents } from './types.js';

const fail = (reason: string): SessionFileError => new SessionFileError(reason, 'manifest.json', ['dataset', 'file']);

/**
 * The reader options a session file keeps for its data file (`dataset.file.read`), checked like a
 * dashboard's load options: the file is untrusted, so nothing else reaches the loader.
 */
export function referencedReadOptions(c: SessionContents): LoadOptions {
  const parsed = loadOptionsSchema.safeParse(c.dataset?.file?.read ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SessionFileError(
      `${issue.message}${issue.path.length > 0 ? ` (at ${issue.path.join('.')})` : ''}`,
      'manifest.json',
      ['dataset', 'file', 'read', ...issue.path.map((k) => (typeof k === 'number' ? k : String(k)))],
    );
  }
  return parsed.data as LoadOptions;
}

/** What the session expects of its data file, in words. */
export function describeReference(c: SessionContents): string {
  const f = c.dataset?.file;
  return f ? `${f.path} (${f.bytes} bytes, SHA-256 ${f.sha256})` : 'no data file';
}

/** The error for a session whose data file was not given. */
export function missingDataError(c: SessionContents): SessionFileError {
  return fail(
    `the data is not in this session file: it refers to ${describeReference(c)}; locate that file to open it`,
  );
}

/** The session's contents with its data, read from `bytes` (the located data file): size, hash and identity checked. */
export async function withReferencedData(
  c: SessionContents,
  file: { readonly fileName: string; readonly bytes: Uint8Array },
): Promise<SessionContents> {
  const ref = c.dataset?.file;
  if (!c.dataset || !ref) return c;
  const hash = file.bytes.length === ref.bytes ? await sha256Hex(file.bytes) : null;
  if (hash !== ref.sha256)
    throw fail(
      `${file.fileName} is not the data file the session was saved with: it has ${file.bytes.length} bytes${hash ? `, SHA-256 ${hash}` : ''}; expected ${describeReference(c)}`,
    );
  let data: { X: Matrix; Y: Matrix };
  try {
    const ds = loadDataset(file.bytes, { ...referencedReadOptions(c), fileName: file.fileName });
    data = { X: ds.X, Y: ds.Y };
  } catch (e) {
    if (isDatasetError(e)) throw fail(`${file.fileName} cannot be read as when the session was saved: ${e.message}`);
    throw e;
  }
  if (c.dataset.sha256) await checkDatasetIdentity(c.dataset.sha256, data);
  return { ...c, dataset: { ...c.dataset, data } };
}

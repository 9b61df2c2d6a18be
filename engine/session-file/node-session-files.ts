/**
 * Node-only: session files read from and written to disk (CLI; Electron main reuses it). Writes
 * are atomic (engine/io/node-files.ts); reads are size-capped before anything is loaded; errors
 * name the file as the user gave it.
 */
import { FileAccessError, readBinaryFile, writeFileAtomic } from '../io/node-files.js';
import { SESSION_ZIP_LIMITS } from './container.js';
import { type DecodedSession, decodeSession, readSessionManifest } from './read.js';
import { SessionFileError } from './errors.js';
import type { SessionManifest } from './manifest.js';
import type { SessionContents } from './types.js';
import { encodeSession } from './write.js';

/** A session file on disk may be at most this big (its contents expand to at most 4 GiB). */
export const MAX_SESSION_FILE_BYTES = 2 * 2 ** 30;

function readBytes(file: string, name: string): Promise<Uint8Array> {
  return readBinaryFile(file, MAX_SESSION_FILE_BYTES, 'session files', name);
}

export async function readSessionFile(file: string, name = file): Promise<DecodedSession> {
  return decodeSession(await readBytes(file, name), { fileName: name });
}

export async function readSessionFileManifest(file: string, name = file): Promise<SessionManifest> {
  const bytes = await readBytes(file, name);
  try {
    return readSessionManifest(bytes, SESSION_ZIP_LIMITS);
  } catch (e) {
    if (e instanceof SessionFileError) throw e.inFile(name);
    throw e;
  }
}

export async function writeSessionFile(file: string, contents: SessionContents, name = file): Promise<void> {
  const bytes = await encodeSession(contents);
  try {
    await writeFileAtomic(file, bytes);
  } catch (e) {
    if (e instanceof FileAccessError && name !== file) throw new FileAccessError(name, e.code, e.reason);
    throw e;
  }
}

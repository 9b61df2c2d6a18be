/**
 * The one error a session file (or a weights import through engine/io/interop) is rejected with:
 * a FormatError that names the file, the entry inside the zip (manifest.json, a blob) and, for
 * the manifest, the key path. Messages read `run.bplens: manifest.json: training.optimizer.lr: …`.
 */
import { ArrayFileError } from '../io/arrays/index.js';
import { FormatError, type PathSegment, formatPath } from '../io/format-error.js';

export class SessionFileError extends FormatError {
  constructor(
    reason: string,
    readonly entry: string | null,
    keyPath: readonly PathSegment[] = [],
    file: string | null = null,
  ) {
    super(reason, keyPath, { file });
    let message = file !== null ? `${file}: ` : '';
    if (entry !== null) message += `${entry}: `;
    if (keyPath.length > 0) message += `${formatPath(keyPath)}: `;
    this.message = message + reason;
  }

  /** The same error attributed to a file (the caller knows its name). */
  inFile(file: string): SessionFileError {
    return new SessionFileError(this.reason, this.entry, this.segments, file);
  }
}

/** A container error (zip, safetensors, npz) as the documented error type. */
export function fromArrayFileError(e: ArrayFileError, entry: string | null = null): SessionFileError {
  const reason = e.offset !== undefined ? `${e.detail} (byte ${e.offset})` : e.detail;
  return new SessionFileError(reason, e.entry ?? entry, [], e.file ?? null);
}

/** Runs `fn`, turning container errors into SessionFileErrors (other FormatErrors pass through). */
export function guardArrays<T>(fn: () => T, entry: string | null = null): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ArrayFileError) throw fromArrayFileError(e, entry);
    throw e;
  }
}

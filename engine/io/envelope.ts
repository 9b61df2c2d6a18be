/**
 * The `format` / `version` envelope every file of FORMATS.md starts with. Each format keeps a
 * reader per version it has ever had, so old files stay readable after a format gains a
 * version; writers always write the latest.
 */
import { FormatError, describeValue } from './format-error.js';
import { expectObject, requireKey } from './decode.js';

export const FORMAT_IDS = {
  weights: 'backprop-lens/weights',
  batch: 'backprop-lens/batch',
  gradients: 'backprop-lens/gradients',
} as const;

export type FileKind = keyof typeof FORMAT_IDS;
export type FormatId = (typeof FORMAT_IDS)[FileKind];

/** The version each writer produces. */
export const LATEST_VERSION: Record<FileKind, number> = { weights: 1, batch: 1, gradients: 1 };

const KIND_BY_ID = new Map<string, FileKind>(Object.entries(FORMAT_IDS).map(([k, id]) => [id, k as FileKind]));

/** Which of our formats a parsed document claims to be; null when it names none of them. */
export function claimedKind(doc: unknown): FileKind | null {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null;
  const format = (doc as Record<string, unknown>)['format'];
  return typeof format === 'string' ? (KIND_BY_ID.get(format) ?? null) : null;
}

/**
 * Checks `format` and `version` against what this build reads and returns the version.
 * `readable` lists the versions there is a reader for.
 */
export function checkEnvelope(
  doc: unknown,
  kind: FileKind,
  readable: readonly number[],
): { obj: Record<string, unknown>; version: number } {
  const obj = expectObject(doc, []);
  const expectedId = FORMAT_IDS[kind];
  if (!Object.hasOwn(obj, 'format')) {
    throw new FormatError(`missing (expected "${expectedId}": is this a Backprop Lens ${kind} file?)`, ['format']);
  }
  const format = obj['format'];
  if (format !== expectedId) {
    const other = typeof format === 'string' ? KIND_BY_ID.get(format) : undefined;
    const hint = other ? ` (this is a ${other} file, not a ${kind} file)` : '';
    throw new FormatError(`expected "${expectedId}", got ${describeValue(format)}${hint}`, ['format']);
  }
  const version = requireKey(obj, 'version', []);
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new FormatError(`expected an integer, got ${describeValue(version)}`, ['version']);
  }
  if (!readable.includes(version)) {
    const newest = Math.max(...readable);
    const reason =
      version > newest
        ? `version ${version} is newer than this build of Backprop Lens can read (it reads ${kind} files up to version ${newest}); update Backprop Lens`
        : `unknown version ${version} (this build reads versions ${readable.join(', ')})`;
    throw new FormatError(reason, ['version']);
  }
  return { obj, version };
}

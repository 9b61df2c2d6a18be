/**
 * The batch file (`backprop-lens/batch`, FORMATS.md): inputs X (n × p0) and targets Y (n × pL)
 * for scripted gradient runs (`backprop-lens grad`, `gradcheck`).
 */
import { type Matrix, toRows } from '../core/matrix.js';
import { type JsonObject, expectMatrix, requireKey, unknownKeys } from './decode.js';
import { FORMAT_IDS, LATEST_VERSION, checkEnvelope } from './envelope.js';
import { assertWritable, jsonChunks } from './json-writer.js';
import { decodeText } from './json-text.js';
import { expectFiniteJson } from './metadata.js';

export interface BatchFile {
  readonly X: Matrix;
  readonly Y: Matrix;
  readonly extra?: JsonObject;
}

const KNOWN_KEYS = ['format', 'version', 'X', 'Y'] as const;

function decodeV1(obj: Record<string, unknown>): BatchFile {
  const X = expectMatrix(requireKey(obj, 'X', []), ['X'], { minRows: 1 });
  const Y = expectMatrix(requireKey(obj, 'Y', []), ['Y'], {
    rows: { n: X.rows, why: 'one target row per sample of X' },
  });
  const extra = unknownKeys(obj, KNOWN_KEYS);
  if (extra) for (const [k, v] of Object.entries(extra)) expectFiniteJson(v, [k]);
  return extra ? { X, Y, extra } : { X, Y };
}

const READERS: Record<number, (obj: Record<string, unknown>) => BatchFile> = { 1: decodeV1 };

export function decodeBatch(doc: unknown): BatchFile {
  const { obj, version } = checkEnvelope(doc, 'batch', Object.keys(READERS).map(Number));
  return READERS[version]!(obj);
}

export function parseBatch(text: string): BatchFile {
  return decodeText(text, decodeBatch);
}

export function encodeBatch(b: BatchFile): JsonObject {
  const extra = Object.fromEntries(
    Object.entries(b.extra ?? {}).filter(([k]) => !(KNOWN_KEYS as readonly string[]).includes(k)),
  );
  const doc = {
    format: FORMAT_IDS.batch,
    version: LATEST_VERSION.batch,
    X: toRows(b.X),
    Y: toRows(b.Y),
    ...extra,
  } as JsonObject;
  assertWritable(doc);
  decodeBatch(doc);
  return doc;
}

export function batchChunks(b: BatchFile): Iterable<string> {
  return jsonChunks(encodeBatch(b));
}

export function serializeBatch(b: BatchFile): string {
  return Array.from(batchChunks(b)).join('');
}

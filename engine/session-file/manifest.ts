/**
 * manifest.json of a `.bplens` session file (docs/formats.md): what the session is (model, training
 * settings, seed, breakpoints, dataset identity, notes, view layout) and where its binary blobs are,
 * each with its size and SHA-256. Validated with zod; every error names the key path inside
 * manifest.json. Readers are kept per version, so every older version keeps opening.
 */
import { z } from 'zod';
import { breakpointSchema, modelSpecSchema, optimizerSchema } from '../protocol/common-schemas.js';
import { FormatError, type PathSegment } from '../io/format-error.js';
import { decodeWithSchema } from '../io/metadata.js';
import { type ModelSpec, ModelSpecError, validateModelSpec } from '../model/spec.js';
import { SessionFileError } from './errors.js';

export const SESSION_FORMAT = 'backprop-lens/session';
export const SESSION_VERSION = 1;
export const MANIFEST_ENTRY = 'manifest.json';

/** A loss that may have diverged: JSON has no NaN or Infinity, so those are written as strings. */
export const lossValueSchema = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
export type LossValue = z.output<typeof lossValueSchema>;

export function encodeLoss(x: number): LossValue {
  return Number.isFinite(x) ? x : Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

export function decodeLoss(v: LossValue): number {
  return typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity;
}

/** Entry names: relative, forward slashes, no `..`, no absolute paths, no backslashes or drive letters. */
const entryName = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._/-]+$/,
    'must be a relative entry name without ".." (letters, digits, . _ - /)',
  );

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lowercase hex (64 characters)');

const blobSchema = z.strictObject({ bytes: z.number().int().min(0), sha256: sha256Hex });

const breakpointEntrySchema = z.union([
  breakpointSchema,
  z.strictObject({
    kind: z.literal('loss-spike'),
    factor: z.number().gt(1),
    window: z.number().int().min(3).max(100_000).optional(),
  }),
]);

const historyStepSchema = z.strictObject({
  step: z.number().int().min(0),
  epoch: z.number().int().min(0),
  loss: lossValueSchema.nullable(),
  validationLoss: lossValueSchema.nullable(),
  /** Safetensors blob with W0, b0, … (and optimizer buffers when the step is restorable); null: stats only. */
  entry: entryName.nullable(),
});

const datasetSchema = z.strictObject({
  name: z.string().max(500),
  samples: z.number().int().min(1),
  inputs: z.number().int().min(1),
  outputs: z.number().int().min(1),
  features: z.array(z.string()).optional(),
  targets: z.array(z.string()).optional(),
  /** The data as trained on (after preprocessing): float64 X and Y in a safetensors blob. */
  embedded: z.strictObject({ entry: entryName }).optional(),
  /** Or: the file it came from, checked by hash when the session is opened. */
  file: z
    .strictObject({
      /** Relative to the session file's folder when it can be (forward slashes), else absolute. */
      path: z.string().min(1).max(4096),
      /** Where it was when saved: looked at when `path` does not lead to it. */
      absolutePath: z.string().min(1).max(4096).optional(),
      bytes: z.number().int().min(0),
      /** SHA-256 of the file's bytes. */
      sha256: sha256Hex,
      /** How it was read (reader options such as features, targets, task, delimiter), so reading it again gives the same X, Y. */
      read: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  /** SHA-256 of X then Y as float64 little-endian: the identity of the data, however it is stored. */
  sha256: sha256Hex,
});

export const manifestV1Schema = z.strictObject({
  format: z.literal(SESSION_FORMAT),
  version: z.literal(1),
  createdWith: z.strictObject({ name: z.string(), version: z.string() }),
  createdAt: z.string().max(100),
  /** Where the run came from: trained here, or recorded from an attached PyTorch loop. */
  source: z.strictObject({ kind: z.enum(['local', 'attached']), description: z.string().max(2000).optional() }),
  seed: z.number().int().min(0).max(0xffffffff),
  model: modelSpecSchema,
  training: z.strictObject({
    optimizer: optimizerSchema,
    batchSize: z.union([z.number().int().min(1), z.literal('full')]),
    validationFraction: z.number().min(0).lt(1),
    init: z.enum(['xavier', 'he', 'given']),
    historySize: z.number().int().min(0).max(100_000).optional(),
    historyBytes: z.number().int().min(0).optional(),
    /** Normalisation fitted by the session on its own training rows (the dataset blob holds the raw data). */
    normalize: z
      .strictObject({
        inputs: z.enum(['standardize', 'min-max', 'none']).optional(),
        targets: z.enum(['standardize', 'min-max', 'none']).optional(),
      })
      .optional(),
  }),
  /** Precision of the stored parameters and optimizer state (the backend's own). */
  precision: z.enum(['f64', 'f32']),
  backend: z.string().max(100),
  position: z.strictObject({ step: z.number().int().min(0), epoch: z.number().int().min(0) }),
  /** The state after `position.step` (parameters, optimizer buffers): what continuing needs. */
  state: z.strictObject({ entry: entryName, optimizerUpdates: z.number().int().min(0).nullable() }).nullable(),
  breakpoints: z.array(breakpointEntrySchema).max(1000),
  dataset: datasetSchema.nullable(),
  preprocessing: z.record(z.string(), z.unknown()).optional(),
  notes: z.string().max(1_000_000),
  /** The dashboard's layout (opaque to the engine). */
  view: z.record(z.string(), z.unknown()).optional(),
  /** Loss of every completed step (step, loss, validation loss) as float64 arrays. */
  lossCurve: z.strictObject({ entry: entryName }).nullable(),
  history: z.array(historyStepSchema).max(100_000),
  /** Present in a minimal repro: the breakpoint hit it reproduces. */
  repro: z
    .strictObject({ step: z.number().int().min(0), op: z.string().max(200), message: z.string().max(2000) })
    .optional(),
  /** Every blob of the file with its size and hash; nothing else in the zip is read. */
  blobs: z.record(entryName, blobSchema),
});

export type SessionManifest = z.output<typeof manifestV1Schema>;
export type HistoryStepInfo = z.output<typeof historyStepSchema>;
export type DatasetIdentity = z.output<typeof datasetSchema>;

const READERS: Record<number, (doc: unknown, at: readonly PathSegment[]) => SessionManifest> = {
  1: (doc, at) => decodeWithSchema(manifestV1Schema, doc, at),
};

const fail = (reason: string, at: readonly PathSegment[] = []): SessionFileError =>
  new SessionFileError(reason, MANIFEST_ENTRY, at);

/** The parsed manifest.json → the latest manifest type; SessionFileError naming manifest.json and the key. */
export function decodeManifest(doc: unknown): SessionManifest {
  try {
    return decodeManifestNow(doc);
  } catch (e) {
    if (e instanceof FormatError && !(e instanceof SessionFileError)) throw fail(e.reason, e.segments);
    throw e;
  }
}

function decodeManifestNow(doc: unknown): SessionManifest {
  const at: PathSegment[] = [];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw fail('expected a JSON object');
  const obj = doc as Record<string, unknown>;
  if (obj['format'] !== SESSION_FORMAT)
    throw fail(
      `expected "${SESSION_FORMAT}", got ${String(JSON.stringify(obj['format'])).slice(0, 60)}: not a Backprop Lens session`,
      ['format'],
    );
  const version = obj['version'];
  const reader = typeof version === 'number' ? READERS[version] : undefined;
  if (!reader) {
    const known = Object.keys(READERS).join(', ');
    throw fail(
      typeof version === 'number' && version > SESSION_VERSION
        ? `${version} was written by a newer Backprop Lens (this one reads version ${known}); update to open it`
        : `expected one of ${known}, got ${String(JSON.stringify(version))}`,
      ['version'],
    );
  }
  const manifest = reader(doc, at);
  checkReferences(manifest);
  return manifest;
}

/** Every entry the manifest points at must be listed in `blobs` (so it has a size and a hash). */
function checkReferences(m: SessionManifest): void {
  const refs: [string, PathSegment[]][] = [];
  if (m.state) refs.push([m.state.entry, ['state', 'entry']]);
  if (m.dataset?.embedded) refs.push([m.dataset.embedded.entry, ['dataset', 'embedded', 'entry']]);
  if (m.lossCurve) refs.push([m.lossCurve.entry, ['lossCurve', 'entry']]);
  m.history.forEach((h, k) => {
    if (h.entry) refs.push([h.entry, ['history', k, 'entry']]);
  });
  for (const [entry, at] of refs)
    if (!Object.hasOwn(m.blobs, entry)) throw fail(`names the entry "${entry}", which is not listed in blobs`, at);
  if (m.dataset && !m.dataset.embedded && !m.dataset.file) throw fail('needs either embedded or file', ['dataset']);
  try {
    validateModelSpec(m.model as ModelSpec);
  } catch (e) {
    if (e instanceof ModelSpecError) throw fail(e.message.slice(e.path.length + 2), e.path.split('.'));
    throw e;
  }
  if (m.dataset && (m.dataset.inputs !== m.model.inputSize || m.dataset.outputs !== m.model.layers.at(-1)!.units))
    throw fail(
      `the data has ${m.dataset.inputs} inputs and ${m.dataset.outputs} outputs, the model ${m.model.inputSize} and ${m.model.layers.at(-1)!.units}`,
      ['dataset'],
    );
}

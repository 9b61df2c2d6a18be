/**
 * Reading `.bplens` session files: nothing is trusted. The zip goes through the guarded reader
 * (entry count and expanded sizes capped while inflating, `..` and absolute names refused, CRCs
 * checked); manifest.json is validated key by key; every blob it names must be in the zip with the
 * size and SHA-256 the manifest lists; every tensor must have the shape the model needs. Nothing is
 * executed and nothing is written anywhere. Every failure is a SessionFileError naming the entry.
 */
import { type ZipLimits, isZip, readZipEntries } from '../io/arrays/index.js';
import type { Matrix } from '../core/matrix.js';
import { type BlobTensor, SESSION_ZIP_LIMITS, decodeTensors, sha256Hex } from './container.js';
import { SessionFileError, guardArrays } from './errors.js';
import { MANIFEST_ENTRY, type SessionManifest, decodeLoss, decodeManifest } from './manifest.js';
import { readStateTensors } from './state-tensors.js';
import type { LossPoint, SessionContents, SessionDataset, SessionHistoryStep } from './types.js';
import type { BreakpointCondition, OptimizerConfig } from '../train/types.js';
import type { ModelSpec } from '../model/spec.js';

export interface SessionReadOptions {
  /** How the file is named in messages. */
  readonly fileName?: string;
  /** Tighter zip caps than SESSION_ZIP_LIMITS (entries, bytes per entry and in all, once expanded). */
  readonly limits?: Partial<ZipLimits>;
}

export interface DecodedSession {
  readonly manifest: SessionManifest;
  readonly contents: SessionContents;
}

/** Opens a session file's bytes; throws SessionFileError (naming the file when fileName is given). */
export async function decodeSession(bytes: Uint8Array, options: SessionReadOptions = {}): Promise<DecodedSession> {
  try {
    return await decodeNow(bytes, { ...SESSION_ZIP_LIMITS, ...options.limits });
  } catch (e) {
    if (e instanceof SessionFileError && options.fileName !== undefined) throw e.inFile(options.fileName);
    throw e;
  }
}

/** Only the manifest (for `session info` and recent-file lists): the blobs are listed, not expanded. */
export function readSessionManifest(bytes: Uint8Array, limits: ZipLimits = SESSION_ZIP_LIMITS): SessionManifest {
  checkZip(bytes);
  const entries = guardArrays(() => readZipEntries(bytes, { ...limits, only: (name) => name === MANIFEST_ENTRY }));
  return parseManifest(entries.find((e) => e.name === MANIFEST_ENTRY)?.data);
}

function checkZip(bytes: Uint8Array): void {
  if (isZip(bytes)) return;
  const other = ourOtherFormat(bytes);
  if (other)
    throw new SessionFileError(
      `this is a backprop-lens ${other}, not a session file (session files are .bplens)`,
      null,
    );
  throw new SessionFileError('not a Backprop Lens session: it is not a zip archive', null);
}

/** Our JSON formats say what they are near their start ("format": "backprop-lens/weights"). */
const OTHER_FORMATS: Readonly<Record<string, string>> = {
  weights: 'weights file',
  gradients: 'gradients file',
  'attach-recording': 'attach recording',
  batch: 'batch file',
  'compare-report': 'compare report',
};

/** Which other backprop-lens file these bytes are, by the "format" key in their first 4 KiB. */
function ourOtherFormat(bytes: Uint8Array): string | null {
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 4096));
  const m = /^\s*\{[\s\S]*?"format"\s*:\s*"backprop-lens\/([a-z-]+)"/.exec(head);
  return m ? (OTHER_FORMATS[m[1]!] ?? null) : null;
}

function parseManifest(data: Uint8Array | undefined): SessionManifest {
  if (!data) throw new SessionFileError('is missing: this zip is not a Backprop Lens session', MANIFEST_ENTRY);
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch (e) {
    throw new SessionFileError(`is not valid JSON (${e instanceof Error ? e.message : String(e)})`, MANIFEST_ENTRY);
  }
  return decodeManifest(doc);
}

async function decodeNow(bytes: Uint8Array, limits: ZipLimits): Promise<DecodedSession> {
  checkZip(bytes);
  const manifestOnly = readSessionManifest(bytes, limits);
  const wanted = new Set(Object.keys(manifestOnly.blobs));
  const entries = guardArrays(() =>
    readZipEntries(bytes, { ...limits, only: (name) => name === MANIFEST_ENTRY || wanted.has(name) }),
  );
  const manifest = parseManifest(entries.find((e) => e.name === MANIFEST_ENTRY)?.data);
  const blobs = new Map<string, Uint8Array>();
  for (const [name, info] of Object.entries(manifest.blobs)) {
    const e = entries.find((x) => x.name === name);
    if (!e) throw new SessionFileError('is listed in manifest.json but missing from the file', name);
    if (e.data.length !== info.bytes)
      throw new SessionFileError(`has ${e.data.length} bytes, manifest.json says ${info.bytes}`, name);
    const hash = await sha256Hex(e.data);
    if (hash !== info.sha256)
      throw new SessionFileError(
        `its SHA-256 is ${hash}, manifest.json says ${info.sha256}: the file was changed or damaged`,
        name,
      );
    blobs.set(name, e.data);
  }
  const tensorsOf = (entry: string): BlobTensor[] => decodeTensors(blobs.get(entry)!, entry);
  const m = manifest;
  const model = m.model as ModelSpec;
  const optimizer = m.training.optimizer as OptimizerConfig;
  const checkPrecision = (tensors: readonly BlobTensor[], entry: string): void => {
    for (const t of tensors)
      if (t.precision !== m.precision)
        throw new SessionFileError(
          `the tensor "${t.name}" is ${t.precision}, manifest.json says the state is ${m.precision}`,
          entry,
        );
  };

  let state: SessionContents['state'] = null;
  if (m.state) {
    const tensors = tensorsOf(m.state.entry);
    checkPrecision(tensors, m.state.entry);
    const s = readStateTensors(tensors, model, optimizer, m.precision, m.state.entry, m.state.optimizerUpdates);
    state = { step: m.position.step, epoch: m.position.epoch, ...s };
  }

  const history: SessionHistoryStep[] = m.history.map((h) => {
    let parameters: SessionHistoryStep['parameters'] = null;
    let opt: SessionHistoryStep['optimizer'] = null;
    if (h.entry) {
      const tensors = tensorsOf(h.entry);
      checkPrecision(tensors, h.entry);
      const updates = historyUpdates(blobs.get(h.entry)!, h.entry, tensors);
      const s = readStateTensors(tensors, model, optimizer, m.precision, h.entry, updates);
      parameters = s.parameters;
      opt = s.optimizer;
    }
    return {
      step: h.step,
      epoch: h.epoch,
      loss: h.loss === null ? null : decodeLoss(h.loss),
      validationLoss: h.validationLoss === null ? null : decodeLoss(h.validationLoss),
      parameters,
      optimizer: opt,
    };
  });

  let lossCurve: LossPoint[] = [];
  if (m.lossCurve) lossCurve = readLossCurve(tensorsOf(m.lossCurve.entry), m.lossCurve.entry);

  let dataset: SessionDataset | null = null;
  if (m.dataset) {
    const d = m.dataset;
    let data: SessionDataset['data'] = null;
    if (d.embedded) {
      const entry = d.embedded.entry;
      const hash = manifest.blobs[entry]!.sha256;
      if (hash !== d.sha256)
        throw new SessionFileError(
          `its SHA-256 ${hash} is not the dataset's identity ${d.sha256} (dataset.sha256)`,
          entry,
        );
      data = readDataset(tensorsOf(entry), entry, d.samples, d.inputs, d.outputs);
    }
    dataset = {
      name: d.name,
      ...(d.features ? { features: d.features } : {}),
      ...(d.targets ? { targets: d.targets } : {}),
      data,
      ...(d.file ? { file: d.file } : {}),
      sha256: d.sha256,
      samples: d.samples,
    };
  }

  const contents: SessionContents = {
    createdWith: m.createdWith,
    createdAt: m.createdAt,
    source: m.source,
    seed: m.seed,
    model,
    training: { ...m.training, optimizer },
    precision: m.precision,
    backend: m.backend,
    position: m.position,
    state,
    breakpoints: m.breakpoints as BreakpointCondition[],
    dataset,
    ...(m.preprocessing ? { preprocessing: m.preprocessing } : {}),
    notes: m.notes,
    ...(m.view ? { view: m.view } : {}),
    lossCurve,
    history,
    ...(m.repro ? { repro: m.repro } : {}),
  };
  return { manifest, contents };
}

/** A history blob holds optimizer buffers exactly when its metadata gives the update count. */
function historyUpdates(bytes: Uint8Array, entry: string, tensors: readonly BlobTensor[]): number | null {
  const hasBuffers = tensors.some((t) => t.name.startsWith('optimizer.'));
  // The header's metadata is small JSON; decodeTensors already validated the layout.
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as {
    __metadata__?: Record<string, string>;
  };
  const raw = header.__metadata__?.['optimizerUpdates'];
  if (raw === undefined) {
    if (hasBuffers)
      throw new SessionFileError('holds optimizer buffers but no optimizerUpdates in its metadata', entry);
    return null;
  }
  const updates = Number(raw);
  if (!Number.isInteger(updates) || updates < 0)
    throw new SessionFileError(
      `__metadata__.optimizerUpdates: expected an integer ≥ 0, got ${JSON.stringify(raw)}`,
      entry,
    );
  return updates;
}

function vector(tensors: readonly BlobTensor[], name: string, entry: string, length?: number): ArrayLike<number> {
  const t = tensors.find((x) => x.name === name);
  if (!t) throw new SessionFileError(`the tensor "${name}" is missing`, entry);
  if (t.shape.length !== 1 || (length !== undefined && t.shape[0] !== length))
    throw new SessionFileError(
      `the tensor "${name}" has shape [${t.shape.join(', ')}], expected [${length ?? 'n'}]`,
      entry,
    );
  return t.data;
}

function readLossCurve(tensors: readonly BlobTensor[], entry: string): LossPoint[] {
  const step = vector(tensors, 'step', entry);
  const loss = vector(tensors, 'loss', entry, step.length);
  const val = vector(tensors, 'validationLoss', entry, step.length);
  return Array.from({ length: step.length }, (_, k) => {
    if (!Number.isInteger(step[k]!) || step[k]! < 0)
      throw new SessionFileError(`step[${k}] is ${step[k]}, expected an integer ≥ 0`, entry);
    const v = val[k]!;
    return { step: step[k]!, loss: loss[k]!, validationLoss: Number.isNaN(v) ? null : v };
  });
}

function readDataset(
  tensors: readonly BlobTensor[],
  entry: string,
  n: number,
  p0: number,
  pL: number,
): { X: Matrix; Y: Matrix } {
  const get = (name: string, cols: number): Matrix => {
    const t = tensors.find((x) => x.name === name);
    if (!t) throw new SessionFileError(`the tensor "${name}" is missing`, entry);
    if (t.shape.length !== 2 || t.shape[0] !== n || t.shape[1] !== cols)
      throw new SessionFileError(
        `the tensor "${name}" has shape [${t.shape.join(', ')}], manifest.json says [${n}, ${cols}]`,
        entry,
      );
    for (let k = 0; k < t.data.length; k++)
      if (!Number.isFinite(t.data[k]!))
        throw new SessionFileError(
          `the tensor "${name}" holds ${t.data[k]} at row ${Math.floor(k / cols)}, column ${k % cols}`,
          entry,
        );
    return { rows: n, cols, data: Float64Array.from(t.data) };
  };
  return { X: get('X', p0), Y: get('Y', pL) };
}

/**
 * Writing `.bplens` session files. A SessionRecorder takes the kept steps one at a time (each is
 * encoded to its safetensors blob straight away, so a long attached run is recorded without
 * holding live arrays), then `finish` adds the current state, the loss curve and the manifest and
 * returns the zip. `encodeSession` does it all at once for a local Session's contents.
 */
import { writeZip } from '../io/arrays/index.js';
import { type BlobTensor, encodeTensors, sha256Hex } from './container.js';
import {
  MANIFEST_ENTRY,
  SESSION_FORMAT,
  type AttachedStepInfo,
  type HistoryStepInfo,
  type SessionManifest,
  decodeManifest,
  encodeLoss,
} from './manifest.js';
import { stateTensors } from './state-tensors.js';
import type { LossPoint, SessionContents, SessionHistoryStep, SessionState } from './types.js';

export const STATE_ENTRY = 'state.safetensors';
export const DATASET_ENTRY = 'dataset.safetensors';
export const LOSS_CURVE_ENTRY = 'loss-curve.safetensors';

export function historyEntryName(step: number): string {
  return `history/step-${String(step).padStart(8, '0')}.safetensors`;
}

/** The dataset blob: X then Y as F64. Its SHA-256 is the dataset's identity (docs/formats.md). */
export function datasetBlob(X: { rows: number; cols: number; data: ArrayLike<number> }, Y: typeof X): Uint8Array {
  return encodeTensors([
    { name: 'X', precision: 'f64', shape: [X.rows, X.cols], data: X.data },
    { name: 'Y', precision: 'f64', shape: [Y.rows, Y.cols], data: Y.data },
  ]);
}

export type SessionHeader = Omit<SessionContents, 'position' | 'state' | 'history' | 'lossCurve'>;

export function attachedStepEntryName(step: number): string {
  return `attached/step-${String(step).padStart(8, '0')}.safetensors`;
}

/** One received step of an attached run, its tensors as sent ("A_0", "H_1", "dX_0" …, float32). */
export interface AttachedStepTensors {
  readonly step: number;
  readonly loss: number;
  /** Some tensor came decimated: kept as sent, but no gradients file can be made of it. */
  readonly decimated: boolean;
  readonly tensors: readonly BlobTensor[];
}

export interface SessionEnd {
  readonly position: { readonly step: number; readonly epoch: number };
  readonly state: SessionState | null;
  readonly lossCurve: readonly LossPoint[];
  /** Attached recordings: the newest received steps' tensors (makes the manifest version 2). */
  readonly attachedSteps?: readonly AttachedStepTensors[];
}

interface Blob {
  readonly data: Uint8Array;
  readonly sha256: string;
}

export class SessionRecorder {
  private readonly blobs = new Map<string, Blob>();
  private readonly history: HistoryStepInfo[] = [];

  constructor(private readonly header: SessionHeader) {}

  /** Steps recorded so far. */
  get steps(): number {
    return this.history.length;
  }

  private async put(entry: string, data: Uint8Array): Promise<void> {
    this.blobs.set(entry, { data, sha256: await sha256Hex(data) });
  }

  private tensorsOf(s: Pick<SessionState, 'parameters' | 'optimizer'>): BlobTensor[] {
    return stateTensors(s.parameters, s.optimizer, this.header.training.optimizer, this.header.precision);
  }

  /** Adds a kept step (steps in increasing order; parameters null = losses only). */
  async addStep(step: SessionHistoryStep): Promise<void> {
    const last = this.history.at(-1);
    if (last && step.step <= last.step)
      throw new RangeError(`history steps must increase: step ${step.step} after step ${last.step}`);
    let entry: string | null = null;
    if (step.parameters) {
      entry = historyEntryName(step.step);
      const metadata: Record<string, string> = { step: String(step.step) };
      if (step.optimizer) metadata['optimizerUpdates'] = String(step.optimizer.updates);
      const parameters = step.parameters;
      await this.put(entry, encodeTensors(this.tensorsOf({ parameters, optimizer: step.optimizer }), metadata));
    }
    this.history.push({
      step: step.step,
      epoch: step.epoch,
      loss: step.loss === null ? null : encodeLoss(step.loss),
      validationLoss: step.validationLoss === null ? null : encodeLoss(step.validationLoss),
      entry,
    });
  }

  /** The finished file: state, loss curve, dataset and manifest zipped (the manifest first). */
  async finish(end: SessionEnd): Promise<Uint8Array> {
    const h = this.header;
    if (end.state) await this.put(STATE_ENTRY, encodeTensors(this.tensorsOf(end.state)));
    if (end.lossCurve.length > 0) {
      const curve = end.lossCurve;
      await this.put(
        LOSS_CURVE_ENTRY,
        encodeTensors([
          { name: 'step', precision: 'f64', shape: [curve.length], data: curve.map((p) => p.step) },
          { name: 'loss', precision: 'f64', shape: [curve.length], data: curve.map((p) => p.loss) },
          {
            name: 'validationLoss',
            precision: 'f64',
            shape: [curve.length],
            data: curve.map((p) => p.validationLoss ?? NaN),
          },
        ]),
      );
    }
    const attached: AttachedStepInfo[] = [];
    for (const a of end.attachedSteps ?? []) {
      const entry = attachedStepEntryName(a.step);
      await this.put(entry, encodeTensors(a.tensors, { step: String(a.step), decimated: String(a.decimated) }));
      attached.push({ step: a.step, loss: encodeLoss(a.loss), decimated: a.decimated, entry });
    }
    let dataset: SessionManifest['dataset'] = null;
    if (h.dataset) {
      const d = h.dataset;
      const blob = d.data ? datasetBlob(d.data.X, d.data.Y) : null;
      const sha256 = blob ? await sha256Hex(blob) : d.sha256;
      if (sha256 === undefined) throw new RangeError('a referenced dataset needs its data or its sha256');
      const samples = d.data ? d.data.X.rows : d.samples;
      if (samples === undefined) throw new RangeError('a referenced dataset needs its data or its number of samples');
      if (blob && !d.file) await this.put(DATASET_ENTRY, blob);
      dataset = {
        name: d.name,
        samples,
        inputs: h.model.inputSize,
        outputs: h.model.layers.at(-1)!.units,
        ...(d.features ? { features: [...d.features] } : {}),
        ...(d.targets ? { targets: [...d.targets] } : {}),
        ...(d.file ? { file: { ...d.file } } : { embedded: { entry: DATASET_ENTRY } }),
        sha256,
      };
    }
    const manifest: SessionManifest = {
      format: SESSION_FORMAT,
      version: end.attachedSteps ? 2 : 1,
      createdWith: h.createdWith ?? { name: 'backprop-lens', version: 'unknown' },
      createdAt: h.createdAt ?? new Date().toISOString(),
      source: { ...h.source },
      seed: h.seed,
      model: { inputSize: h.model.inputSize, layers: h.model.layers.map((l) => ({ ...l })), loss: h.model.loss },
      training: { ...h.training },
      precision: h.precision,
      backend: h.backend,
      position: { ...end.position },
      state: end.state
        ? { entry: STATE_ENTRY, optimizerUpdates: end.state.optimizer ? end.state.optimizer.updates : null }
        : null,
      breakpoints: h.breakpoints.map((b) => ({ ...b })),
      dataset,
      ...(h.preprocessing ? { preprocessing: { ...h.preprocessing } } : {}),
      notes: h.notes,
      ...(h.view ? { view: { ...h.view } } : {}),
      lossCurve: end.lossCurve.length > 0 ? { entry: LOSS_CURVE_ENTRY } : null,
      history: this.history,
      ...(h.repro ? { repro: { ...h.repro } } : {}),
      ...(end.attachedSteps ? { attachedSteps: attached } : {}),
      blobs: Object.fromEntries([...this.blobs].map(([name, b]) => [name, { bytes: b.data.length, sha256: b.sha256 }])),
    };
    // What we write must be what we read: a bad setting fails here, not when someone opens the file.
    decodeManifest(JSON.parse(JSON.stringify(manifest)));
    const text = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
    return writeZip(
      [{ name: MANIFEST_ENTRY, data: text }, ...[...this.blobs].map(([name, b]) => ({ name, data: b.data }))],
      { compress: true },
    );
  }
}

/** The `.bplens` bytes of a session's contents. */
export async function encodeSession(c: SessionContents): Promise<Uint8Array> {
  const recorder = new SessionRecorder(c);
  for (const step of c.history) await recorder.addStep(step);
  return recorder.finish({ position: c.position, state: c.state, lossCurve: c.lossCurve });
}

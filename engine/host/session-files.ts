/**
 * The engine host's side of session files and binary weight exports: `export` of weights as
 * .npz / PyTorch .safetensors / .onnx and of the whole session as .bplens, and `open-session`
 * (the file's data becomes the host's dataset, its settings and state the new session's).
 */
import type { LabeledDataset } from '../data/types.js';
import { encodeWeightsAs } from '../io/interop/weight-formats.js';
import type { EventBody } from '../protocol/events.js';
import type { ExportKind } from '../protocol/commands.js';
import { captureSession } from '../session-file/live-session.js';
import { sha256Hex } from '../session-file/container.js';
import type { SessionContents } from '../session-file/types.js';
import { encodeSession } from '../session-file/write.js';
import { minimalRepro } from '../session-file/repro.js';
import type { Session } from '../train/session.js';
import { isRestorable } from '../train/history.js';
import type { BreakpointCondition, TrainConfig } from '../train/types.js';

const slug = (s: string): string =>
  s
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80) || 'data';

const BINARY_WEIGHTS = {
  'weights-npz': { format: 'npz', ext: 'npz', mimeType: 'application/octet-stream' },
  'weights-safetensors': { format: 'safetensors', ext: 'safetensors', mimeType: 'application/octet-stream' },
  'weights-onnx': { format: 'onnx', ext: 'onnx', mimeType: 'application/octet-stream' },
} as const;

export function isBinaryExport(what: ExportKind): what is keyof typeof BINARY_WEIGHTS | 'session' | 'repro' {
  return what === 'session' || what === 'repro' || what in BINARY_WEIGHTS;
}

export async function buildBinaryExport(
  what: keyof typeof BINARY_WEIGHTS | 'session' | 'repro',
  session: Session,
  dataset: LabeledDataset,
  extras: {
    readonly view?: Readonly<Record<string, unknown>>;
    readonly notes?: string;
    readonly appVersion?: string;
    /** `session`: refer to this data file instead of embedding the data. */
    readonly referTo?: { readonly fileName: string; readonly bytes: Uint8Array; readonly read: Readonly<Record<string, unknown>> };
  } = {},
): Promise<Omit<EventBody<'export'>, 'replyTo'>> {
  const base = `${slug(dataset.meta.name)}-step${session.position.step}`;
  if (what === 'repro') {
    // The step being debugged: the one in progress (paused inside it, e.g. at a breakpoint), else the last one.
    const pos = session.position;
    const step = pos.opIndex > 0 ? pos.step + 1 : pos.step;
    const contents = minimalRepro(session, {
      step,
      breakpoints: session.breakpoints().filter((b) => b.kind !== 'loss-spike'),
      datasetName: `${dataset.meta.name}, batch of step ${step}`,
      ...(extras.notes !== undefined ? { notes: extras.notes } : {}),
      createdWith: { name: 'backprop-lens', version: extras.appVersion ?? 'unknown' },
    });
    const bytes = await encodeSession(contents);
    return {
      type: 'export',
      what,
      fileName: `${slug(dataset.meta.name)}-repro-step${step}.bplens`,
      mimeType: 'application/zip',
      contents: '',
      bytes,
    };
  }
  if (what === 'session') {
    const contents = await captureSession(session, {
      dataset: {
        name: dataset.meta.name,
        features: dataset.meta.featureNames,
        targets: dataset.meta.targetNames,
        data: { X: dataset.X, Y: dataset.Y },
        ...(extras.referTo
          ? {
              file: {
                path: extras.referTo.fileName,
                bytes: extras.referTo.bytes.length,
                sha256: await sha256Hex(extras.referTo.bytes),
                ...(Object.keys(extras.referTo.read).length > 0 ? { read: extras.referTo.read } : {}),
              },
            }
          : {}),
      },
      ...(extras.view ? { view: extras.view } : {}),
      ...(extras.notes !== undefined ? { notes: extras.notes } : {}),
      createdWith: { name: 'backprop-lens', version: extras.appVersion ?? 'unknown' },
    });
    const bytes = await encodeSession(contents);
    return { type: 'export', what, fileName: `${base}.bplens`, mimeType: 'application/zip', contents: '', bytes };
  }
  const spec = BINARY_WEIGHTS[what];
  const fileName = `${base}-weights.${spec.ext}`;
  const preprocessing = session.preprocessing;
  const bytes = encodeWeightsAs(
    {
      model: session.config.model,
      parameters: await session.parameters(),
      ...(preprocessing ? { preprocessing: preprocessing as unknown as Record<string, never> } : {}),
    },
    spec.format,
    { fileName },
  );
  return { type: 'export', what, fileName, mimeType: spec.mimeType, contents: '', bytes };
}

/** The dataset a session file holds, as the host keeps datasets. */
export function datasetOfSession(c: SessionContents): LabeledDataset {
  const d = c.dataset;
  if (!d?.data)
    throw new RangeError('open-session: the file refers to its data instead of holding it; open that data file first');
  const classification = c.model.loss === 'cross-entropy';
  const features = d.features ?? Array.from({ length: d.data.X.cols }, (_, j) => `x${j}`);
  const targets =
    d.targets ?? Array.from({ length: d.data.Y.cols }, (_, j) => (classification ? `class ${j}` : `y${j}`));
  return {
    X: d.data.X,
    Y: d.data.Y,
    meta: {
      name: d.name,
      task: classification ? 'classification' : 'regression',
      featureNames: features,
      targetNames: targets,
      classNames: classification ? targets : null,
      preprocessing: null,
    },
  };
}

/** The session's settings as a TrainConfig (the state is installed afterwards; the history keeps the host's own size). */
export function configOfSession(c: SessionContents): TrainConfig {
  const t = c.training;
  const first = c.history.find((h) => h.step === 0 && h.parameters)?.parameters ?? c.state?.parameters;
  const f64 = (m: { rows: number; cols: number; data: ArrayLike<number> }) => ({
    rows: m.rows,
    cols: m.cols,
    data: Float64Array.from(m.data),
  });
  return {
    model: c.model,
    init:
      t.init === 'given' && first
        ? { parameters: { W: first.W.map(f64), b: first.b.map(f64) } }
        : t.init === 'he'
          ? 'he'
          : 'xavier',
    optimizer: t.optimizer,
    batchSize: t.batchSize,
    seed: c.seed,
    validationFraction: t.validationFraction,
    ...(t.normalize ? { normalize: t.normalize } : {}),
  };
}

export function sessionOpenedBody(fileName: string, c: SessionContents): Omit<EventBody<'session-opened'>, 'replyTo'> {
  const t = c.training;
  return {
    type: 'session-opened',
    fileName,
    config: {
      model: c.model,
      optimizer: t.optimizer,
      batchSize: t.batchSize,
      seed: c.seed,
      validationFraction: t.validationFraction,
      ...(t.normalize ? { normalize: t.normalize } : {}),
    },
    breakpoints: c.breakpoints,
    step: c.position.step,
    epoch: c.position.epoch,
    notes: c.notes,
    view: c.view ?? null,
    repro: c.repro ?? null,
  };
}

/**
 * Recomputes the last saved step from the kept state before it (when the file has it): training
 * is deterministic, so this gives back the same parameters and optimizer state bit for bit, plus
 * that step's matrices (A_i, H_i, G_i, ∂L/∂W_i), which a session file does not store. Breakpoints
 * are off while it runs (they fired, or not, the first time).
 */
export async function replayLastStep(
  session: Session,
  step: number,
  breakpoints: readonly BreakpointCondition[],
): Promise<boolean> {
  const before = session.history.toArray().find((e) => e.step === step - 1);
  if (step < 1 || !before || !isRestorable(before)) return false;
  session.setBreakpoints([]);
  try {
    await session.restore(step - 1);
    await session.runSteps(1);
  } finally {
    session.setBreakpoints(breakpoints);
  }
  return true;
}

/**
 * A live training Session ⇄ session-file contents. Saving takes the exact training state the way
 * time travel does (the history entry of the last completed step: parameters and optimizer
 * buffers in the backend's precision, Adam's update count); the batch schedule needs nothing
 * more, because every step's batch is derived from (seed, step) alone (engine/train/batching.ts).
 * Opening creates a Session with the saved settings and data, puts the kept steps back into its
 * history and restores the saved state, so the steps that follow are bit for bit those that
 * would have followed without saving.
 */
import type { Backend } from '../backends/backend.js';
import type { Matrix } from '../core/matrix.js';
import { type HistoryEntry, type RestorableEntry, isRestorable } from '../train/history.js';
import { Session, type SessionOptions } from '../train/session.js';
import type { TrainConfig } from '../train/types.js';
import { sha256Hex } from './container.js';
import { SessionFileError } from './errors.js';
import { datasetBlob } from './write.js';
import type { SessionContents, SessionDataset, SessionHistoryStep, SessionState } from './types.js';

export interface CaptureInfo {
  /** The data as given to Session.create (raw: the session fits its own normalisation on it again when reopened). */
  readonly dataset: Omit<SessionDataset, 'data'> & { readonly data: { readonly X: Matrix; readonly Y: Matrix } };
  /** Defaults to the session's fitted normalisation. */
  readonly preprocessing?: Readonly<Record<string, unknown>>;
  readonly notes?: string;
  readonly view?: Readonly<Record<string, unknown>>;
  readonly createdWith?: { readonly name: string; readonly version: string };
  /** How the session was initialised (a Session only knows the parameters it was given). */
  readonly init?: 'xavier' | 'he' | 'given';
}

/**
 * The contents of a session file for `session`, at its last completed step. Needs a history of at
 * least one entry (the state is read from it). A session paused in the middle of a step is saved
 * as of the start of that step.
 */
export async function captureSession(session: Session, info: CaptureInfo): Promise<SessionContents> {
  await session.recordLastStep();
  const position = session.position;
  const entries = session.history.toArray();
  const newest = entries.at(-1);
  if (!newest || newest.step !== position.step || !isRestorable(newest))
    throw new RangeError(
      position.opIndex !== 0 && session.history.capacity > 0
        ? `the session is in the middle of step ${position.step + 1} and the state before it was not recorded: finish the step (or rewind) and save again`
        : 'the session keeps no history, so its optimizer state cannot be saved: create it with historySize ≥ 1',
    );
  const config = session.config;
  const preprocessing =
    info.preprocessing ?? (session.preprocessing as unknown as Readonly<Record<string, unknown>> | null);
  const state: SessionState = {
    step: newest.step,
    epoch: newest.epoch,
    parameters: newest.parameters,
    optimizer: newest.optimizer,
  };
  const history: SessionHistoryStep[] = entries.slice(0, -1).map((e) => ({
    step: e.step,
    epoch: e.epoch,
    loss: e.loss,
    validationLoss: e.validationLoss,
    parameters: e.parameters,
    optimizer: e.optimizer,
  }));
  return {
    ...(info.createdWith ? { createdWith: info.createdWith } : {}),
    source: { kind: 'local' },
    seed: config.seed,
    model: config.model,
    training: {
      optimizer: config.optimizer,
      batchSize: config.batchSize,
      validationFraction: config.validationFraction,
      init: info.init ?? (typeof config.init === 'string' ? config.init : 'given'),
      ...(config.historySize !== undefined ? { historySize: config.historySize } : {}),
      ...(config.historyBytes !== undefined ? { historyBytes: config.historyBytes } : {}),
      ...(config.normalize ? { normalize: config.normalize } : {}),
    },
    precision: session.backend.precision,
    backend: session.backend.name,
    position: { step: newest.step, epoch: newest.epoch },
    state,
    breakpoints: session.breakpoints(),
    dataset: info.dataset,
    ...(preprocessing ? { preprocessing } : {}),
    notes: info.notes ?? '',
    ...(info.view ? { view: info.view } : {}),
    lossCurve: session.lossCurve().filter((p) => p.step <= newest.step),
    history,
  };
}

export interface OpenOptions extends SessionOptions {
  /** The data, when the file only references it (checked against the file's dataset identity by the caller). */
  readonly data?: { readonly X: Matrix; readonly Y: Matrix };
  /** Override the saved history size (e.g. 0 for a headless run). */
  readonly historySize?: number;
}

/** A Session continuing exactly where the saved one stopped (same settings, data, state, kept steps). */
export async function openSession(c: SessionContents, backend: Backend, options: OpenOptions = {}): Promise<Session> {
  const data = options.data ?? c.dataset?.data ?? null;
  if (!data)
    throw new SessionFileError(
      c.dataset?.file
        ? `the data is not in the file: it refers to ${c.dataset.file.path}; open that file alongside`
        : 'the session holds no dataset, so it cannot continue training',
      'manifest.json',
      ['dataset'],
    );
  if (!c.state)
    throw new SessionFileError('the session holds no training state to continue from', 'manifest.json', ['state']);
  if (options.data && c.dataset?.sha256) await checkDatasetIdentity(c.dataset.sha256, options.data);
  const firstKept = c.history.find((h) => h.step === 0 && h.parameters);
  const init: TrainConfig['init'] =
    c.training.init === 'given'
      ? { parameters: float64Parameters(firstKept?.parameters ?? c.state.parameters) }
      : c.training.init;
  const historySize = options.historySize ?? c.training.historySize;
  const config: TrainConfig = {
    model: c.model,
    init,
    optimizer: c.training.optimizer,
    batchSize: c.training.batchSize,
    seed: c.seed,
    validationFraction: c.training.validationFraction,
    ...(historySize !== undefined ? { historySize } : {}),
    ...(c.training.historyBytes !== undefined ? { historyBytes: c.training.historyBytes } : {}),
    ...(c.training.normalize ? { normalize: c.training.normalize } : {}),
  };
  const { data: _ignored, historySize: _h, ...sessionOptions } = options;
  const session = await Session.create(config, data, backend, {
    breakpoints: c.breakpoints,
    ...sessionOptions,
  });
  await installSessionState(session, c);
  return session;
}

/**
 * Puts a saved session's kept steps into a fresh Session's history and restores its saved state:
 * what openSession does after Session.create (the engine host creates its sessions itself).
 */
export async function installSessionState(session: Session, c: SessionContents): Promise<void> {
  const state = c.state;
  if (!state)
    throw new SessionFileError('the session holds no training state to continue from', 'manifest.json', ['state']);
  // Kept steps go back into the history so time travel reaches them; restore() then installs the
  // saved state as the newest entry (dropping anything at or after its step).
  session.history.clear();
  for (const h of c.history) {
    if (h.step >= state.step) continue;
    session.history.push(historyEntry(h));
  }
  const current: RestorableEntry = {
    step: state.step,
    epoch: state.epoch,
    loss: c.lossCurve.find((p) => p.step === state.step)?.loss ?? null,
    validationLoss: c.lossCurve.find((p) => p.step === state.step)?.validationLoss ?? null,
    parameters: state.parameters,
    optimizer: state.optimizer ?? { updates: 0, buffers: [] },
    layers: [],
    matrices: {},
  };
  if (!state.optimizer && c.training.optimizer.kind === 'adam')
    throw new SessionFileError(
      'the state has no optimizer buffers, which Adam needs to continue exactly',
      'manifest.json',
      ['state'],
    );
  if (!state.optimizer && c.training.optimizer.kind === 'sgd' && c.training.optimizer.momentum > 0)
    throw new SessionFileError(
      'the state has no momentum buffers, which SGD with momentum needs to continue exactly',
      'manifest.json',
      ['state'],
    );
  const emptyBuffers = { updates: state.step, buffers: state.parameters.W.flatMap(() => [[], []]) };
  await session.restore(state.optimizer ? current : { ...current, optimizer: emptyBuffers });
  // The losses before the saved step: the loss-spike breakpoint's window and the loss curve.
  session.restoreLossCurve(c.lossCurve.filter((p) => p.step >= 1 && p.step <= state.step));
}

/**
 * Data given for a session that references its dataset must be the data it was saved with: the
 * SHA-256 of its dataset blob (X then Y, F64) is the identity the manifest keeps.
 */
export async function checkDatasetIdentity(
  sha256: string,
  data: { readonly X: Matrix; readonly Y: Matrix },
): Promise<void> {
  const got = await sha256Hex(datasetBlob(data.X, data.Y));
  if (got !== sha256)
    throw new SessionFileError(
      `the data given is not the data the session was saved with (its identity is ${got}, dataset.sha256 is ${sha256})`,
      'manifest.json',
      ['dataset', 'sha256'],
    );
}

function historyEntry(h: SessionHistoryStep): HistoryEntry {
  return {
    step: h.step,
    epoch: h.epoch,
    loss: h.loss,
    validationLoss: h.validationLoss,
    parameters: h.parameters,
    optimizer: h.optimizer,
    layers: [],
    matrices: {},
  };
}

function float64Parameters(p: NonNullable<SessionHistoryStep['parameters']>): { W: Matrix[]; b: Matrix[] } {
  const f64 = (m: { rows: number; cols: number; data: ArrayLike<number> }): Matrix => ({
    rows: m.rows,
    cols: m.cols,
    data: Float64Array.from(m.data),
  });
  return { W: p.W.map(f64), b: p.b.map(f64) };
}

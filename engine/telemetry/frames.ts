/**
 * The stream frame, the last part of the telemetry stage (train → telemetry → host → port):
 * streaming frames (latest stats, every loss since the last frame thinned with extremes kept, the
 * selected matrices decimated), frames replayed from the history, and the operand/result matrices
 * of one op for the stepper. It reads a training session through the narrow FrameSource (and a
 * history entry through RecordedStep), so telemetry needs nothing from train.
 */
import type { FloatArray, Matrix } from '../core/matrix.js';
import type { MatrixSelection } from '../protocol/commands.js';
import type { EventOf, LossPoint } from '../protocol/events.js';
import { decimate, MATRIX_NAMES } from '../protocol/matrix-payload.js';
import type { MatrixName, MatrixPayload } from '../protocol/matrix-payload.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import type { DecimatedMatrix } from './decimate.js';
import { redecimate } from './decimate.js';
import { thinSeries } from './series.js';
import type { LayerStats } from './types.js';

/** What a frame reads of a training session (engine/train's Session is one). */
export interface FrameSource {
  summary(): {
    readonly step: number;
    readonly epoch: number;
    readonly loss: number;
    readonly validationLoss: number | null;
    readonly layers: readonly LayerStats[];
  } | null;
  lossCurve(): readonly LossPoint[];
  /** A host read of a matrix of the current (or last) step, in the backend's precision; never modified. */
  getMatrixRaw(index: number, name: MatrixName): Promise<Matrix<FloatArray> | null>;
  readonly config: { readonly model: { readonly layers: readonly unknown[] }; readonly batchSize: number | 'full' };
  readonly trainRows: ArrayLike<number>;
}

/** A recorded step as the history keeps it (engine/train/history.ts's HistoryEntry is one). */
export interface RecordedStep {
  readonly step: number;
  readonly epoch: number;
  readonly loss: number | null;
  readonly validationLoss: number | null;
  readonly layers: readonly LayerStats[];
  /** Full-precision W_i, b_i while kept; null once thinned. */
  readonly parameters: { readonly W: readonly Matrix<FloatArray>[]; readonly b: readonly Matrix<FloatArray>[] } | null;
  /** Decimated copies keyed "A_1", "H_0", "W_0", … (recorder.ts). */
  readonly matrices: Readonly<Record<string, DecimatedMatrix>>;
}

/** An op of a training step, as far as the stepper's matrices go. */
export interface OpLike {
  readonly kind: 'forward' | 'loss' | 'backward' | 'update';
  readonly layer: number | null;
}

export const MAX_LOSS_POINTS_PER_FRAME = 1000;

export interface TelemetrySettings {
  matrices: MatrixSelection;
  histograms: boolean;
  maxSize: number;
  /** Largest fraction of the engine's time that streaming frames may take. */
  budget: number;
}

export const DEFAULT_SELECTION: MatrixSelection = { names: [...MATRIX_NAMES] };

/** (name, subscript) pairs the selection asks for, for a model with L layers (A runs to L). */
export function selectedMatrices(sel: MatrixSelection, L: number): { name: MatrixName; layer: number }[] {
  const out: { name: MatrixName; layer: number }[] = [];
  for (const name of sel.names) {
    const last = name === 'A' ? L : L - 1;
    const layers = sel.layers ?? Array.from({ length: last + 1 }, (_, i) => i);
    for (const layer of layers) if (layer <= last) out.push({ name, layer });
  }
  return out;
}

/**
 * At most `max` points, always keeping the newest, and per bucket the extremes and non-finite
 * values of the loss and of the validation loss (series.ts): a spike or a NaN is never thinned away.
 */
export function thinLosses(points: readonly LossPoint[], max = MAX_LOSS_POINTS_PER_FRAME): LossPoint[] {
  return thinSeries(
    points,
    max,
    (p) => p.loss,
    (p) => p.validationLoss,
  );
}

/** Loss points with step > afterStep (the log is ordered by step). */
export function lossesAfter(log: readonly LossPoint[], afterStep: number): LossPoint[] {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (log[mid]!.step <= afterStep) lo = mid + 1;
    else hi = mid;
  }
  return log.slice(lo);
}

function withoutHistograms(layers: readonly LayerStats[]): LayerStats[] {
  return layers.map((l) => {
    const { histograms: _h, ...rest } = l;
    return rest;
  });
}

/** Full batch: A_0 (the training set) never changes, so its decimated payload is made once per session and size. */
const constantBatch = new WeakMap<FrameSource, { maxSize: number; payload: MatrixPayload }>();

function isFullBatch(session: FrameSource): boolean {
  const b = session.config.batchSize;
  return b === 'full' || b >= session.trainRows.length;
}

/** Reads and decimates the selected matrices of the session's current (or last) step. */
export async function readMatrices(
  session: FrameSource,
  wanted: readonly { name: MatrixName; layer: number }[],
  maxSize: number,
): Promise<MatrixPayload[]> {
  const cachedA0 = isFullBatch(session) ? constantBatch.get(session) : undefined;
  const useCache = (w: { name: MatrixName; layer: number }): boolean =>
    w.name === 'A' && w.layer === 0 && cachedA0 !== undefined && cachedA0.maxSize === maxSize;
  // Raw reads: decimation copies into the Float32 payload anyway, so no float64 copy is made first.
  const reads = await Promise.all(wanted.map((w) => (useCache(w) ? null : session.getMatrixRaw(w.layer, w.name))));
  const out: MatrixPayload[] = [];
  reads.forEach((m: Matrix<FloatArray> | null, k) => {
    const w = wanted[k]!;
    if (useCache(w)) {
      // A copy: the payload's buffer is transferred (detached) when the frame is posted.
      const p = cachedA0!.payload;
      out.push({ ...p, data: p.data.slice() });
      return;
    }
    if (!m) return;
    const p = decimate(m, w.layer, w.name, maxSize);
    if (w.name === 'A' && w.layer === 0 && isFullBatch(session))
      constantBatch.set(session, { maxSize, payload: { ...p, data: p.data.slice() } });
    out.push(p);
  });
  return out;
}

export interface LiveFrameInput {
  readonly seq: number;
  readonly dropped: number;
  readonly afterStep: number;
  readonly stepsPerSecond: number;
  /** Matrices to include beyond the selection (e.g. the one a breakpoint hit refers to). */
  readonly extra?: readonly { name: MatrixName; layer: number }[];
}

/** A streaming frame; null before the first completed step (nothing to show yet). */
export async function buildLiveFrame(
  session: FrameSource,
  settings: TelemetrySettings,
  input: LiveFrameInput,
): Promise<EventOf<'frame'> | null> {
  const summary = session.summary();
  if (!summary) return null;
  const L = session.config.model.layers.length;
  const wanted = selectedMatrices(settings.matrices, L);
  for (const e of input.extra ?? []) if (!wanted.some((w) => w.name === e.name && w.layer === e.layer)) wanted.push(e);
  const matrices = await readMatrices(session, wanted, settings.maxSize);
  return {
    v: PROTOCOL_VERSION,
    type: 'frame',
    seq: input.seq,
    step: summary.step,
    epoch: summary.epoch,
    loss: summary.loss,
    validationLoss: summary.validationLoss,
    stepsPerSecond: input.stepsPerSecond,
    dropped: input.dropped,
    losses: thinLosses(lossesAfter(session.lossCurve(), input.afterStep)),
    layers: settings.histograms ? summary.layers : withoutHistograms(summary.layers),
    matrices,
    historical: false,
  };
}

/**
 * A history entry's copy of a matrix, as a payload: W and b at full resolution while the entry
 * keeps its parameters, everything else (and W, b of a thinned entry) from the decimated copies,
 * whose block sizes and range describe the source exactly (one decimator, uniform blocks).
 */
export function historyPayload(entry: RecordedStep, name: MatrixName, layer: number): MatrixPayload | null {
  if ((name === 'W' || name === 'b') && entry.parameters) {
    const m = (name === 'W' ? entry.parameters.W : entry.parameters.b)[layer];
    return m ? decimate(m, layer, name, Number.MAX_SAFE_INTEGER) : null;
  }
  // A thinned entry (history byte budget) shows W and b from its decimated copies, like the rest.
  const d = entry.matrices[`${name}_${layer}`];
  // A copy: the payload's buffer is transferred (detached) when posted, the history keeps its own.
  return d ? { layer, name, ...d, data: d.data.slice() } : null;
}

/**
 * A frame replayed from a history entry. The history does not keep A_0 (the batch X, the same
 * values as the dataset's rows); `batchX` supplies it, recomputed from the step's batch schedule.
 */
export function buildHistoryFrame(
  entry: RecordedStep,
  settings: TelemetrySettings,
  L: number,
  replyTo: number | undefined,
  batchX?: () => Matrix | null,
): EventOf<'frame'> {
  const matrices: MatrixPayload[] = [];
  for (const w of selectedMatrices(settings.matrices, L)) {
    if (w.name === 'A' && w.layer === 0) {
      const X = batchX?.();
      if (X) matrices.push(decimate(X, 0, 'A', settings.maxSize));
      continue;
    }
    const p = historyPayload(entry, w.name, w.layer);
    if (p)
      matrices.push(
        p.rows > settings.maxSize || p.cols > settings.maxSize
          ? { layer: p.layer, name: p.name, ...redecimate(p, settings.maxSize) }
          : p,
      );
  }
  const frame: EventOf<'frame'> = {
    v: PROTOCOL_VERSION,
    type: 'frame',
    seq: -1,
    step: entry.step,
    epoch: entry.epoch,
    loss: entry.loss ?? NaN,
    validationLoss: entry.validationLoss,
    stepsPerSecond: 0,
    dropped: 0,
    losses: entry.loss === null ? [] : [{ step: entry.step, loss: entry.loss, validationLoss: entry.validationLoss }],
    layers: settings.histograms ? entry.layers : withoutHistograms(entry.layers),
    matrices,
    historical: true,
  };
  return replyTo === undefined ? frame : { ...frame, replyTo };
}

/** The operands and results of one op, for the stepper (names follow FORMATS.md). */
export function opOperands(op: OpLike, L: number): { name: MatrixName; layer: number }[] {
  switch (op.kind) {
    case 'forward': {
      const i = op.layer!;
      return [
        { name: 'A', layer: i },
        { name: 'W', layer: i },
        { name: 'b', layer: i },
        { name: 'H', layer: i },
        { name: 'A', layer: i + 1 },
      ];
    }
    case 'loss':
      return [
        { name: 'H', layer: L - 1 },
        { name: 'A', layer: L },
        { name: 'G', layer: L - 1 },
      ];
    case 'backward': {
      const i = op.layer!;
      const out: { name: MatrixName; layer: number }[] = [
        { name: 'A', layer: i },
        { name: 'G', layer: i },
        { name: 'W', layer: i },
        { name: 'dW', layer: i },
        { name: 'db', layer: i },
      ];
      if (i > 0) out.push({ name: 'H', layer: i - 1 }, { name: 'G', layer: i - 1 });
      return out;
    }
    case 'update': {
      const out: { name: MatrixName; layer: number }[] = [];
      for (let i = 0; i < L; i++)
        out.push({ name: 'dW', layer: i }, { name: 'db', layer: i }, { name: 'W', layer: i }, { name: 'b', layer: i });
      return out;
    }
  }
}

/**
 * Typed builders of the engine events, matrices and commands that renderer tests play and expect.
 * Each returns exactly the protocol's type (engine/protocol), with defaults a test may override,
 * so a test never casts an object literal into an event: a field the protocol renames or adds
 * breaks the tests that build it at compile time instead of letting them pass on a stale shape.
 */
import {
  COMMAND_TYPES,
  PROTOCOL_VERSION,
  type BackendInfo,
  type Checkpoint,
  type ColumnStats,
  type CommandType,
  type EngineEvent,
  type EventOf,
  type EventType,
  type LayerStats,
  type LossPoint,
  type MatrixName,
  type MatrixPayload,
  type OpKind,
  type OpRef,
  type SampleMatrix,
} from '../../../engine/protocol/index.js';
import type { CommandBody } from '../services/engine-link.js';

/** An event as a test plays it: the envelope's `v` is added by the fake link. One member per event type. */
export type EventBody<T extends EventType = EventType> = T extends EventType ? Omit<EventOf<T>, 'v'> : never;

/** Any event, given every field but the envelope. */
export function event<T extends EventType>(type: T, fields: Omit<EventOf<T>, 'v' | 'type'>): EventBody<T> {
  return { type, ...fields } as unknown as EventBody<T>; // the spread of a generic Omit is not narrowed by TypeScript; the parameter type is the check
}

/** The event as the engine sends it (with the envelope's `v`), for code that reads events off the wire. */
export function envelope(body: EventBody): EngineEvent {
  return { v: PROTOCOL_VERSION, ...body };
}

/** Any command as the dashboard sends it (the link adds `v` and `id`). */
export function command<T extends CommandType>(body: CommandBody<T>): CommandBody<T> {
  return body;
}

export const cpuF64: BackendInfo = { name: 'cpu-f64', precision: 'f64', adapter: null, fallbackReason: null };
export const cpuF32: BackendInfo = { name: 'cpu-f32', precision: 'f32', adapter: null, fallbackReason: null };

/** `ready` from an engine offering `commands` (default: every command this protocol has). */
export function readyEvent(over: Partial<Omit<EventOf<'ready'>, 'v' | 'type'>> = {}): EventBody<'ready'> {
  return event('ready', { protocol: 1, backend: cpuF64, commands: COMMAND_TYPES, telemetry: { frameRate: 20, maxSize: 256, window: 2 }, ...over });
}

export function stateEvent(over: Partial<Omit<EventOf<'state'>, 'v' | 'type'>> = {}): EventBody<'state'> {
  return event('state', { state: 'paused', step: 0, epoch: 0, nextOp: null, reason: 'command', ...over });
}

/** An undecimated matrix payload filled with one value (or the given data). */
export function matrixPayload(name: MatrixName, layer: number, rows: number, cols: number, fill: number | Float32Array = 0): MatrixPayload {
  const data = typeof fill === 'number' ? new Float32Array(rows * cols).fill(fill) : fill;
  if (data.length !== rows * cols) throw new RangeError(`matrixPayload: ${data.length} values for ${rows}×${cols}`);
  let min = Infinity;
  let max = -Infinity;
  let nonFinite = 0;
  for (const x of data) {
    if (!Number.isFinite(x)) nonFinite++;
    else {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
  }
  return { layer, name, rows, cols, sourceRows: rows, sourceCols: cols, blockRows: 1, blockCols: 1, data, min: min <= max ? min : null, max: min <= max ? max : null, nonFinite };
}

export function layerStats(over: Partial<LayerStats> = {}): LayerStats {
  return { layer: 0, normG: 0.5, normW: 2, normDW: 0.25, normDb: 0.1, gradToWeight: 0.125, minA: -1, maxA: 1, nonFinite: 0, saturatedFraction: 0, deadFraction: null, ...over };
}

/** A live frame of `step` with its one loss point (validation 1.1 × loss), layer 0's statistics and W_0 filled with the step. */
export function frameEvent(seq: number, step: number, loss: number, over: Partial<Omit<EventOf<'frame'>, 'v' | 'type'>> = {}): EventBody<'frame'> {
  const losses: LossPoint[] = [{ step, loss, validationLoss: loss * 1.1 }];
  return event('frame', {
    seq, step, epoch: 0, loss, validationLoss: loss * 1.1, stepsPerSecond: 100, dropped: 0, losses,
    layers: [layerStats()], matrices: [matrixPayload('W', 0, 2, 3, step)], historical: false, ...over,
  });
}

/** A preview sample of X or Y: `rows` rows spread over `sourceRows` (row k is dataset row k · step). */
export function sampleMatrix(name: 'X' | 'Y', rows: number, cols: number, sourceRows: number, data?: Float32Array): SampleMatrix {
  const values = data ?? new Float32Array(rows * cols);
  const step = Math.max(1, Math.floor(sourceRows / Math.max(1, rows)));
  return { name, rows, cols, sourceRows, sourceCols: cols, data: values, rowIndex: Int32Array.from({ length: rows }, (_, k) => k * step), min: 0, max: 1, nonFinite: 0 };
}

export function columnStats(name: string, missing = 0): ColumnStats {
  return { name, min: 0, max: 1, mean: 0.5, std: 0.5, missing };
}

/**
 * `dataset-loaded` for a classification set with the given feature and class names, its preview
 * sampling `previewRows` rows (zeros unless `over.preview` says otherwise).
 */
export function datasetLoaded(
  name: string,
  featureNames: readonly string[],
  classNames: readonly string[],
  over: Partial<Omit<EventOf<'dataset-loaded'>, 'v' | 'type'>> = {},
  samples = 100,
  previewRows = 4,
): EventBody<'dataset-loaded'> {
  return event('dataset-loaded', {
    name, samples, inputSize: featureNames.length, outputSize: classNames.length, featureNames, targetNames: classNames, classNames,
    preview: {
      task: 'classification', image: null,
      X: sampleMatrix('X', previewRows, featureNames.length, samples), Y: sampleMatrix('Y', previewRows, classNames.length, samples),
      featureStats: featureNames.map((n) => columnStats(n)), targetStats: classNames.map((n) => columnStats(n)), classCounts: classNames.map(() => samples / classNames.length),
    },
    ...over,
  });
}

/** `configure` for a 2-input, 1-output linear model trained with SGD at `lr`. */
export function configureCommand(lr = 0.5): CommandBody<'configure'> {
  return { type: 'configure', config: { model: { inputSize: 2, layers: [{ units: 1, activation: 'identity' }], loss: 'mse' }, optimizer: { kind: 'sgd', lr } } };
}

/** A checkpoint at `step` of a model with no layers' worth of parameters (what the recovery code stores, not what it means). */
export function checkpointAt(step: number): Checkpoint {
  return { step, epoch: step, parameters: { W: [], b: [] }, optimizer: null };
}

export function opRef(index: number, kind: OpKind, layer: number | null): OpRef {
  return { index, kind, layer, label: `${kind} ${layer ?? ''}`, equation: 'H_0 = A_0 W_0 + 1 b_0' };
}

export function errorEvent(over: Partial<Omit<EventOf<'error'>, 'v' | 'type'>> = {}): EventBody<'error'> {
  return event('error', { code: 'invalid-state', message: 'refused', path: null, command: null, fatal: false, ...over });
}

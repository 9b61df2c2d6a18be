/**
 * Events: engine → dashboard. Plain TypeScript shapes (the engine produces them, so they are
 * correct by construction); the dashboard side checks the envelope (`v`, a known `type`) before
 * dispatching, see `parseEvent`. Matrices travel as typed arrays whose buffers are transferred.
 *
 * Envelope: `{ v: PROTOCOL_VERSION, type: '…', replyTo?: number, …fields }`; `replyTo` is the
 * `id` of the command being answered.
 */
import type { FloatArray } from '../core/matrix.js';
import type { BackendName } from '../backends/backend.js';
import type { BreakpointCondition, BreakpointHit, NormalizationConfig, OpRef, OptimizerConfig } from '../train/types.js';
import type { LayerStats } from '../telemetry/types.js';
import type { ModelSpec } from '../model/spec.js';
import type { CommandType, Checkpoint, ExportKind } from './commands.js';
import type { MatrixPayload } from './matrix-payload.js';
import type { Preprocessing } from '../data/preprocessing.js';
import type { LoadInference } from '../data/types.js';
import { PROTOCOL_VERSION } from './version.js';
import type { ProtocolVersion } from './version.js';

export interface BackendInfo {
  readonly name: BackendName;
  readonly precision: 'f64' | 'f32';
  /** The GPU adapter's description for webgpu-f32 (vendor, architecture, device); null on CPU. */
  readonly adapter: string | null;
  /** Why WebGPU was not used (e.g. "navigator.gpu is missing", "no WebGPU adapter", a software adapter); null when it was, or when size alone decided. */
  readonly fallbackReason: string | null;
  /** One sentence: why this backend (the user's choice, the network's size, what exists). */
  readonly reason?: string;
  /** How it runs, in `configured` (cpu-f32: e.g. "wasm-simd kernels, 2 threads"; one thread when the page is not cross-origin isolated). */
  readonly detail?: string;
  /** Set when the "engine" is a user's own PyTorch loop attached to the app (engine/attach): the badge shows it. */
  readonly attached?: AttachedProcess;
  /** Where a PyTorch script attaches (`tcp://127.0.0.1:PORT?token=…`), shown with a copy button. */
  readonly attachAddress?: string;
}

/** The process of an attached run, as its client announced it. */
export interface AttachedProcess {
  readonly pid: number;
  readonly host: string;
  readonly torch: string;
  readonly python: string;
}

import type { EventBase as Base } from './event-base.js';
export type {
  BackendComparisonEvent,
  BackendDiff,
  BackendLayerComparison,
  ClassMetricsPayload,
  CompareQuantityValues,
  CompareResultEvent,
  GradcheckLayer,
  GradcheckParam,
  GradcheckResultEvent,
  MetricsEvent,
} from './analysis-events.js';
import type {
  BackendComparisonEvent,
  CompareResultEvent,
  GradcheckResultEvent,
  MetricsEvent,
} from './analysis-events.js';

export interface ReadyEvent extends Base {
  readonly type: 'ready';
  readonly protocol: ProtocolVersion;
  readonly backend: BackendInfo;
  /** The commands this engine understands. */
  readonly commands: readonly CommandType[];
  readonly telemetry: {
    readonly frameRate: number;
    readonly maxSize: number;
    readonly window: number;
    /** How stats, histograms and pooling of float32 matrices run: WebAssembly SIMD, or JS where the host has none. */
    readonly kernels?: 'wasm-simd' | 'js';
  };
}

export interface DatasetLoadedEvent extends Base {
  readonly type: 'dataset-loaded';
  readonly name: string;
  readonly samples: number;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly featureNames: readonly string[];
  readonly targetNames: readonly string[];
  /** Class names when targets are one-hot class labels; null for regression. */
  readonly classNames: readonly string[] | null;
  /** A sample of the data and per-column statistics, for the Data view. */
  readonly preview: DatasetPreview;
  /** For a file: how it was read (delimiter, header, encoding, task and why, notices). */
  readonly inferred?: LoadInference;
}

/** Per-column statistics of the full dataset as loaded (before the training configuration's normalisation). */
export interface ColumnStats {
  readonly name: string;
  /** Over the finite values; null when the column has none. */
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /** Population standard deviation. */
  readonly std: number | null;
  /** Non-finite cells (NaN, ±Infinity): missing or unparseable values the loader let through. */
  readonly missing: number;
}

/**
 * A row sample of a dataset matrix (X or Y): `rowIndex[k]` is the dataset row of sampled row k.
 * Rows are picked evenly across the dataset (every ⌈n/1000⌉-th), never pooled; min/max/nonFinite
 * are of the full matrix.
 */
export interface SampleMatrix {
  readonly name: 'X' | 'Y';
  readonly rows: number;
  readonly cols: number;
  readonly sourceRows: number;
  readonly sourceCols: number;
  readonly data: Float32Array;
  readonly rowIndex: Int32Array;
  readonly min: number | null;
  readonly max: number | null;
  readonly nonFinite: number;
}

export interface DatasetPreview {
  readonly task: 'regression' | 'classification';
  /** Image sets: each X row is a row-major width × height image. */
  readonly image: { readonly width: number; readonly height: number } | null;
  readonly X: SampleMatrix;
  readonly Y: SampleMatrix;
  /** One entry per column of X (named as featureNames) and of Y (targetNames). */
  readonly featureStats: readonly ColumnStats[];
  readonly targetStats: readonly ColumnStats[];
  /** Classification: samples per class (argmax of the one-hot rows), in classNames order; null for regression. */
  readonly classCounts: readonly number[] | null;
}

export interface LayerShape {
  readonly layer: number;
  readonly W: readonly [number, number];
  readonly b: readonly [number, number];
}

export interface ConfiguredEvent extends Base {
  readonly type: 'configured';
  readonly parameterCount: number;
  readonly shapes: readonly LayerShape[];
  /** The ops of one training step, in order, each with its equation. */
  readonly ops: readonly OpRef[];
  readonly trainSize: number;
  readonly validationSize: number;
  readonly backend: BackendInfo;
  /**
   * The normalisation the session fitted on its training rows (configure's `normalize`); null when
   * it trains on the data as loaded. `predict` applies it itself; a forward pass over streamed
   * weights must apply `inputs` to raw X first (x' = (x − offset) / scale).
   */
  readonly preprocessing: Preprocessing | null;
  /** The model itself, when it is not the dashboard's own: an attached PyTorch run's layers (engine/attach). */
  readonly model?: ModelSpec;
}

export type RunState = 'empty' | 'idle' | 'running' | 'paused';
export type StateReason =
  'command' | 'breakpoint' | 'max-steps' | 'error' | 'configured' | 'reset' | 'restored' | 'rewound' | 'loaded';

export interface StateEvent extends Base {
  readonly type: 'state';
  /** empty: no dataset or model yet; idle: configured, step 0 not run; paused/running. */
  readonly state: RunState;
  readonly step: number;
  readonly epoch: number;
  /** The op `step-op` would run next; null at a step boundary (the next op is the first of a new step). */
  readonly nextOp: OpRef | null;
  readonly reason: StateReason;
}

export interface ProgressEvent extends Base {
  readonly type: 'progress';
  readonly task: 'load-dataset' | 'gradcheck' | 'export' | 'step';
  readonly done: number;
  readonly total: number;
  readonly message: string;
}

/** A layer's statistics in a frame; `histograms` (32 bins of A_{i+1}, G_i, W_i, ∂L/∂W_i) unless switched off with set-telemetry. */
export type LayerFrame = LayerStats;
export type { Histogram, LayerHistograms } from '../telemetry/types.js';

export interface LossPoint {
  readonly step: number;
  readonly loss: number;
  readonly validationLoss: number | null;
}

/**
 * Statistics of one module of an attached PyTorch model that is not a Sequential of Linear +
 * activations (attach mode, docs/attach.md): the app has no FORMATS layers for it, only these.
 * NaN/Inf in the module's output or gradient are counted (outNonFinite, gradNonFinite); outNorm and
 * the range are of the finite outputs, gradNorm is NaN/Infinity when a gradient value was.
 */
export interface ModuleFrame {
  /** The module's qualified name in the user's model ("encoder.0"), its class ("Linear"). */
  readonly name: string;
  readonly type: string;
  readonly outNorm: number;
  /** Range of the finite output values; null when none was finite. */
  readonly outMin: number | null;
  readonly outMax: number | null;
  readonly outNonFinite: number;
  /** Fraction of outputs in a flat region (tanh/sigmoid-like modules); null for others. */
  readonly saturated: number | null;
  /** Fraction of output features 0 for every sample (ReLU-like); null for others. */
  readonly dead: number | null;
  /** ‖∂L/∂parameters‖ of the module; null for a module without parameters. */
  readonly gradNorm: number | null;
  readonly gradNonFinite: number;
  readonly weightNorm: number | null;
}

/**
 * One tensor of the module watched with `watch-module` (attach mode), 2-D: the output as samples ×
 * features, a parameter or its gradient (a vector as one row). Decimated like a frame's matrices
 * (each cell the largest-magnitude value of its block; NaN wins) when rows < sourceRows.
 */
export interface ModuleTensorFrame {
  readonly module: string;
  /** "output", a parameter's name ("weight"), or its gradient ("weight.grad"). */
  readonly label: string;
  readonly rows: number;
  readonly cols: number;
  readonly sourceRows: number;
  readonly sourceCols: number;
  readonly data: Float32Array;
}

export interface FrameEvent extends Base {
  readonly type: 'frame';
  /** Increases by one per frame sent; acknowledge with `{type:'ack', seq}`. */
  readonly seq: number;
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
  readonly validationLoss: number | null;
  /** Training throughput over the last second. */
  readonly stepsPerSecond: number;
  /** Frames skipped since the previous one because the consumer had no credit left. */
  readonly dropped: number;
  /** Every step's loss since the previous frame (so loss curves stay complete when frames drop); capped, evenly thinned. */
  readonly losses: readonly LossPoint[];
  readonly layers: readonly LayerFrame[];
  readonly matrices: readonly MatrixPayload[];
  /** True for a frame replayed from the history (`request-frame` with a step). */
  readonly historical: boolean;
  /** Attach mode, a model of any other modules: per-module statistics of this step. */
  readonly modules?: readonly ModuleFrame[];
  /** Attach mode: the tensors of the module asked for with `watch-module`. */
  readonly moduleTensors?: readonly ModuleTensorFrame[];
}

export interface OpSteppedEvent extends Base {
  readonly type: 'op-stepped';
  readonly step: number;
  readonly op: OpRef;
  /** The op after this one in the same step; null when this op finished the step. */
  readonly next: OpRef | null;
  /** The op's operands and results (decimated), e.g. A_i, W_i, H_i for a forward op. */
  readonly matrices: readonly MatrixPayload[];
}

export interface BreakpointHitEvent extends Base {
  readonly type: 'breakpoint-hit';
  readonly hit: BreakpointHit;
  /**
   * The matrix the hit refers to (`hit.matrix` with subscript `hit.matrixIndex`), decimated like a
   * frame's (NaN/±Inf always survive); `hit.cells` index the full-resolution matrix. Empty for a
   * loss breakpoint. A frame with the same step's matrices is sent just before the hit.
   */
  readonly matrices: readonly MatrixPayload[];
}

export interface PredictionEvent extends Base {
  readonly type: 'prediction';
  /** F = A_L for the given X (n × outputs) at the current parameters, full resolution, in the backend's precision. */
  readonly F: MatrixPayload<FloatArray>;
  /** Steps completed when it was computed (the parameters it reflects). */
  readonly step: number;
}

export interface ExportEvent extends Base {
  readonly type: 'export';
  readonly what: ExportKind;
  readonly fileName: string;
  readonly mimeType: string;
  /** The file's text (JSON, CSV); empty for the binary kinds, which carry `bytes`. */
  readonly contents: string;
  /** .npz, .safetensors, .onnx and .bplens exports: the file's bytes (transferred). */
  readonly bytes?: Uint8Array;
}

/** The answer to `open-session`: what the file restored (the dashboard's stores follow it). */
export interface SessionOpenedEvent extends Base {
  readonly type: 'session-opened';
  readonly fileName: string;
  /** The training configuration now in effect (as `configure` would take it). */
  readonly config: {
    readonly model: ModelSpec;
    readonly optimizer: OptimizerConfig;
    readonly batchSize: number | 'full';
    readonly seed: number;
    readonly validationFraction: number;
    readonly normalize?: NormalizationConfig;
  };
  readonly breakpoints: readonly BreakpointCondition[];
  readonly step: number;
  readonly epoch: number;
  readonly notes: string;
  readonly view: Readonly<Record<string, unknown>> | null;
  /** Set on a minimal repro: the hit it reproduces. */
  readonly repro: { readonly step: number; readonly op: string; readonly message: string } | null;
}

export interface CheckpointEvent extends Base {
  readonly type: 'checkpoint';
  /** Parameters as Float64Arrays; send back in `restore` to resume after a restart. */
  readonly checkpoint: Checkpoint;
}

export interface MatrixEvent extends Base {
  readonly type: 'matrix';
  readonly step: number;
  readonly matrix: MatrixPayload<FloatArray>;
}

/** The reply to a command that has no result of its own (set-breakpoints, set-frame-rate, set-telemetry). */
export interface AcceptedEvent extends Base {
  readonly type: 'accepted';
  readonly command: CommandType;
}

/** Reply to `request-history`: the steps the history keeps, oldest first (recorded steps only during a free run). */
export interface HistoryEvent extends Base {
  readonly type: 'history';
  /** Completed steps (1-based, as in `frame.step`) that `request-frame {step}` can replay; empty with `historySize: 0`. */
  readonly steps: readonly number[];
  /**
   * The subset `rewind` can go back to (0 = the initial parameters): the newest steps whose
   * parameters and optimizer state fit in `historyBytes`; older ones are kept for viewing only.
   */
  readonly restorable: readonly number[];
  /** Steps completed now (the live step). */
  readonly step: number;
}

export interface PongEvent extends Base {
  readonly type: 'pong';
  readonly step: number;
}

export type ErrorCode =
  | 'invalid-message'
  | 'unsupported-version'
  | 'invalid-state'
  | 'dataset-error'
  | 'config-error'
  | 'not-found'
  | 'device-lost'
  /** A long command (a gradient check) stopped by a pause before it finished. */
  | 'cancelled'
  /** A file the command carried (a session file) cannot be read; the message names the entry. */
  | 'file-error'
  | 'internal';

export interface ErrorEvent extends Base {
  readonly type: 'error';
  readonly code: ErrorCode;
  /** One line a person can act on, naming the field (key path) where there is one. */
  readonly message: string;
  /** Key path into the offending command, e.g. "config.model.layers[1].units"; null when not about a field. */
  readonly path: string | null;
  /** The command type that failed, when known. */
  readonly command: string | null;
  /** True when the engine cannot go on (e.g. GPU device lost): the dashboard should restart it. */
  readonly fatal: boolean;
}

export type EngineEvent =
  | ReadyEvent
  | DatasetLoadedEvent
  | ConfiguredEvent
  | StateEvent
  | ProgressEvent
  | FrameEvent
  | OpSteppedEvent
  | BreakpointHitEvent
  | GradcheckResultEvent
  | ExportEvent
  | SessionOpenedEvent
  | CheckpointEvent
  | MatrixEvent
  | AcceptedEvent
  | PongEvent
  | HistoryEvent
  | PredictionEvent
  | BackendComparisonEvent
  | MetricsEvent
  | CompareResultEvent
  | ErrorEvent;

export type EventType = EngineEvent['type'];
export type EventOf<T extends EventType> = Extract<EngineEvent, { type: T }>;
/** An event body without the envelope, as the engine host builds them. */
export type EventBody<T extends EventType = EventType> = T extends EventType ? Omit<EventOf<T>, 'v'> : never;

export const EVENT_TYPES: readonly EventType[] = [
  'ready',
  'dataset-loaded',
  'configured',
  'state',
  'progress',
  'frame',
  'op-stepped',
  'breakpoint-hit',
  'gradcheck-result',
  'export',
  'session-opened',
  'checkpoint',
  'matrix',
  'accepted',
  'pong',
  'history',
  'prediction',
  'backend-comparison',
  'metrics',
  'compare-result',
  'error',
];

/**
 * The one event that completes each command (sent with `replyTo` when the command had an `id`);
 * an `error` with `replyTo` completes it instead when it fails. Other events with the same
 * `replyTo` (progress, state, frames) may come before it. `ack` is never answered.
 */
export const REPLY_EVENT = {
  hello: 'ready',
  'load-dataset': 'dataset-loaded',
  configure: 'configured',
  start: 'state',
  pause: 'state',
  step: 'state',
  'step-op': 'op-stepped',
  reset: 'state',
  'set-breakpoints': 'accepted',
  'request-matrix': 'matrix',
  'request-frame': 'frame',
  'request-history': 'history',
  rewind: 'state',
  'set-learning-rate': 'accepted',
  gradcheck: 'gradcheck-result',
  export: 'export',
  'open-session': 'session-opened',
  'set-frame-rate': 'accepted',
  'set-telemetry': 'accepted',
  'watch-module': 'accepted',
  ack: null,
  restore: 'state',
  ping: 'pong',
  predict: 'prediction',
  'compare-backends': 'backend-comparison',
  'request-metrics': 'metrics',
  compare: 'compare-result',
} as const satisfies Record<CommandType, EventType | null>;

export type ReplyOf<T extends CommandType> = (typeof REPLY_EVENT)[T] extends EventType
  ? EventOf<(typeof REPLY_EVENT)[T]>
  : never;

/** Dashboard side: accept a message only when it has our version and a known event type. */
export function parseEvent(data: unknown): EngineEvent | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as { v?: unknown; type?: unknown };
  if (m.v !== PROTOCOL_VERSION || typeof m.type !== 'string') return null;
  return (EVENT_TYPES as readonly string[]).includes(m.type) ? (data as EngineEvent) : null;
}

/**
 * Commands: dashboard → engine. Every message arriving at the engine is parsed with
 * `commandSchema`; anything that does not match becomes an `error` event (see parse.ts) and the
 * engine carries on. Types are inferred from the schemas so the two cannot disagree.
 *
 * Envelope: `{ v: PROTOCOL_VERSION, id?: number, type: '…', …fields }`. A command with an `id`
 * gets its reply (and any error it causes) with `replyTo: id`.
 */
import { z } from 'zod';
import { PROTOCOL_VERSION, MAX_FRAME_RATE, MAX_RECORD_RATE } from './version.js';
import {
  backendNameSchema,
  breakpointSchema,
  finiteNumber,
  matrixInputSchema,
  modelSpecSchema,
  optimizerSchema,
  positiveNumber,
} from './common-schemas.js';
import { MATRIX_NAMES } from './matrix-payload.js';
import { LOSSES } from '../model/spec.js';

/** Largest X a `predict` may send (a 1000 × 1000 grid of 2-D points, or 2000 MNIST images). */
export const MAX_PREDICT_CELLS = 2_000_000;

/** Largest weights or batch file text a `compare` may carry (64 MiB). */
export const MAX_COMPARE_TEXT = 64 << 20;

const id = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional();
const envelope = { v: z.literal(PROTOCOL_VERSION), id };
const command = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject({ ...envelope, type: z.literal(type), ...shape });

const paramValue = z.union([finiteNumber, z.string().max(1000), z.boolean()]);

const columnRef = z.union([z.string().max(1000), z.number().int().min(0).max(10_000_000)]);

/**
 * How the engine reads a file (engine/data's LoadOptions, the keys a caller may choose). The
 * engine's own size limits are not among them: a caller cannot raise them. Normalisation is not a
 * loader option either: it is part of the training configuration (`configure`'s `normalize`),
 * fitted on the session's training rows only.
 */
export const loadOptionsSchema = z.strictObject({
  format: z.enum(['auto', 'text', 'json', 'npy', 'idx']).optional(),
  delimiter: z.enum(['auto', ',', '\t', ';', '|', 'whitespace']).optional(),
  /** true/false are the older spelling of 'yes'/'no'. */
  header: z.union([z.enum(['auto', 'yes', 'no']), z.boolean()]).optional(),
  skipLines: z.number().int().min(0).max(1_000_000).optional(),
  encoding: z.enum(['auto', 'utf-8', 'latin1', 'windows-1252']).optional(),
  comment: z.string().max(16).nullable().optional(),
  name: z.string().min(1).max(256).optional(),
  features: z.array(columnRef).max(100_000).optional(),
  targets: z.array(columnRef).max(100_000).optional(),
  task: z.enum(['auto', 'classification', 'regression']).optional(),
  classes: z.array(z.string().max(1000)).max(100_000).optional(),
  loss: z.enum(LOSSES).optional(),
  /** Per column name: drop rows where it is missing, or fill its missing cells (engine/data/clean.ts). */
  missing: z
    .record(z.string().max(1000), z.union([z.enum(['drop', 'mean', 'median']), z.strictObject({ constant: finiteNumber })]))
    .optional(),
  /** Text columns to one-hot encode, by name; at most `oneHotCap` categories each (default 20). */
  oneHot: z.array(z.string().max(1000)).max(10_000).optional(),
  oneHotCap: z.number().int().min(2).max(1000).optional(),
});

const normalizationChoice = z.enum(['standardize', 'min-max', 'none']);

/** Where the data comes from: a built-in generator, a raw file for the engine to parse, or matrices parsed already. */
export const datasetSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('builtin'),
    name: z.string().min(1).max(64),
    params: z.record(z.string().max(64), paramValue).default({}),
  }),
  z.strictObject({
    kind: z.literal('file'),
    fileName: z.string().min(1).max(4096),
    bytes: z.instanceof(Uint8Array),
    /** Loader options: columns, header, delimiter, task (see loadOptionsSchema). */
    options: loadOptionsSchema.default({}),
  }),
  z.strictObject({
    /** MNIST-style IDX data: the images file and its labels file (plain or gzipped). */
    kind: z.literal('idx-pair'),
    images: z.strictObject({ fileName: z.string().min(1).max(4096), bytes: z.instanceof(Uint8Array) }),
    labels: z.strictObject({ fileName: z.string().min(1).max(4096), bytes: z.instanceof(Uint8Array) }),
    options: loadOptionsSchema.pick({ name: true, task: true, classes: true }).default({}),
  }),
  z.strictObject({
    kind: z.literal('matrices'),
    name: z.string().min(1).max(256),
    X: matrixInputSchema,
    Y: matrixInputSchema,
    featureNames: z.array(z.string()).optional(),
    targetNames: z.array(z.string()).optional(),
    classNames: z.array(z.string()).optional(),
  }),
]);

const parameterSetSchema = z.strictObject({
  W: z.array(matrixInputSchema).min(1),
  b: z.array(matrixInputSchema).min(1),
});

export const trainConfigSchema = z.strictObject({
  model: modelSpecSchema,
  init: z.union([z.enum(['xavier', 'he']), z.strictObject({ parameters: parameterSetSchema })]).default('xavier'),
  optimizer: optimizerSchema,
  batchSize: z.union([z.number().int().min(1), z.literal('full')]).default('full'),
  seed: z.number().int().min(0).max(0xffffffff).default(1),
  validationFraction: finiteNumber.refine((x) => x >= 0 && x < 1, 'must be in [0, 1)').default(0),
  /** Normalisation fitted on this configuration's training rows (never the validation rows); omitted = none. */
  normalize: z.strictObject({ inputs: normalizationChoice.optional(), targets: normalizationChoice.optional() }).optional(),
  historySize: z.number().int().min(0).max(100_000).optional(),
  historyBytes: z.number().int().min(0).max(2 ** 40).optional(),
  /** Ask for a backend; omitted = the fastest available for the model's size (engine/backends/select.ts). */
  backend: backendNameSchema.optional(),
});

/** Which matrices each frame carries. `layers` omitted = every layer. */
export const matrixSelectionSchema = z.strictObject({
  names: z.array(z.enum(MATRIX_NAMES)).max(MATRIX_NAMES.length),
  layers: z.array(z.number().int().min(0).max(1023)).max(1024).optional(),
});

/** What `export` can write. */
export const EXPORT_KINDS = [
  'weights',
  'weights-npz',
  'weights-safetensors',
  'weights-onnx',
  'gradients',
  'loss-history',
  'session',
  'repro',
] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** A state to resume from after an engine restart: what the last `checkpoint` event carried. */
export const checkpointSchema = z.strictObject({
  step: z.number().int().min(0),
  epoch: z.number().int().min(0),
  parameters: parameterSetSchema,
  /** Optimizer state (updates so far; per parameter W_0, b_0, W_1, …: SGD velocity or Adam m, v); null = fresh. */
  optimizer: z
    .strictObject({ updates: z.number().int().min(0), buffers: z.array(z.array(matrixInputSchema).max(2)) })
    .nullable(),
});

export const commandSchema = z.discriminatedUnion('type', [
  /** Ask for `ready` again (e.g. after the dashboard reloads). */
  command('hello', {}),
  command('load-dataset', { source: datasetSourceSchema }),
  command('configure', { config: trainConfigSchema }),
  /** Run until paused; `maxSteps` stops after that many steps, `stepsPerSecond` throttles (speed control). */
  command('start', {
    maxSteps: z.number().int().min(1).optional(),
    stepsPerSecond: positiveNumber.optional(),
  }),
  command('pause', {}),
  /** Run `count` whole steps (finishing the current one first if paused mid-step), then pause. */
  command('step', { count: z.number().int().min(1).max(1_000_000).default(1) }),
  /** Run exactly the next op of the current step (forward i, loss, backward i, update). */
  command('step-op', {}),
  /** Re-initialise the parameters from the configuration (same seed = same start). */
  command('reset', {}),
  command('set-breakpoints', { breakpoints: z.array(breakpointSchema).max(256) }),
  /** One matrix at full resolution; `step` picks a past step from the history (omitted = now). */
  command('request-matrix', {
    layer: z.number().int().min(0).max(1024),
    name: z.enum(MATRIX_NAMES),
    step: z.number().int().min(0).optional(),
  }),
  /** A telemetry frame for a past step kept in the history (time travel), or the current one. */
  command('request-frame', { step: z.number().int().min(0).optional() }),
  /** The steps the history keeps (oldest first): exactly the steps `request-frame {step}` can replay. */
  command('request-history', {}),
  /**
   * Go back to a step the history keeps with its training state (`history.restorable`) and pause
   * there: newer steps leave the history and the loss log, and training continues from it exactly
   * as it did the first time, or differently after `set-learning-rate` or new breakpoints.
   */
  command('rewind', { step: z.number().int().min(0) }),
  /** The learning rate from the next update on (parameters, optimizer state and history stay). */
  command('set-learning-rate', { lr: positiveNumber }),
  /**
   * Finite-difference check of the current parameters' gradients on (a seeded sample of at most
   * `batchRows` rows of) the training set; omitted tolerance = the default for the backend's precision.
   */
  command('gradcheck', {
    eps: positiveNumber.default(1e-6),
    tolerance: positiveNumber.optional(),
    /** Per layer, at most this many elements are checked (a seeded sample); 0 = all. */
    maxElementsPerLayer: z.number().int().min(0).default(2000),
    batchRows: z.number().int().min(1).max(100_000).default(64),
    seed: z.number().int().min(0).max(0xffffffff).default(1),
  }),
  /**
   * A file of the current session: weights (JSON, or .npz / PyTorch .safetensors / .onnx: bytes),
   * gradients, the loss history, the whole session (`session`: a .bplens file, bytes) with the
   * dashboard's `view` layout and `notes` in it, or a minimal repro (`repro`: a .bplens of only the
   * step being debugged: its weights, optimizer state, batch and breakpoints).
   */
  command('export', {
    what: z.enum(EXPORT_KINDS),
    view: z.record(z.string(), z.unknown()).optional(),
    notes: z.string().max(1_000_000).optional(),
    /** `session` only: false refers to the data file (name, size, SHA-256, read options) instead of embedding the data. */
    embedData: z.boolean().optional(),
  }),
  /**
   * Open a .bplens session file: its data, settings and state replace the current ones, training
   * continues exactly where it was saved. Answered by `session-opened` (after `dataset-loaded` and
   * `configured`, as if the data had been loaded and the model configured).
   */
  command('open-session', {
    fileName: z.string().min(1).max(4096),
    bytes: z.instanceof(Uint8Array),
    /** The data file, for a session that refers to it instead of holding it (checked by size and SHA-256). */
    data: z.strictObject({ fileName: z.string().min(1).max(4096), bytes: z.instanceof(Uint8Array) }).optional(),
  }),
  command('set-frame-rate', {
    fps: finiteNumber.refine((x) => x >= 0 && x <= MAX_FRAME_RATE, `must be in [0, ${MAX_FRAME_RATE}]`),
  }),
  command('set-telemetry', {
    matrices: matrixSelectionSchema.optional(),
    histograms: z.boolean().optional(),
    maxSize: z.number().int().min(1).max(4096).optional(),
    window: z.number().int().min(1).max(64).optional(),
    /** Largest fraction of the engine's time frames may take (default 0.08; 1 = no limit). */
    budget: finiteNumber.refine((x) => x >= 0.01 && x <= 1, 'must be in [0.01, 1]').optional(),
    /**
     * While training runs, record (per-layer stats, history entry for time travel) at most this
     * many steps a second (default 20; 0 = only what frames, pauses and checkpoints need). Steps
     * run with step/step-op are always recorded; breakpoints are checked on every op regardless.
     */
    recordRate: finiteNumber
      .refine((x) => x >= 0 && x <= MAX_RECORD_RATE, `must be in [0, ${MAX_RECORD_RATE}]`)
      .optional(),
  }),
  /**
   * Attach mode, a PyTorch model of any other modules: send this module's full tensors (output,
   * parameters, gradients; `moduleTensors` of the frames) from now on; null stops. An engine of
   * the app's own has no modules and refuses it (invalid-state).
   */
  command('watch-module', { module: z.string().min(1).max(256).nullable() }),
  /** Acknowledges a frame: returns one credit so the engine may send another. */
  command('ack', { seq: z.number().int().min(0) }),
  /** Resume training from a checkpoint after an engine restart (requires configure first). */
  command('restore', { checkpoint: checkpointSchema }),
  command('ping', {}),
  /**
   * The network's output F = A_L for the rows of X at the current parameters (decision boundaries,
   * fitted curves). X and F are in the data's own units: the session's normalisation is applied to
   * X (and undone on regression outputs) by the engine.
   */
  command('predict', {
    X: matrixInputSchema.refine((m) => m.rows >= 1 && m.rows * m.cols <= MAX_PREDICT_CELLS, {
      message: `needs 1 … ${MAX_PREDICT_CELLS} cells (rows × cols) and at least one row`,
    }),
  }),
  /**
   * One forward + backward pass on the current batch and parameters on a float32 backend and on
   * the cpu-f64 reference; omitted backend = the session's when it is float32, else WebGPU where
   * an adapter exists, else cpu-f32.
   */
  command('compare-backends', { backend: z.enum(['webgpu-f32', 'cpu-f32']).optional() }),
  /**
   * Classification metrics of the current parameters on the training and validation rows:
   * accuracy, confusion matrix, per-class counts (at most `maxRows` rows of each set, the first
   * ones, so a big set stays cheap). A regression set answers with null metrics.
   */
  command('request-metrics', { maxRows: z.number().int().min(1).max(100_000).default(5000) }),
  /**
   * Compare mode (engine/compare): the arrays a user's own backprop produced (the bytes of .npz,
   * .npy, .safetensors or JSON files; .npy files named after their array), the batch file they ran
   * on and the weights file (omitted: the session's current model and parameters). Replies with
   * `compare-result`; unusable input is an `error` naming the array.
   */
  command('compare', {
    arrays: z
      .array(z.strictObject({ name: z.string().min(1).max(1000), bytes: z.instanceof(Uint8Array) }))
      .min(1)
      .max(1000),
    batch: z.string().max(MAX_COMPARE_TEXT),
    weights: z.string().max(MAX_COMPARE_TEXT).optional(),
    layout: z.enum(['rows', 'columns', 'pytorch']).optional(),
    base: z.union([z.literal(0), z.literal(1)]).optional(),
    /** "yours=ours,..." as the CLI's --map. */
    map: z.string().max(100_000).optional(),
  }),
]);

export type Command = z.output<typeof commandSchema>;
/** What callers write: defaults may be left out. */
export type CommandInput = z.input<typeof commandSchema>;
export type CommandType = Command['type'];
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;
export type CommandInputOf<T extends CommandType> = Extract<CommandInput, { type: T }>;
export type DatasetSource = z.output<typeof datasetSourceSchema>;
export type DatasetSourceInput = z.input<typeof datasetSourceSchema>;
export type TrainConfigInput = z.input<typeof trainConfigSchema>;
export type ProtocolTrainConfig = z.output<typeof trainConfigSchema>;
export type LoadOptionsInput = z.input<typeof loadOptionsSchema>;
export type MatrixSelection = z.output<typeof matrixSelectionSchema>;
export type Checkpoint = z.output<typeof checkpointSchema>;

export const COMMAND_TYPES = commandSchema.options.map((o) => o.shape.type.value) as CommandType[];

/**
 * The training Session: one training step is a fixed list of named ops (forward layer 0…L-1, loss,
 * backward layer L-1…0, update), run one at a time on any Backend. A caller pauses simply by not
 * calling runOp again; runStep/runSteps run on until the step ends or a breakpoint fires.
 *
 * Only the Backend interface is used, and reads are asynchronous, so the same session drives
 * cpu-f64, cpu-f32 and webgpu-f32. A step reads back only what something needs: the 1×1 loss always,
 * the products of an op that an active breakpoint watches, and, on recorded steps (every
 * `recordEvery`-th), everything the per-layer stats and the history need. Reads are issued right
 * after the op that produced the matrix and awaited as late as possible.
 *
 * Every public method that touches backend state is serialised, so overlapping calls (a UI button
 * pressed twice) run one after another instead of interleaving ops.
 */
import type { Backend, Tensor } from '../backends/backend.js';
import { type FloatArray, type Matrix, gatherRows, toFloat64 } from '../core/matrix.js';
import type { Activation } from '../model/spec.js';
import { layerWidths, validateModelSpec } from '../model/spec.js';
import {
  DEFAULT_MEMORY_LIMITS,
  checkMemoryFits,
  estimateMemory,
  type MemoryEstimate,
  type MemoryLimits,
} from '../model/memory-estimate.js';
import { recordStep } from '../telemetry/recorder.js';
import { DEFAULT_HISTOGRAM_BINS } from '../telemetry/stats.js';
import {
  type MatrixName,
  type Product,
  type ProductRef,
  DEFAULT_LOSS_SPIKE_WINDOW,
  evaluateBreakpoints,
  neededProducts,
  opProducts,
  productKey,
  validateBreakpoints,
} from './breakpoints.js';
import { BatchSchedule, type BatchSlot, splitTrainValidation } from './batching.js';
import { stepOps } from './equations.js';
import { validateBatch } from './forward-backward.js';
import {
  type HistoryEntry,
  type RestorableEntry,
  RingBuffer,
  enforceStateBudget,
  isRestorable,
  stepRange,
} from './history.js';
import { resolveInitialParameters, validateParameters } from './init.js';
import { normalizeForTraining, validateNormalization } from './normalization.js';
import type { Preprocessing } from '../data/preprocessing.js';
import { Optimizer, validateOptimizerConfig } from './optimizer.js';
import type {
  BreakpointCondition,
  BreakpointHit,
  Dataset,
  LayerStats,
  OpRef,
  ParameterSet,
  StepSummary,
  TrainConfig,
} from './types.js';

export const DEFAULT_HISTORY_SIZE = 100;
export const DEFAULT_HISTORY_MATRIX_SIZE = 64;
/** Training state (parameters, optimizer buffers) the history may hold by default: 256 MiB. */
export const DEFAULT_HISTORY_BYTES = 256 * 2 ** 20;

/** The memory a session of `config` on `trainRows` rows will need (engine/model/memory-estimate.ts). */
export function estimateSessionMemory(
  config: Pick<TrainConfig, 'model' | 'optimizer' | 'batchSize' | 'historySize' | 'historyBytes'>,
  trainRows: number,
  backend: Pick<Backend, 'precision'> = { precision: 'f64' },
): MemoryEstimate {
  const batch = config.batchSize === 'full' ? trainRows : Math.min(config.batchSize, trainRows);
  const base = estimateMemory({ model: config.model, batchSize: batch, optimizer: config.optimizer, precision: backend.precision });
  // The history keeps whole training states, up to its byte budget.
  const entries = config.historySize ?? DEFAULT_HISTORY_SIZE;
  const state = base.parameterBytes + base.optimizerBytes;
  const historyBytes = Math.min(config.historyBytes ?? DEFAULT_HISTORY_BYTES, entries * state);
  return estimateMemory({
    model: config.model,
    batchSize: batch,
    optimizer: config.optimizer,
    precision: backend.precision,
    historyBytes,
  });
}

function memoryLimitsFor(backend: Backend, options: SessionOptions): MemoryLimits {
  const limits = options.memoryLimits ?? DEFAULT_MEMORY_LIMITS;
  const buffer = backend.maxBufferBytes;
  return buffer === undefined ? limits : { ...limits, maxMatrixBytes: Math.min(limits.maxMatrixBytes, buffer) };
}
/** Losses kept for loss curves and the loss-spike breakpoint. */
export const LOSS_LOG_SIZE = 100_000;
const LOSS_LOG_TRIM = 10_000;

export interface SessionOptions {
  /** What a configuration may need in all and per matrix (default DEFAULT_MEMORY_LIMITS, capped by the backend's buffer size). */
  readonly memoryLimits?: MemoryLimits;
  /** Compute per-layer stats and push a history entry every k-th step (default 1; 0: never). */
  readonly recordEvery?: number;
  /** Histogram bins in the stats (default 32; null: no histograms). */
  readonly histogramBins?: number | null;
  /** History keeps matrices decimated to at most this many rows and columns (default 64). */
  readonly historyMatrixSize?: number;
  readonly breakpoints?: readonly BreakpointCondition[];
}

export interface OpResult {
  readonly op: OpRef;
  /** 1-based number of the step the op belongs to. */
  readonly step: number;
  readonly hits: readonly BreakpointHit[];
  /** True when this op was the step's update (the step is complete). */
  readonly stepCompleted: boolean;
  /** The finished step's summary when stepCompleted, else null. */
  readonly summary: StepSummary | null;
}

export interface RunResult {
  /** Steps finished by this call (a step begun earlier and finished here counts). */
  readonly stepsCompleted: number;
  /** The hits of the op that stopped the run; empty when it ran to the end. */
  readonly hits: readonly BreakpointHit[];
  /** Summary of the last step finished by this call, or null. */
  readonly summary: StepSummary | null;
  /** The op a further runOp would run. */
  readonly next: OpRef;
}

export interface SessionPosition {
  /** Steps completed so far. */
  readonly step: number;
  /** Index in ops() of the next op; 0 at a step boundary. */
  readonly opIndex: number;
  /** Epoch and batch of the step in progress (or of the next one at a step boundary). */
  readonly epoch: number;
  readonly batchInEpoch: number;
}

/** Host copies of one layer's current matrices (null where the current step has not produced it yet). */
export interface LayerMatrices {
  /** A_i: the layer's input (A_0 = X, the batch). */
  readonly A: Matrix | null;
  readonly H: Matrix | null;
  /** A_{i+1} = act_i(H_i): the layer's output. */
  readonly out: Matrix | null;
  readonly G: Matrix | null;
  readonly W: Matrix;
  readonly b: Matrix;
  readonly dW: Matrix | null;
  readonly db: Matrix | null;
}

/** Tensors and host reads of the step in progress (or the last one, until the next begins). */
interface StepState {
  readonly number: number;
  readonly slot: BatchSlot;
  readonly ownsBatch: boolean;
  readonly A: Tensor[]; // A[0] = X
  readonly H: Tensor[];
  readonly G: Tensor[];
  readonly dW: Tensor[];
  readonly db: Tensor[];
  readonly Y: Tensor;
  loss: Tensor | null;
  /** Decided when the step begins (recordEvery) or, with a record policy, when it ends. */
  recording: boolean;
  /** Host reads started this step, in the backend's precision (stats and breakpoints need no float64 copy). */
  readonly reads: Map<string, Promise<Matrix<FloatArray>>>;
}

export class Session {
  readonly history: RingBuffer<HistoryEntry>;
  private readonly opList: readonly OpRef[];
  private readonly W: Tensor[];
  private readonly b: Tensor[];
  private readonly optimizer: Optimizer;
  private readonly schedule: BatchSchedule;
  private readonly trainSet: { X: Tensor; Y: Tensor } | null;
  private readonly validationSet: { X: Tensor; Y: Tensor } | null;
  private conditions: readonly BreakpointCondition[] = [];
  /** Per op (index in opList): what it produces, and what the breakpoints need read back. */
  private readonly opProducts: readonly ProductRef[][];
  private opNeeds: readonly ProductRef[][];
  /** Largest window of the loss-spike conditions (0: none). */
  private lossSpikeWindow = 0;
  /** W_0, b_0, W_1, b_1, … and which of them take weight decay, in the optimizer's order. */
  private readonly updateParams: Tensor[] = [];
  private readonly updateIsWeight: boolean[] = [];
  private completed = 0;
  private opIndex = 0;
  private cur: StepState | null = null;
  private lossLog: { step: number; loss: number; validationLoss: number | null }[] = [];
  private lastSummary: StepSummary | null = null;
  /** Set by setRecordPolicy: replaces recordEvery, asked when each step ends. */
  private recordPolicy: ((step: number) => boolean) | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  private settings: TrainConfig;

  private constructor(
    config: TrainConfig,
    /** The rows the session trains and validates on, after the configured normalisation. */
    readonly data: Dataset,
    /** The normalisation fitted on this session's training rows (null: the data as given). */
    readonly preprocessing: Preprocessing | null,
    readonly backend: Backend,
    private readonly options: Required<Omit<SessionOptions, 'breakpoints' | 'memoryLimits'>>,
    readonly trainRows: Int32Array,
    readonly validationRows: Int32Array,
    params: ParameterSet,
    schedule: BatchSchedule,
    history: RingBuffer<HistoryEntry>,
  ) {
    this.settings = config;
    const spec = config.model;
    this.opList = stepOps(spec, config.optimizer);
    this.opProducts = this.opList.map((op) => opProducts(op, spec.layers.length));
    this.opNeeds = this.opList.map(() => []);
    this.history = history;
    this.schedule = schedule;
    this.W = params.W.map((w, i) => backend.upload(w, `W${i}`));
    this.b = params.b.map((v, i) => backend.upload(v, `b${i}`));
    const shapes = params.W.flatMap((w, i) => [
      { rows: w.rows, cols: w.cols, label: `W${i}` },
      { rows: 1, cols: w.cols, label: `b${i}` },
    ]);
    this.optimizer = new Optimizer(backend, config.optimizer, shapes);
    for (let i = 0; i < spec.layers.length; i++) {
      this.updateParams.push(this.W[i]!, this.b[i]!);
      this.updateIsWeight.push(true, false);
    }
    // Full batch: the batch never changes, so it is uploaded once.
    this.trainSet = this.schedule.fullBatch
      ? {
          X: backend.upload(gatherRows(data.X, trainRows), 'X.train'),
          Y: backend.upload(gatherRows(data.Y, trainRows), 'Y.train'),
        }
      : null;
    this.validationSet =
      validationRows.length > 0
        ? {
            X: backend.upload(gatherRows(data.X, validationRows), 'X.validation'),
            Y: backend.upload(gatherRows(data.Y, validationRows), 'Y.validation'),
          }
        : null;
  }

  /**
   * Validates everything (model, optimizer, dataset shapes and values, user parameters, breakpoints),
   * initialises the parameters from the seed (or takes the given ones), splits the data, fits the
   * configured normalisation on the training rows of that split, and records step 0 in the history.
   */
  static async create(
    config: TrainConfig,
    dataset: Dataset,
    backend: Backend,
    options: SessionOptions = {},
  ): Promise<Session> {
    validateModelSpec(config.model);
    validateDataset(config, dataset);
    if (!Number.isInteger(config.seed)) throw new RangeError(`seed: must be an integer, got ${String(config.seed)}`);
    if (config.historyBytes !== undefined && !(Number.isInteger(config.historyBytes) && config.historyBytes >= 0))
      throw new RangeError(`historyBytes: must be an integer ≥ 0, got ${String(config.historyBytes)}`);
    const recordEvery = options.recordEvery ?? 1;
    if (!Number.isInteger(recordEvery) || recordEvery < 0)
      throw new RangeError(`recordEvery: must be an integer ≥ 0, got ${recordEvery}`);
    // Everything that can be wrong is checked before the first upload, so a bad config leaks no backend memory.
    validateOptimizerConfig(config.optimizer);
    validateNormalization(config);
    const breakpoints = options.breakpoints ?? [];
    checkBreakpoints(config, breakpoints);
    const history = new RingBuffer<HistoryEntry>(config.historySize ?? DEFAULT_HISTORY_SIZE);
    const split = splitTrainValidation(dataset.X.rows, config.validationFraction, config.seed);
    // Refuse what cannot fit before the first parameter is allocated, with the estimate.
    checkMemoryFits(estimateSessionMemory(config, split.train.length, backend), memoryLimitsFor(backend, options));
    const schedule = new BatchSchedule(split.train, config.batchSize, config.seed);
    const prepared = normalizeForTraining(dataset, config.normalize, split.train);
    const params = resolveInitialParameters(config.model, config.init, config.seed);
    const session = new Session(
      config,
      prepared.data,
      prepared.preprocessing,
      backend,
      {
        recordEvery,
        histogramBins: options.histogramBins === undefined ? DEFAULT_HISTOGRAM_BINS : options.histogramBins,
        historyMatrixSize: options.historyMatrixSize ?? DEFAULT_HISTORY_MATRIX_SIZE,
      },
      split.train,
      split.validation,
      params,
      schedule,
      history,
    );
    session.setBreakpoints(breakpoints);
    if (session.history.capacity > 0) {
      session.history.push({
        step: 0,
        epoch: 0,
        loss: null,
        validationLoss: null,
        parameters: params,
        optimizer: await session.optimizer.snapshot(),
        layers: [],
        matrices: {},
      });
    }
    return session;
  }

  /** The ops of every step, in order (the same list each step). */
  ops(): readonly OpRef[] {
    return this.opList;
  }

  /** The op the next runOp will run. */
  nextOp(): OpRef {
    return this.opList[this.opIndex]!;
  }

  get position(): SessionPosition {
    const slot = this.cur && this.opIndex > 0 ? this.cur.slot : this.schedule.slot(this.completed);
    return { step: this.completed, opIndex: this.opIndex, epoch: slot.epoch, batchInEpoch: slot.batchInEpoch };
  }

  get batchesPerEpoch(): number {
    return this.schedule.batchesPerEpoch;
  }

  setBreakpoints(conditions: readonly BreakpointCondition[]): void {
    checkBreakpoints(this.config, conditions);
    this.conditions = [...conditions];
    // What each op must read back for these conditions: worked out once here, not on every op.
    const L = this.config.model.layers.length;
    this.opNeeds = this.opList.map((op) => neededProducts(this.conditions, op, L, this.activationOf));
    const spikes = this.conditions.flatMap((c) =>
      c.kind === 'loss-spike' ? [c.window ?? DEFAULT_LOSS_SPIKE_WINDOW] : [],
    );
    this.lossSpikeWindow = spikes.length > 0 ? Math.max(...spikes) : 0;
  }

  breakpoints(): readonly BreakpointCondition[] {
    return this.conditions;
  }

  /** Run exactly one op and evaluate the breakpoints on what it produced. */
  runOp(): Promise<OpResult> {
    return this.exclusive(() => this.runOpNow());
  }

  /** Run to the end of the current step (a whole step at a boundary); stops early after an op that hit a breakpoint. */
  runStep(): Promise<RunResult> {
    return this.exclusive(() => this.runStepsNow(1));
  }

  /** Run up to n steps; stops early after an op that hit a breakpoint. */
  runSteps(n: number): Promise<RunResult> {
    if (!Number.isInteger(n) || n < 0)
      return Promise.reject(new RangeError(`runSteps: n must be an integer ≥ 0, got ${n}`));
    return this.exclusive(() => this.runStepsNow(n));
  }

  /** Summary of the last completed step (null before the first). */
  summary(): StepSummary | null {
    return this.lastSummary;
  }

  /**
   * Who decides which steps are recorded (per-layer stats and a history entry): null = every
   * `recordEvery`-th step (the default); a policy replaces that and is asked once per step, when
   * it ends. Breakpoints are evaluated on every op either way.
   */
  setRecordPolicy(policy: ((step: number) => boolean) | null): void {
    this.recordPolicy = policy;
  }

  /** The configuration, with the learning rate last set (setLearningRate). */
  get config(): TrainConfig {
    return this.settings;
  }

  /**
   * Changes the learning rate from the next update on: the debugger's "go back a few steps and
   * try a smaller one". Parameters, optimizer state and the history stay; rewinding (restore)
   * keeps the learning rate last set.
   */
  setLearningRate(lr: number): void {
    this.optimizer.setLearningRate(lr);
    this.settings = { ...this.settings, optimizer: this.optimizer.config };
  }

  /**
   * Records the last completed step if it was not recorded (a frame or a pause needs its stats,
   * time travel its history entry). Exact: the step's products are kept until the next step
   * begins, and the parameters and optimizer state are those after it. True if it recorded now.
   */
  recordLastStep(): Promise<boolean> {
    return this.exclusive(async () => {
      const st = this.cur;
      const last = this.lastSummary;
      if (!st || st.recording || this.opIndex !== 0 || st.number !== this.completed || !last || last.step !== st.number)
        return false;
      st.recording = true;
      const layers = await this.record(st, last.epoch, last.loss, last.validationLoss);
      this.lastSummary = { ...last, layers };
      return true;
    });
  }

  /** Loss (and validation loss, where measured) of every completed step, oldest first (bounded). */
  lossCurve(): readonly { step: number; loss: number; validationLoss: number | null }[] {
    return this.lossLog.length > LOSS_LOG_SIZE ? this.lossLog.slice(-LOSS_LOG_SIZE) : this.lossLog;
  }

  /**
   * A host copy of a matrix of the current (or last completed) step, by FORMATS.md name and subscript:
   * A_0…A_L (A_0 = X the batch, A_L = F), H_i, G_i, dW_i, db_i, W_i, b_i (current values), loss.
   * Null when the step in progress has not produced it yet.
   */
  getMatrix(index: number, name: MatrixName): Promise<Matrix | null> {
    return this.exclusive(() => this.getMatrixNow(index, name));
  }

  /**
   * getMatrix without the float64 copy: the host read in the backend's precision (Float32Array on
   * the f32 backends). Telemetry decimates straight from it; callers must not modify it (reads of
   * the step's products are cached and shared with the stats and breakpoints).
   */
  getMatrixRaw(index: number, name: MatrixName): Promise<Matrix<FloatArray> | null> {
    return this.exclusive(() => this.getMatrixRawNow(index, name));
  }

  /** Everything about layer i the current step has produced so far. */
  currentMatrices(layer: number): Promise<LayerMatrices> {
    return this.exclusive(async () => {
      this.checkLayer(layer);
      const [A, H, out, G, W, b, dW, db] = await Promise.all([
        this.getMatrixNow(layer, 'A'),
        this.getMatrixNow(layer, 'H'),
        this.getMatrixNow(layer + 1, 'A'),
        this.getMatrixNow(layer, 'G'),
        this.getMatrixNow(layer, 'W'),
        this.getMatrixNow(layer, 'b'),
        this.getMatrixNow(layer, 'dW'),
        this.getMatrixNow(layer, 'db'),
      ]);
      return { A, H, out, G, W: W!, b: b!, dW, db };
    });
  }

  /** A host copy of the current parameters (float64). */
  parameters(): Promise<ParameterSet> {
    return this.exclusive(() => this.readParameters());
  }

  /** Loss and output of the current parameters on any batch (no gradients kept, no state changed). */
  evaluate(X: Matrix<FloatArray>, Y: Matrix<FloatArray>): Promise<{ loss: number; output: Matrix }> {
    return this.exclusive(async () => {
      validateBatch(this.config.model, X, Y);
      if (this.config.model.loss === 'cross-entropy') checkProbabilityTargets(Y, 'Y');
      const x = this.backend.upload(X, 'X.evaluate');
      const y = this.backend.upload(Y, 'Y.evaluate');
      try {
        return await this.evaluateTensors(x, y, true);
      } finally {
        this.backend.release(x);
        this.backend.release(y);
      }
    });
  }

  /** The network's output F for inputs X with the current parameters. */
  predict(X: Matrix<FloatArray>): Promise<Matrix> {
    return this.exclusive(async () => {
      if (X.cols !== this.config.model.inputSize) {
        throw new RangeError(`X: has ${X.cols} column(s) but the model's inputSize is ${this.config.model.inputSize}`);
      }
      const x = this.backend.upload(X, 'X.predict');
      const made: Tensor[] = [x];
      try {
        let a = x;
        this.config.model.layers.forEach((layer, i) => {
          const out = this.backend.denseForward(a, this.W[i]!, this.b[i]!, layer.activation);
          made.push(out.H, out.A);
          a = out.A;
        });
        return toFloat64(await this.backend.read(a));
      } finally {
        for (const t of made) this.backend.release(t);
      }
    });
  }

  /** Validation loss of the current parameters (null without a validation set). */
  validationLoss(): Promise<number | null> {
    return this.exclusive(async () =>
      this.validationSet ? (await this.evaluateTensors(this.validationSet.X, this.validationSet.Y, false)).loss : null,
    );
  }

  /**
   * Go back to the state after `step` (a step still in the history) and continue from there: the
   * parameters, optimizer state, batch schedule and loss log are as they were, so the steps that follow
   * are exactly those that followed originally (same data, same order). Newer history is dropped.
   *
   * Given a HistoryEntry instead (e.g. a checkpoint loaded from a file), that state is installed
   * (shapes checked), becomes the newest history entry, and training continues from its step.
   */
  restore(target: number | RestorableEntry): Promise<void> {
    return this.exclusive(async () => {
      let entry: RestorableEntry;
      if (typeof target === 'number') {
        const found = this.history.toArray().findLast((e) => e.step === target);
        if (!found) {
          const kept = this.history.toArray().map((e) => e.step);
          throw new RangeError(
            `restore: step ${target} is not in the history (kept: ${stepRange(kept)})`,
          );
        }
        if (!isRestorable(found)) {
          const restorable = this.history.toArray().filter(isRestorable).map((e) => e.step);
          throw new RangeError(
            `restore: step ${target} is kept for viewing only (its parameters were dropped to keep the history within historyBytes; restorable: ${stepRange(restorable)})`,
          );
        }
        entry = found;
      } else {
        entry = target;
        if (!Number.isInteger(entry.step) || entry.step < 0)
          throw new RangeError(`restore: step must be an integer ≥ 0, got ${entry.step}`);
        validateParameters(this.config.model, entry.parameters, 'checkpoint.parameters');
        this.optimizer.checkSnapshot(entry.optimizer, 'checkpoint.optimizer');
      }
      this.releaseStep();
      const { parameters, optimizer } = entry;
      parameters.W.forEach((w, i) => this.backend.write(this.W[i]!, w));
      parameters.b.forEach((v, i) => this.backend.write(this.b[i]!, v));
      this.optimizer.restore(optimizer);
      const step = entry.step;
      this.completed = step;
      this.opIndex = 0;
      if (typeof target === 'number') {
        this.history.truncateWhere((e) => e.step > step);
      } else {
        this.history.truncateWhere((e) => e.step >= step);
        this.history.push(entry);
      }
      this.lossLog = this.lossLog.filter((l) => l.step <= step);
      this.lastSummary =
        step === 0
          ? null
          : {
              step,
              epoch: entry.epoch,
              loss: entry.loss ?? NaN,
              validationLoss: entry.validationLoss,
              layers: entry.layers,
            };
    });
  }

  /** Release every tensor; the session cannot be used afterwards. */
  dispose(): Promise<void> {
    return this.exclusive(async () => {
      this.releaseStep();
      for (const t of [...this.W, ...this.b]) this.backend.release(t);
      for (const s of [this.trainSet, this.validationSet]) {
        if (s) {
          this.backend.release(s.X);
          this.backend.release(s.Y);
        }
      }
      this.optimizer.release();
      this.disposed = true;
    });
  }

  // ---- internals -------------------------------------------------------------------------------

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.disposed) throw new Error('the session was disposed');
      return fn();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private activationOf = (layer: number): Activation => this.config.model.layers[layer]!.activation;

  private checkLayer(layer: number): void {
    const L = this.config.model.layers.length;
    if (!Number.isInteger(layer) || layer < 0 || layer >= L)
      throw new RangeError(`layer ${layer} does not exist (the model has ${L} layers: 0…${L - 1})`);
  }

  private async runStepsNow(n: number): Promise<RunResult> {
    let stepsCompleted = 0;
    let summary: StepSummary | null = null;
    while (stepsCompleted < n) {
      const r = await this.runOpNow();
      if (r.stepCompleted) {
        stepsCompleted++;
        summary = r.summary;
      }
      if (r.hits.length > 0) return { stepsCompleted, hits: r.hits, summary, next: this.nextOp() };
    }
    return { stepsCompleted, hits: [], summary, next: this.nextOp() };
  }

  private async runOpNow(): Promise<OpResult> {
    if (this.opIndex === 0) this.beginStep();
    const st = this.cur!;
    const op = this.opList[this.opIndex]!;
    this.execute(op, st);
    const produced = this.opProducts[this.opIndex]!;
    const needed = this.opNeeds[this.opIndex]!;
    // Start reads now (the device can overlap them with the next ops); await only what breakpoints need.
    for (const p of st.recording ? produced : needed) this.request(st, p);
    if (op.kind === 'loss') this.request(st, { name: 'loss', index: null, layer: null });
    let hits: BreakpointHit[] = [];
    if (needed.length > 0) {
      const products: Product[] = await Promise.all(
        needed.map(async (p) => ({ ...p, matrix: await this.request(st, p) })),
      );
      hits = evaluateBreakpoints(this.conditions, products, {
        step: st.number,
        op,
        activationOf: this.activationOf,
        // Only a loss-spike condition looks at past losses, and only on the loss op.
        previousLosses:
          op.kind === 'loss' && this.lossSpikeWindow > 0
            ? this.lossLog.slice(-this.lossSpikeWindow).map((l) => l.loss)
            : [],
      });
    }
    this.opIndex++;
    let summary: StepSummary | null = null;
    if (this.opIndex === this.opList.length) {
      // The update has been applied: the step is complete even if summarising it fails below.
      this.completed = st.number;
      this.opIndex = 0;
      summary = await this.finishStep(st);
    }
    return { op, step: st.number, hits, stepCompleted: summary !== null, summary };
  }

  private beginStep(): void {
    this.releaseStep();
    const number = this.completed + 1;
    const slot = this.schedule.slot(this.completed);
    let X: Tensor;
    let Y: Tensor;
    if (this.trainSet) {
      X = this.trainSet.X;
      Y = this.trainSet.Y;
    } else {
      X = this.backend.upload(gatherRows(this.data.X, slot.rows), `X.batch${number}`);
      Y = this.backend.upload(gatherRows(this.data.Y, slot.rows), `Y.batch${number}`);
    }
    const every = this.options.recordEvery;
    this.cur = {
      number,
      slot,
      ownsBatch: this.trainSet === null,
      A: [X],
      H: [],
      G: [],
      dW: [],
      db: [],
      Y,
      loss: null,
      recording: this.recordPolicy === null && every > 0 && number % every === 0,
      reads: new Map(),
    };
  }

  private execute(op: OpRef, st: StepState): void {
    const be = this.backend;
    const spec = this.config.model;
    const L = spec.layers.length;
    switch (op.kind) {
      case 'forward': {
        const i = op.layer!;
        const out = be.denseForward(st.A[i]!, this.W[i]!, this.b[i]!, spec.layers[i]!.activation);
        st.H[i] = out.H;
        st.A[i + 1] = out.A;
        return;
      }
      case 'loss': {
        const out = be.lossAndGradient(st.H[L - 1]!, st.A[L]!, st.Y, spec.layers[L - 1]!.activation, spec.loss);
        st.loss = out.loss;
        st.G[L - 1] = out.G;
        return;
      }
      case 'backward': {
        const i = op.layer!;
        const g = be.weightGradients(st.A[i]!, st.G[i]!);
        st.dW[i] = g.dW;
        st.db[i] = g.db;
        if (i > 0) {
          const act = spec.layers[i - 1]!.activation;
          if (act === 'softmax') throw new Error(`layer ${i - 1}: softmax is allowed on the output layer only`);
          st.G[i - 1] = be.backpropagate(st.G[i]!, this.W[i]!, { H: st.H[i - 1]!, A: st.A[i]!, activation: act });
        }
        return;
      }
      case 'update': {
        const grads: Tensor[] = [];
        for (let i = 0; i < L; i++) grads.push(st.dW[i]!, st.db[i]!);
        this.optimizer.apply(this.updateParams, grads, this.updateIsWeight);
        return;
      }
    }
  }

  /** The tensor behind a product of the current step (W/b are the live parameters). */
  private tensorOf(st: StepState, p: ProductRef): Tensor | null {
    const i = p.index ?? 0;
    switch (p.name) {
      case 'A':
        return st.A[i] ?? null;
      case 'H':
        return st.H[i] ?? null;
      case 'G':
        return st.G[i] ?? null;
      case 'dW':
        return st.dW[i] ?? null;
      case 'db':
        return st.db[i] ?? null;
      case 'W':
        return this.W[i] ?? null;
      case 'b':
        return this.b[i] ?? null;
      case 'loss':
        return st.loss;
    }
  }

  /** Start (once per step) the host read of a product and return it. */
  private request(st: StepState, p: ProductRef): Promise<Matrix<FloatArray>> {
    const key = productKey(p);
    let r = st.reads.get(key);
    if (!r) {
      const t = this.tensorOf(st, p);
      if (!t) throw new Error(`internal: ${key} has not been computed in step ${st.number}`);
      r = this.backend.read(t);
      st.reads.set(key, r);
    }
    return r;
  }

  private async finishStep(st: StepState): Promise<StepSummary> {
    const loss = (await this.request(st, { name: 'loss', index: null, layer: null })).data[0]!;
    const validationLoss =
      st.slot.endsEpoch && this.validationSet
        ? (await this.evaluateTensors(this.validationSet.X, this.validationSet.Y, false)).loss
        : null;
    const epoch = st.slot.endsEpoch ? st.slot.epoch + 1 : st.slot.epoch;
    // Deciding late is exact: the step's products stay untouched until the next step begins,
    // and W, b are read after the update either way.
    if (!st.recording && this.recordPolicy?.(st.number)) st.recording = true;
    const layers = st.recording ? await this.record(st, epoch, loss, validationLoss) : [];
    this.lossLog.push({ step: st.number, loss, validationLoss });
    // Trimmed in chunks (lossCurve() shows the last LOSS_LOG_SIZE): one splice per step would move 100 000 entries every step.
    if (this.lossLog.length >= LOSS_LOG_SIZE + LOSS_LOG_TRIM)
      this.lossLog.splice(0, this.lossLog.length - LOSS_LOG_SIZE);
    this.lastSummary = { step: st.number, epoch, loss, validationLoss, layers };
    return this.lastSummary;
  }

  /** Per-layer stats of a finished step, and its history entry (parameters, optimizer state, decimated matrices). */
  private async record(st: StepState, epoch: number, loss: number, validationLoss: number | null): Promise<LayerStats[]> {
    const spec = this.config.model;
    const get = (name: MatrixName, index: number): Promise<Matrix<FloatArray>> =>
      this.request(st, { name, index, layer: null });
    const perLayer = await Promise.all(
      spec.layers.map(async (layer, i) => {
        const [A, H, G, W, b, dW, db] = await Promise.all([
          get('A', i + 1),
          get('H', i),
          get('G', i),
          get('W', i),
          get('b', i),
          get('dW', i),
          get('db', i),
        ]);
        return { layer: i, activation: layer.activation, A, H, G, W, b, dW, db };
      }),
    );
    const keep = this.history.capacity > 0;
    const { layers, matrices } = recordStep(perLayer, {
      histogramBins: this.options.histogramBins,
      historyMatrixSize: keep ? this.options.historyMatrixSize : null,
    });
    if (keep) {
      this.history.push({
        step: st.number,
        epoch,
        loss,
        validationLoss,
        // The step's reads themselves (snapshots, never written to): no float64 copy per recorded step.
        parameters: { W: perLayer.map((m) => m.W), b: perLayer.map((m) => m.b) },
        optimizer: await this.optimizer.snapshot(),
        layers,
        matrices,
      });
      enforceStateBudget(this.history, this.config.historyBytes ?? DEFAULT_HISTORY_BYTES);
    }
    return layers;
  }

  /** Forward + loss on tensors already on the backend; releases what it made. */
  private async evaluateTensors(X: Tensor, Y: Tensor, withOutput: boolean): Promise<{ loss: number; output: Matrix }> {
    const spec = this.config.model;
    const made: Tensor[] = [];
    try {
      let h = X;
      let a = X;
      spec.layers.forEach((layer, i) => {
        const out = this.backend.denseForward(a, this.W[i]!, this.b[i]!, layer.activation);
        made.push(out.H, out.A);
        h = out.H;
        a = out.A;
      });
      const lg = this.backend.lossAndGradient(h, a, Y, spec.layers[spec.layers.length - 1]!.activation, spec.loss);
      made.push(lg.loss, lg.G);
      const [lossM, output] = await Promise.all([
        this.backend.read(lg.loss),
        withOutput ? this.backend.read(a).then(toFloat64) : null,
      ]);
      return { loss: lossM.data[0]!, output: output ?? { rows: 0, cols: 0, data: new Float64Array(0) } };
    } finally {
      for (const t of made) this.backend.release(t);
    }
  }

  private async getMatrixNow(index: number, name: MatrixName): Promise<Matrix | null> {
    const m = await this.getMatrixRawNow(index, name);
    return m ? toFloat64(m) : null;
  }

  private async getMatrixRawNow(index: number, name: MatrixName): Promise<Matrix<FloatArray> | null> {
    const L = this.config.model.layers.length;
    if (name === 'A') {
      if (!Number.isInteger(index) || index < 0 || index > L)
        throw new RangeError(`A_${index} does not exist (A_0 … A_${L})`);
    } else if (name !== 'loss') {
      this.checkLayer(index);
    }
    const st = this.cur;
    if (name === 'W' || name === 'b') {
      // Between steps, the last step's read of W, b (made after its update: only the update op
      // produces them) is the current value: a frame after a recorded step copies W_0 once, not twice.
      const done = st !== null && this.opIndex === 0 && st.number === this.completed;
      const cached = done ? st.reads.get(productKey({ name, index, layer: null })) : undefined;
      return cached ?? this.backend.read(name === 'W' ? this.W[index]! : this.b[index]!);
    }
    if (!st) return null;
    const p: ProductRef = { name, index: name === 'loss' ? null : index, layer: null };
    return this.tensorOf(st, p) ? this.request(st, p) : null;
  }

  private async readParameters(): Promise<ParameterSet> {
    const [W, b] = await Promise.all([
      Promise.all(this.W.map(async (t) => toFloat64(await this.backend.read(t)))),
      Promise.all(this.b.map(async (t) => toFloat64(await this.backend.read(t)))),
    ]);
    return { W, b };
  }

  /** Release the tensors of the last step (not the shared full-batch data). */
  private releaseStep(): void {
    const st = this.cur;
    if (!st) return;
    const tensors = [...st.A.slice(1), ...st.H, ...st.G, ...st.dW, ...st.db];
    if (st.loss) tensors.push(st.loss);
    if (st.ownsBatch) tensors.push(st.A[0]!, st.Y);
    for (const t of tensors) if (t) this.backend.release(t);
    this.cur = null;
  }
}

/** Validates breakpoint conditions, including that a `layer` they name exists in the model. */
function checkBreakpoints(config: TrainConfig, conditions: readonly BreakpointCondition[]): void {
  validateBreakpoints(conditions);
  const L = config.model.layers.length;
  conditions.forEach((c, k) => {
    if ('layer' in c && c.layer !== undefined && c.layer >= L) {
      throw new RangeError(
        `breakpoints[${k}].layer: layer ${c.layer} does not exist (the model has ${L} layers: 0…${L - 1})`,
      );
    }
  });
}

/** Shapes, sizes and finiteness of a dataset against the model (errors name `dataset.X[r][c]`). */
export function validateDataset(config: TrainConfig, dataset: Dataset): void {
  const spec = config.model;
  const pL = layerWidths(spec)[spec.layers.length]!;
  if (dataset.X.rows < 1) throw new RangeError('dataset.X: needs at least one sample (row)');
  if (dataset.X.cols !== spec.inputSize)
    throw new RangeError(`dataset.X: has ${dataset.X.cols} column(s) but the model's inputSize is ${spec.inputSize}`);
  if (dataset.Y.cols !== pL)
    throw new RangeError(`dataset.Y: has ${dataset.Y.cols} column(s) but the output layer has ${pL} unit(s)`);
  if (dataset.Y.rows !== dataset.X.rows)
    throw new RangeError(`dataset.Y: has ${dataset.Y.rows} row(s) but dataset.X has ${dataset.X.rows}`);
  for (const [name, m] of [
    ['X', dataset.X],
    ['Y', dataset.Y],
  ] as const) {
    for (let k = 0; k < m.data.length; k++) {
      if (!Number.isFinite(m.data[k]!)) {
        const r = Math.floor(k / m.cols);
        throw new RangeError(`dataset.${name}[${r}][${k - r * m.cols}]: ${String(m.data[k])} is not a finite number`);
      }
    }
  }
  if (spec.loss === 'cross-entropy') checkProbabilityTargets(dataset.Y, 'dataset.Y');
}

/** Largest |Σ_j Y_ij − 1| a cross-entropy target row may have (as engine/data checks on load). */
export const PROBABILITY_ROW_TOLERANCE = 1e-6;

/**
 * Cross-entropy targets must be probability rows (FORMATS.md): G = (softmax(H) − Y)/n is the
 * gradient only when every row of Y sums to 1, so other targets would train on a wrong gradient.
 */
export function checkProbabilityTargets(Y: Matrix<FloatArray>, path: string): void {
  for (let i = 0; i < Y.rows; i++) {
    let sum = 0;
    for (let j = 0; j < Y.cols; j++) {
      const v = Y.data[i * Y.cols + j]!;
      if (!(v >= 0))
        throw new RangeError(`${path}[${i}][${j}]: ${v} is negative; cross-entropy targets must be probabilities`);
      sum += v;
    }
    if (!(Math.abs(sum - 1) <= PROBABILITY_ROW_TOLERANCE))
      throw new RangeError(
        `${path}[${i}]: sums to ${sum}, not 1; cross-entropy targets must be one-hot or probability rows`,
      );
  }
}

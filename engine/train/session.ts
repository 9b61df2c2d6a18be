/**
 * size-budget: the Session class is the engine's one training API (its state and serialised entry points stay in one class); its parts already live beside it (session-setup, step-state, recording, evaluate, loss-log, breakpoint-watch).
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
 * pressed twice) run one after another instead of interleaving ops. Around it: session-setup.ts, step-state.ts
 * (the ops), breakpoint-watch.ts, recording.ts, evaluate.ts (forward-only), validate.ts, loss-log.ts.
 */
import type { Backend, Tensor } from '../backends/backend.js';
import { type FloatArray, type Matrix, gatherRows, toFloat64 } from '../core/matrix.js';
import type { Preprocessing } from '../data/types.js';
import { type MatrixName, type ProductRef, opProducts } from './breakpoints.js';
import type { BatchSchedule } from './batching.js';
import { stepOps } from './equations.js';
import { type HistoryEntry, type RestorableEntry, type RingBuffer, restorableStep } from './history.js';
import { validateParameters } from './init.js';
import { evaluateBatch, lossOnTensors, predictBatch } from './evaluate.js';
import { recordFinishedStep } from './recording.js';
import { DEFAULT_HISTORY_BYTES, type SessionSetup, prepareSession } from './session-setup.js';
import { type LossEntry, LossLog } from './loss-log.js';
import type { LayerMatrices, OpResult, RunResult, SessionOptions, SessionPosition } from './session-types.js';
import {
  type Network,
  type StepState,
  type UpdateTarget,
  checkLayer,
  executeOp,
  newStepState,
  readStepMatrix,
  releaseStepTensors,
  requestRead,
} from './step-state.js';
import { checkBreakpoints } from './validate.js';
import { BreakpointWatch } from './breakpoint-watch.js';
import { Optimizer } from './optimizer.js';
import type {
  BreakpointCondition,
  Dataset,
  LayerStats,
  OpRef,
  ParameterSet,
  StepSummary,
  TrainConfig,
} from './types.js';

export { DEFAULT_HISTORY_BYTES, DEFAULT_HISTORY_MATRIX_SIZE, DEFAULT_HISTORY_SIZE, estimateSessionMemory } from './session-setup.js';
export { LOSS_LOG_SIZE } from './loss-log.js';

export type { LayerMatrices, OpResult, RunResult, SessionOptions, SessionPosition } from './session-types.js';

export class Session {
  readonly history: RingBuffer<HistoryEntry>;
  private readonly opList: readonly OpRef[];
  private readonly W: Tensor[];
  private readonly b: Tensor[];
  private readonly optimizer: Optimizer;
  private readonly schedule: BatchSchedule;
  private readonly trainSet: { X: Tensor; Y: Tensor } | null;
  private readonly validationSet: { X: Tensor; Y: Tensor } | null;
  /** Per op (index in opList): what it produces (read back on recorded steps). */
  private readonly opProducts: readonly ProductRef[][];
  private readonly watch: BreakpointWatch;
  /** The live parameters, for the ops and forward-only evaluation. */
  private readonly net: Network;
  /** W_0, b_0, W_1, b_1, … and which of them take weight decay, in the optimizer's order. */
  private readonly update: UpdateTarget;
  private completed = 0;
  private opIndex = 0;
  private cur: StepState | null = null;
  private readonly lossLog = new LossLog();
  private lastSummary: StepSummary | null = null;
  /** Set by setRecordPolicy: replaces recordEvery, asked when each step ends. */
  private recordPolicy: ((step: number) => boolean) | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private settings: TrainConfig;

  /** The rows the session trains and validates on, after the configured normalisation. */
  readonly data: Dataset;
  /** The normalisation fitted on this session's training rows (null: the data as given). */
  readonly preprocessing: Preprocessing | null;
  readonly trainRows: Int32Array;
  readonly validationRows: Int32Array;
  private readonly options: SessionSetup['options'];

  private constructor(
    setup: SessionSetup,
    readonly backend: Backend,
  ) {
    const { config, data, trainRows, validationRows, params } = setup;
    this.settings = config;
    this.data = data;
    this.preprocessing = setup.preprocessing;
    this.trainRows = trainRows;
    this.validationRows = validationRows;
    this.options = setup.options;
    const spec = config.model;
    this.opList = stepOps(spec, config.optimizer);
    this.opProducts = this.opList.map((op) => opProducts(op, spec.layers.length));
    this.watch = new BreakpointWatch(spec, this.opList);
    this.history = setup.history;
    this.schedule = setup.schedule;
    this.W = params.W.map((w, i) => backend.upload(w, `W${i}`));
    this.b = params.b.map((v, i) => backend.upload(v, `b${i}`));
    const shapes = params.W.flatMap((w, i) => [
      { rows: w.rows, cols: w.cols, label: `W${i}` },
      { rows: 1, cols: w.cols, label: `b${i}` },
    ]);
    this.optimizer = new Optimizer(backend, config.optimizer, shapes);
    this.net = { backend, spec, W: this.W, b: this.b };
    this.update = {
      optimizer: this.optimizer,
      params: spec.layers.flatMap((_, i) => [this.W[i]!, this.b[i]!]),
      isWeight: spec.layers.flatMap(() => [true, false]),
    };
    const upload = (rows: Int32Array, what: string) => ({
      X: backend.upload(gatherRows(data.X, rows), `X.${what}`),
      Y: backend.upload(gatherRows(data.Y, rows), `Y.${what}`),
    });
    // Full batch: the batch never changes, so it is uploaded once.
    this.trainSet = setup.schedule.fullBatch ? upload(trainRows, 'train') : null;
    this.validationSet = validationRows.length > 0 ? upload(validationRows, 'validation') : null;
  }

  /**
   * Validates everything (model, optimizer, dataset shapes and values, user parameters, breakpoints),
   * initialises the parameters from the seed (or takes the given ones), splits the data, fits the
   * configured normalisation on the training rows of that split (session-setup.ts), uploads, and
   * records step 0 in the history.
   */
  static async create(
    config: TrainConfig,
    dataset: Dataset,
    backend: Backend,
    options: SessionOptions = {},
  ): Promise<Session> {
    // Everything that can be wrong is checked before the first upload, so a bad config leaks no backend memory.
    const setup = prepareSession(config, dataset, backend, options);
    const session = new Session(setup, backend);
    session.setBreakpoints(setup.breakpoints);
    if (session.history.capacity > 0) {
      session.history.push({
        step: 0,
        epoch: 0,
        loss: null,
        validationLoss: null,
        parameters: setup.params,
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
    this.watch.set(conditions);
  }

  breakpoints(): readonly BreakpointCondition[] {
    return this.watch.current;
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
  lossCurve(): readonly LossEntry[] {
    return this.lossLog.curve();
  }

  /**
   * Puts back the losses of the steps up to the current one (a reopened session file), oldest
   * first: the loss curve and the loss-spike breakpoint then see the same past losses as the run
   * that was saved, so a spike fires at the same step as if the session had never been closed.
   */
  restoreLossCurve(points: readonly LossEntry[]): void {
    this.lossLog.replace(points, this.completed);
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
      checkLayer(this.config.model.layers.length, layer);
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
    return this.exclusive(() => evaluateBatch(this.net, X, Y));
  }

  /** The network's output F for inputs X with the current parameters. */
  predict(X: Matrix<FloatArray>): Promise<Matrix> {
    return this.exclusive(() => predictBatch(this.net, X));
  }

  /** Validation loss of the current parameters (null without a validation set). */
  validationLoss(): Promise<number | null> {
    return this.exclusive(async () =>
      this.validationSet ? (await lossOnTensors(this.net, this.validationSet.X, this.validationSet.Y, false)).loss : null,
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
      const entry =
        typeof target === 'number'
          ? restorableStep(this.history, target)
          : this.checkedCheckpoint(target);
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
      this.lossLog.truncateAfter(step);
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

  /** A restore target given as an entry (a checkpoint from a file): its shapes checked against this model. */
  private checkedCheckpoint(entry: RestorableEntry): RestorableEntry {
    if (!Number.isInteger(entry.step) || entry.step < 0)
      throw new RangeError(`restore: step must be an integer ≥ 0, got ${entry.step}`);
    validateParameters(this.config.model, entry.parameters, 'checkpoint.parameters');
    this.optimizer.checkSnapshot(entry.optimizer, 'checkpoint.optimizer');
    return entry;
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

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.disposed) throw new Error('the session was disposed');
      return fn();
    });
    this.queue = run.catch(() => undefined);
    return run;
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
    executeOp(this.net, this.update, op, st);
    const needed = this.watch.needed(this.opIndex);
    const read = (p: ProductRef) => requestRead(this.net, st, p);
    // Start reads now (the device can overlap them with the next ops); await only what breakpoints need.
    for (const p of st.recording ? this.opProducts[this.opIndex]! : needed) void read(p);
    if (op.kind === 'loss') void read({ name: 'loss', index: null, layer: null });
    const hits = await this.watch.check(st.number, op, read, (n) => this.lossLog.recentLosses(n));
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
    // Full batch: the uploaded training set; otherwise the step's rows, uploaded now.
    const batch = this.trainSet ?? {
      X: this.backend.upload(gatherRows(this.data.X, slot.rows), `X.batch${number}`),
      Y: this.backend.upload(gatherRows(this.data.Y, slot.rows), `Y.batch${number}`),
    };
    const every = this.options.recordEvery;
    const recording = this.recordPolicy === null && every > 0 && number % every === 0;
    this.cur = newStepState(number, slot, batch, this.trainSet === null, recording);
  }


  private async finishStep(st: StepState): Promise<StepSummary> {
    const loss = (await requestRead(this.net, st, { name: 'loss', index: null, layer: null })).data[0]!;
    const validationLoss =
      st.slot.endsEpoch && this.validationSet
        ? (await lossOnTensors(this.net, this.validationSet.X, this.validationSet.Y, false)).loss
        : null;
    const epoch = st.slot.endsEpoch ? st.slot.epoch + 1 : st.slot.epoch;
    // Deciding late is exact: the step's products stay untouched until the next step begins,
    // and W, b are read after the update either way.
    if (!st.recording && this.recordPolicy?.(st.number)) st.recording = true;
    const layers = st.recording ? await this.record(st, epoch, loss, validationLoss) : [];
    this.lossLog.push({ step: st.number, loss, validationLoss });
    this.lastSummary = { step: st.number, epoch, loss, validationLoss, layers };
    return this.lastSummary;
  }

  private record(st: StepState, epoch: number, loss: number, validationLoss: number | null): Promise<LayerStats[]> {
    return recordFinishedStep(
      {
        net: this.net,
        history: this.history,
        optimizer: this.optimizer,
        histogramBins: this.options.histogramBins,
        historyMatrixSize: this.options.historyMatrixSize,
        historyBytes: this.config.historyBytes ?? DEFAULT_HISTORY_BYTES,
      },
      st,
      { epoch, loss, validationLoss },
    );
  }

  private async getMatrixNow(index: number, name: MatrixName): Promise<Matrix | null> {
    const m = await this.getMatrixRawNow(index, name);
    return m ? toFloat64(m) : null;
  }

  private getMatrixRawNow(index: number, name: MatrixName): Promise<Matrix<FloatArray> | null> {
    const st = this.cur;
    return readStepMatrix(this.net, st, st !== null && this.opIndex === 0 && st.number === this.completed, index, name);
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
    if (this.cur) releaseStepTensors(this.backend, this.cur);
    this.cur = null;
  }

}

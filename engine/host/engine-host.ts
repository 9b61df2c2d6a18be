/**
 * The engine side of the protocol: binds one port-like endpoint to a training Session. The same
 * code runs in the hidden Electron window, in a Web Worker, and in Node (tests, benchmarks).
 *
 * - Every message is parsed by `parseCommand`; a malformed one gets an `error` event, nothing else.
 * - Commands run one after another (a chain), except `pause`, `ack` and `ping`, which act at once
 *   so they work while a long command or the training loop is busy.
 * - Training runs in slices of a few milliseconds; between slices the loop yields to the event
 *   loop, so messages are handled while training runs. Frames go out at the configured rate when
 *   the consumer has credit (FrameGate); checkpoints every couple of seconds and on every pause.
 */
import type { Backend } from '../backends/backend.js';
import type { BreakpointCondition, BreakpointHit, TrainConfig } from '../train/types.js';
import { Session } from '../train/session.js';
import type { LabeledDataset } from '../data/types.js';
import { layerWidths } from '../model/spec.js';
import { applyTransform, invertTransform } from '../data/preprocessing.js';
import type { Command, CommandOf, ProtocolTrainConfig } from '../protocol/commands.js';
import { COMMAND_TYPES } from '../protocol/commands.js';
import type { Endpoint, MessageLike } from '../protocol/endpoint.js';
import type { BackendInfo, EventBody, EventOf, RunState, StateReason } from '../protocol/events.js';
import { fullResolution, MATRIX_NAMES, transferablesOf } from '../protocol/matrix-payload.js';
import type { MatrixName, MatrixPayload } from '../protocol/matrix-payload.js';
import { batchOfStep, compareBackends } from './backend-compare.js';
import { datasetPreview } from './dataset-preview.js';
import { parseCommand } from '../protocol/parse.js';
import { DEFAULT_MAX_STREAM_SIZE, DEFAULT_TELEMETRY_BUDGET, PROTOCOL_VERSION } from '../protocol/version.js';
import type { BackendProvider, ProvidedBackend } from './backend-provider.js';
import { defaultBackendProvider } from './backend-provider.js';
import type { DatasetProvider } from './dataset-provider.js';
import { defaultDatasetProvider } from './dataset-provider.js';
import { errorEvent, FieldError, InvalidStateError, NotFoundError } from './errors.js';
import { buildExport } from './exports.js';
import { runGradcheck } from './gradcheck-command.js';
import { TelemetryPacing } from './telemetry-pacing.js';
import { type HistoryEntry, isRestorable, stepRange } from '../train/history.js';
import { telemetryKernelsAvailable } from '../telemetry/kernels.js';
import {
  buildHistoryFrame,
  buildLiveFrame,
  DEFAULT_SELECTION,
  historyPayload,
  opOperands,
  readMatrices,
} from './telemetry.js';
import type { TelemetrySettings } from './telemetry.js';
import { sleep, yieldToEvents } from './yield.js';

export interface EngineHostOptions {
  readonly backendProvider?: BackendProvider;
  readonly datasetProvider?: DatasetProvider;
  /** Milliseconds clock (performance.now by default). */
  readonly now?: () => number;
  /** Training runs this long between yields to the event loop. */
  readonly sliceMs?: number;
  /** Checkpoints go out at most this often while training (and on every pause). */
  readonly checkpointEveryMs?: number;
}

interface Run {
  readonly token: number;
  readonly maxSteps: number | null;
  readonly stepsPerSecond: number | null;
  done: number;
  readonly startedAt: number;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export class EngineHost {
  private readonly opts: Required<EngineHostOptions>;
  private chain: Promise<void> = Promise.resolve();
  private readonly onMessage = (e: MessageLike): void => this.receive(e.data);
  /** What the engine offers before a model is known (sent in `ready`). */
  private offered: BackendInfo | null = null;
  private sessionBackend: ProvidedBackend | null = null;
  private dataset: LabeledDataset | null = null;
  private config: TrainConfig | null = null;
  private configBackend: ProtocolTrainConfig['backend'];
  private session: Session | null = null;
  private breakpoints: BreakpointCondition[] = [];
  private readonly telemetry: TelemetrySettings = {
    matrices: DEFAULT_SELECTION,
    histograms: true,
    maxSize: DEFAULT_MAX_STREAM_SIZE,
    budget: DEFAULT_TELEMETRY_BUDGET,
  };
  private readonly pacing = new TelemetryPacing(() => this.telemetry.budget);
  private readonly gate = this.pacing.gate;
  private run: Run | null = null;
  private runToken = 0;
  private lastFrameStep = 0;
  private lastCheckpointAt = -Infinity;
  /** The step that ends the slice being run (recording candidates). */
  private sliceEnd = 0;
  /** Measured milliseconds per training step (kept across runs; reset when the model changes). */
  private msPerStep = Infinity;
  private disposed = false;
  private fatal = false;
  private initialized: Promise<void> | null = null;

  constructor(
    private readonly endpoint: Endpoint,
    options: EngineHostOptions = {},
  ) {
    this.opts = {
      backendProvider: options.backendProvider ?? defaultBackendProvider,
      datasetProvider: options.datasetProvider ?? defaultDatasetProvider,
      now: options.now ?? now,
      sliceMs: options.sliceMs ?? 12,
      checkpointEveryMs: options.checkpointEveryMs ?? 2000,
    };
  }

  /** Start listening, pick the backend, announce `ready`. */
  start(): Promise<void> {
    if (this.initialized) return this.initialized;
    this.endpoint.addEventListener('message', this.onMessage);
    this.endpoint.start?.();
    this.initialized = (async () => {
      this.offered = await this.opts.backendProvider.probe();
      this.post(this.readyBody());
    })();
    return this.initialized;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.runToken++;
    this.endpoint.removeEventListener('message', this.onMessage);
    await this.dropSession();
  }

  // ---- messages --------------------------------------------------------------------------------

  private receive(data: unknown): void {
    if (this.disposed) return;
    const parsed = parseCommand(data);
    if (!parsed.ok) {
      this.send(parsed.error);
      return;
    }
    const c = parsed.command;
    // Immediate commands: they must work while the chain or the training loop is busy.
    if (c.type === 'ack') return this.gate.ack(c.seq);
    if (c.type === 'ping') return this.post({ type: 'pong', step: this.session?.position.step ?? 0 }, c.id);
    if (c.type === 'pause') this.stopRun();
    this.chain = this.chain.then(() => this.handle(c));
  }

  private async handle(c: Command): Promise<void> {
    try {
      await this.start();
      if (this.fatal) throw new InvalidStateError('the engine lost its compute device and must be restarted');
      await this.dispatch(c);
    } catch (e) {
      const event = errorEvent(e, c.type, c.id);
      if (event.fatal) {
        this.fatal = true;
        this.stopRun();
      }
      this.send(event);
      // A failure while running (a device lost mid-step, a read that failed) stops the run.
      if (this.run === null && this.session && c.type !== 'pause') this.postState('error');
    }
  }

  private async dispatch(c: Command): Promise<void> {
    switch (c.type) {
      case 'hello':
        return this.post(this.readyBody(), c.id);
      case 'load-dataset':
        return this.loadDataset(c);
      case 'configure':
        return this.configure(c);
      case 'start':
        return this.startRun(c);
      case 'pause':
        await this.afterPause();
        return this.postState('command', c.id);
      case 'step':
        return this.step(c);
      case 'step-op':
        return this.stepOp(c);
      case 'reset':
        return this.reset(c);
      case 'set-breakpoints':
        this.session?.setBreakpoints(c.breakpoints);
        this.breakpoints = c.breakpoints;
        return this.post({ type: 'accepted', command: c.type }, c.id);
      case 'request-matrix':
        return this.requestMatrix(c);
      case 'request-frame':
        return this.requestFrame(c);
      case 'request-history': {
        const { session } = this.need();
        const entries = session.history.toArray();
        const steps = entries.map((e) => e.step);
        const restorable = entries.filter(isRestorable).map((e) => e.step);
        return this.post({ type: 'history', steps, restorable, step: session.position.step }, c.id);
      }
      case 'rewind':
        return this.rewind(c);
      case 'set-learning-rate':
        this.need().session.setLearningRate(c.lr);
        return this.post({ type: 'accepted', command: c.type }, c.id);
      case 'gradcheck':
        return this.gradcheck(c);
      case 'export': {
        const { session, dataset } = this.need();
        const body = await buildExport(c.what, session, dataset);
        return this.post(body, c.id);
      }
      case 'set-frame-rate':
        this.gate.setFrameRate(c.fps);
        return this.post({ type: 'accepted', command: c.type }, c.id);
      case 'set-telemetry':
        if (c.matrices) this.telemetry.matrices = c.matrices;
        if (c.histograms !== undefined) this.telemetry.histograms = c.histograms;
        if (c.maxSize !== undefined) this.telemetry.maxSize = c.maxSize;
        if (c.window !== undefined) this.gate.setWindow(c.window);
        if (c.budget !== undefined) this.telemetry.budget = c.budget;
        if (c.recordRate !== undefined) this.pacing.recordRate = c.recordRate;
        return this.post({ type: 'accepted', command: c.type }, c.id);
      case 'restore':
        return this.restore(c);
      case 'predict':
        return this.predict(c);
      case 'compare-backends':
        return this.compareBackends(c);
      case 'ack':
      case 'ping':
        return; // handled in receive()
    }
  }

  // ---- commands --------------------------------------------------------------------------------

  private async loadDataset(c: CommandOf<'load-dataset'>): Promise<void> {
    this.stopRun();
    let lastProgress = 0;
    const ds = await this.opts.datasetProvider(c.source, (p) => {
      const t = this.opts.now();
      if (t - lastProgress < 100) return;
      lastProgress = t;
      this.post(
        {
          type: 'progress',
          task: 'load-dataset',
          done: p.done,
          total: p.total,
          message: `reading ${c.source.kind === 'file' ? c.source.fileName : 'data'}`,
        },
        c.id,
      );
    });
    await this.dropSession();
    this.dataset = ds;
    const preview = datasetPreview(ds);
    this.post(
      {
        type: 'dataset-loaded',
        name: ds.meta.name,
        samples: ds.X.rows,
        inputSize: ds.X.cols,
        outputSize: ds.Y.cols,
        featureNames: ds.meta.featureNames,
        targetNames: ds.meta.targetNames,
        classNames: ds.meta.classNames,
        preview,
        ...(ds.meta.inferred ? { inferred: ds.meta.inferred } : {}),
      },
      c.id,
      transferablesOf([preview.X, preview.Y]),
    );
    this.postState('loaded');
  }

  private async configure(c: CommandOf<'configure'>): Promise<void> {
    if (!this.dataset) throw new InvalidStateError('configure: load a dataset first');
    this.stopRun();
    const { backend: preference, ...rest } = c.config;
    const config: TrainConfig = {
      ...rest,
      init:
        typeof rest.init === 'string'
          ? rest.init
          : { parameters: { W: rest.init.parameters.W.map(toMatrix), b: rest.init.parameters.b.map(toMatrix) } },
    };
    await this.createSession(config, preference);
    const session = this.session!;
    const widths = layerWidths(config.model);
    this.post(
      {
        type: 'configured',
        parameterCount: widths.slice(1).reduce((n, w, i) => n + widths[i]! * w + w, 0),
        shapes: config.model.layers.map((_, i) => ({
          layer: i,
          W: [widths[i]!, widths[i + 1]!] as const,
          b: [1, widths[i + 1]!] as const,
        })),
        ops: session.ops(),
        trainSize: session.trainRows.length,
        validationSize: session.validationRows.length,
        backend: this.sessionBackend!.info,
        preprocessing: session.preprocessing,
      },
      c.id,
    );
    this.postState('configured');
  }

  /**
   * A new session for `config`. The backend is chosen for the model's size (or as requested);
   * `reuseBackend` keeps the current one (reset: same model, same choice, no new GPU device).
   */
  private async createSession(
    config: TrainConfig,
    preference: ProtocolTrainConfig['backend'],
    reuseBackend = false,
  ): Promise<void> {
    const keep = reuseBackend ? this.sessionBackend : null;
    await this.dropSession(keep === null);
    let provided = keep;
    if (!provided) {
      const n = this.dataset!.X.rows;
      const trainRows = Math.max(1, n - Math.floor(n * config.validationFraction));
      const batchSize = config.batchSize === 'full' ? trainRows : Math.min(config.batchSize, trainRows);
      provided = await this.opts.backendProvider.create({
        spec: config.model,
        batchSize,
        ...(preference ? { requested: preference } : {}),
      });
      this.watchBackend(provided);
    }
    this.sessionBackend = provided;
    this.session = await Session.create(config, this.dataset!, provided.backend, {
      breakpoints: this.validBreakpoints(config),
      // Compute only what is streamed: histograms cost a pass over four matrices per layer per step.
      ...(this.telemetry.histograms ? {} : { histogramBins: null }),
    });
    this.session.setRecordPolicy(this.shouldRecord);
    this.config = config;
    this.configBackend = preference;
    this.lastFrameStep = 0;
    this.msPerStep = Infinity;
    this.pacing.reset();
  }

  /** Breakpoints naming layers the new model lacks are dropped rather than failing the configuration. */
  private validBreakpoints(config: TrainConfig): BreakpointCondition[] {
    const L = config.model.layers.length;
    return this.breakpoints.filter((b) => !('layer' in b) || b.layer === undefined || b.layer < L);
  }

  private watchBackend(p: ProvidedBackend): void {
    p.onLost?.((message) => {
      if (this.disposed || this.sessionBackend !== p) return;
      this.fatal = true;
      this.stopRun();
      this.send({
        v: PROTOCOL_VERSION,
        type: 'error',
        code: 'device-lost',
        message,
        path: null,
        command: null,
        fatal: true,
      });
    });
  }

  /** Disposes the session and, unless it is kept for the next one, its backend (GPU device, worker threads). */
  private async dropSession(disposeBackend = true): Promise<void> {
    const s = this.session;
    const b = this.sessionBackend;
    this.session = null;
    if (s) await s.dispose().catch(() => undefined);
    if (disposeBackend && b) {
      this.sessionBackend = null;
      try {
        b.backend.dispose();
      } catch {
        // Already gone (a lost device): nothing left to free.
      }
    }
  }

  private async reset(c: CommandOf<'reset'>): Promise<void> {
    if (!this.config || !this.dataset) throw new InvalidStateError('reset: nothing to reset (configure a model first)');
    this.stopRun();
    await this.createSession(this.config, this.configBackend, true);
    this.postState('reset', c.id);
  }

  /**
   * Installs a checkpoint (normally from a previous engine, after a restart). Session.restore(entry)
   * checks every shape (parameters and optimizer state) before anything is written to the backend,
   * works with the history switched off, and makes the checkpoint the newest history entry (newer
   * steps are dropped, so time travel never mixes two timelines).
   */
  private async restore(c: CommandOf<'restore'>): Promise<void> {
    const { session } = this.need();
    this.stopRun();
    const cp = c.checkpoint;
    const parameters = { W: cp.parameters.W.map(toMatrix), b: cp.parameters.b.map(toMatrix) };
    const optimizer = cp.optimizer
      ? { updates: cp.optimizer.updates, buffers: cp.optimizer.buffers.map((list) => list.map(toMatrix)) }
      : freshOptimizer(session.config);
    try {
      await session.restore({
        step: cp.step,
        epoch: cp.epoch,
        loss: null,
        validationLoss: null,
        parameters,
        optimizer,
        layers: [],
        matrices: {},
      });
    } catch (e) {
      // A checkpoint that does not fit this model is the command's fault: say where, as for configure.
      if (e instanceof RangeError || (e instanceof Error && e.name === 'ParameterError')) {
        // The session names parameters "checkpoint.parameters[i].W"; the command's key path is "….W[i]".
        const path = (/^(checkpoint\.[\w.[\]]+):/.exec(e.message)?.[1] ?? 'checkpoint').replace(
          /^checkpoint\.parameters\[(\d+)\]\.(W|b)/,
          'checkpoint.parameters.$2[$1]',
        );
        throw new FieldError(e.message, path);
      }
      throw e;
    }
    this.lastFrameStep = cp.step;
    this.postState('restored', c.id);
  }

  /** Back to a kept step with its state (Session.restore), paused there, with that step's frame. */
  private async rewind(c: CommandOf<'rewind'>): Promise<void> {
    const { session } = this.need();
    this.stopRun();
    try {
      await session.restore(c.step);
    } catch (e) {
      // Not kept, or kept for viewing only: the message says which steps can be rewound to.
      if (e instanceof RangeError) throw new NotFoundError(e.message.replace(/^restore: /, 'rewind: '));
      throw e;
    }
    this.lastFrameStep = c.step;
    // The step's products are gone (only its parameters and state came back), so the views get the
    // step as the history recorded it (stats, decimated matrices), as the one current frame.
    const entry = session.history.toArray().at(-1);
    if (entry && entry.step === c.step && c.step > 0) {
      const frame = this.historyFrame(session, entry);
      const ticket = this.gate.take(this.opts.now(), true)!;
      this.send({ ...frame, seq: ticket.seq, historical: false }, transferablesOf(frame.matrices));
    }
    await this.maybeCheckpoint(true);
    this.postState('rewound', c.id);
  }

  /** A history entry's frame, A_0 recomputed from the batch schedule (the history does not keep it). */
  private historyFrame(session: Session, entry: HistoryEntry): EventOf<'frame'> {
    return buildHistoryFrame(entry, this.telemetry, session.config.model.layers.length, undefined, () =>
      entry.step > 0 ? batchOfStep(session, entry.step - 1).X : null,
    );
  }

  private async predict(c: CommandOf<'predict'>): Promise<void> {
    const { session } = this.need();
    const step = session.position.step;
    // X is in the data's own units (the dashboard shows the data as loaded): the session's
    // normalisation maps it to what the network saw, and regression outputs map back to target units.
    const pre = session.preprocessing;
    const raw = toMatrix(c.X);
    const F0 = await session.predict(pre?.inputs ? applyTransform(raw, pre.inputs) : raw);
    const F = pre?.outputs ? invertTransform(F0, pre.outputs) : F0;
    const payload = fullResolution(F, session.config.model.layers.length, 'A');
    this.post({ type: 'prediction', F: payload, step }, c.id, transferablesOf([payload]));
  }

  private async compareBackends(c: CommandOf<'compare-backends'>): Promise<void> {
    const { session } = this.need();
    const current = session.backend;
    const wanted =
      c.backend ?? (current.precision === 'f32' ? current.name : this.offered?.adapter ? 'webgpu-f32' : 'cpu-f32');
    let fast: Backend = current;
    let owned: Backend | null = null;
    if (current.name !== wanted) {
      const provided = await this.opts.backendProvider.create({
        spec: session.config.model,
        batchSize: Math.min(
          session.trainRows.length,
          session.config.batchSize === 'full' ? Infinity : session.config.batchSize,
        ),
        requested: wanted,
      });
      owned = provided.backend;
      fast = owned;
      if (fast.precision !== 'f32') {
        owned.dispose();
        throw new InvalidStateError(`compare-backends: no float32 backend is available here (${wanted} was asked for)`);
      }
    }
    try {
      const body = await compareBackends(session, fast, this.telemetry.maxSize);
      this.post(body, c.id, transferablesOf(body.layers.flatMap((l) => [l.G, l.dW, l.db])));
    } finally {
      owned?.dispose();
    }
  }

  /**
   * Announces breakpoint hits, each with the matrix it refers to, after a frame of the same
   * moment so every view (heatmaps, stats) already shows what tripped it.
   */
  private async reportHits(hits: readonly BreakpointHit[]): Promise<void> {
    const session = this.session;
    if (!session) return;
    await this.maybeFrame(true, hits);
    for (const hit of hits) {
      const matrices = await readMatrices(session, hitMatrices([hit]), this.telemetry.maxSize);
      this.post({ type: 'breakpoint-hit', hit, matrices }, undefined, transferablesOf(matrices));
    }
  }

  private startRun(c: CommandOf<'start'>): void {
    this.need();
    this.stopRun();
    const run: Run = {
      token: ++this.runToken,
      maxSteps: c.maxSteps ?? null,
      stepsPerSecond: c.stepsPerSecond ?? null,
      done: 0,
      startedAt: this.opts.now(),
    };
    this.run = run;
    this.pacing.startMeter(run.startedAt, this.session!.position.step);
    this.postState('command', c.id);
    void this.loop(run);
  }

  private stopRun(): void {
    this.run = null;
    this.runToken++;
  }

  private async loop(run: Run): Promise<void> {
    let lastN = 1;
    const alive = (): boolean => this.run === run && !this.disposed;
    // The Session serialises its own calls, so commands handled meanwhile (step-op, configure) wait for the slice.
    while (alive()) {
      const session = this.session!;
      // Steps per slice from the measured step time; start at one step and at most double, so a
      // slow network never holds a pause (which takes effect between slices) for long.
      let n = Math.max(1, Math.min(10_000, 2 * lastN, Math.floor(this.opts.sliceMs / Math.max(this.msPerStep, 1e-3))));
      if (!Number.isFinite(this.msPerStep)) n = 1;
      if (run.maxSteps !== null) n = Math.min(n, run.maxSteps - run.done);
      if (run.stepsPerSecond !== null) {
        const allowed = Math.floor(((this.opts.now() - run.startedAt) / 1000) * run.stepsPerSecond) + 1 - run.done;
        if (allowed <= 0) {
          await sleep(Math.min(1000 / run.stepsPerSecond, 50));
          await this.maybeFrame().catch((e: unknown) => this.send(errorEvent(e, null, undefined)));
          continue;
        }
        n = Math.min(n, allowed);
      }
      const t0 = this.opts.now();
      this.sliceEnd = session.position.step + n;
      let result;
      try {
        result = await session.runSteps(n);
      } catch (e) {
        if (!alive()) return;
        this.stopRun();
        this.send(errorEvent(e, 'start', undefined));
        if (!this.fatal) await this.afterPause();
        this.postState('error');
        return;
      }
      if (!alive()) return;
      const dt = this.opts.now() - t0;
      if (result.stepsCompleted > 0) {
        const measured = dt / result.stepsCompleted;
        this.msPerStep = Number.isFinite(this.msPerStep) ? 0.7 * this.msPerStep + 0.3 * measured : measured;
      }
      lastN = n;
      run.done += result.stepsCompleted;
      if (result.hits.length > 0) {
        this.stopRun();
        await this.reportHits(result.hits);
        await this.maybeCheckpoint(true);
        this.postState('breakpoint');
        return;
      }
      if (run.maxSteps !== null && run.done >= run.maxSteps) {
        this.stopRun();
        await this.afterPause();
        this.postState('max-steps');
        return;
      }
      try {
        await this.maybeFrame();
        await this.maybeCheckpoint(false);
      } catch (e) {
        // A failed read for telemetry is reported but does not stop training.
        this.send(errorEvent(e, null, undefined));
      }
      await yieldToEvents();
    }
  }

  private async step(c: CommandOf<'step'>): Promise<void> {
    const { session } = this.need();
    this.stopRun();
    const token = this.runToken;
    let left = c.count;
    let stopped: StateReason = 'command';
    while (left > 0 && token === this.runToken && !this.disposed) {
      const r = await session.runSteps(Math.min(left, 64));
      left -= Math.max(1, r.stepsCompleted);
      if (r.hits.length > 0) {
        await this.reportHits(r.hits);
        stopped = 'breakpoint';
        break;
      }
      if (left > 0) {
        await this.maybeFrame();
        await yieldToEvents();
      }
    }
    if (stopped === 'breakpoint') await this.maybeCheckpoint(true);
    else await this.afterPause();
    this.postState(stopped, c.id);
  }

  private async stepOp(c: CommandOf<'step-op'>): Promise<void> {
    const { session } = this.need();
    this.stopRun();
    const r = await session.runOp();
    const L = session.config.model.layers.length;
    const matrices = await readMatrices(session, opOperands(r.op, L), this.telemetry.maxSize);
    const next = session.position.opIndex === 0 ? null : session.nextOp();
    this.post({ type: 'op-stepped', step: r.step, op: r.op, next, matrices }, c.id, transferablesOf(matrices));
    if (r.hits.length > 0) await this.reportHits(r.hits);
    if (r.stepCompleted) {
      if (r.hits.length === 0) await this.maybeFrame(true);
      await this.maybeCheckpoint(true);
    }
    this.postState(r.hits.length > 0 ? 'breakpoint' : 'command');
  }

  private async requestMatrix(c: CommandOf<'request-matrix'>): Promise<void> {
    const { session } = this.need();
    const current = session.position.step;
    let payload: MatrixPayload<Float64Array | Float32Array> | null;
    if (c.step === undefined || c.step === current) {
      const m = await session.getMatrix(c.layer, c.name);
      payload = m ? fullResolution(m, c.layer, c.name) : null;
      if (!payload) throw new NotFoundError(`${c.name}_${c.layer} has not been computed in step ${current + 1} yet`);
    } else {
      const entry = session.history.toArray().find((e) => e.step === c.step);
      if (!entry) throw new NotFoundError(`step ${c.step} is not in the history any more`);
      // A_0 (the batch) is not kept in the history: recompute the step's batch from the schedule.
      payload =
        c.name === 'A' && c.layer === 0 && entry.step > 0
          ? fullResolution(batchOfStep(session, entry.step - 1).X, 0, 'A')
          : historyPayload(entry, c.name, c.layer);
      if (!payload) throw new NotFoundError(`the history of step ${c.step} has no ${c.name}_${c.layer}`);
    }
    this.post({ type: 'matrix', step: c.step ?? current, matrix: payload }, c.id, transferablesOf([payload]));
  }

  private async requestFrame(c: CommandOf<'request-frame'>): Promise<void> {
    const { session } = this.need();
    if (c.step === undefined) {
      const frame = await buildLiveFrame(session, this.telemetry, {
        seq: -1,
        dropped: 0,
        afterStep: Math.max(0, session.position.step - 1),
        stepsPerSecond: this.pacing.stepsPerSecond,
      });
      if (!frame) throw new NotFoundError('no step has completed yet');
      const f = { ...frame, historical: true };
      return this.post(f, c.id, transferablesOf(f.matrices));
    }
    const entry = session.history.toArray().find((e) => e.step === c.step);
    if (!entry) {
      const kept = session.history.toArray().map((e) => e.step);
      throw new NotFoundError(
        `step ${c.step} is not in the history (kept: ${stepRange(kept)})`,
      );
    }
    const frame = this.historyFrame(session, entry);
    this.post(frame, c.id, transferablesOf(frame.matrices));
  }

  private async gradcheck(c: CommandOf<'gradcheck'>): Promise<void> {
    const { session, dataset } = this.need();
    this.stopRun();
    const body = await runGradcheck(session, dataset, c, this.telemetry.maxSize, async (progress) => {
      this.post(progress, c.id);
      await yieldToEvents();
    });
    const payloads = [
      ...body.layers.flatMap((l) => [l.W.relError, l.b.relError]),
      ...(body.reference?.layers.flatMap((l) => [l.dW.diff, l.db.diff]) ?? []),
    ];
    this.post(body, c.id, transferablesOf(payloads));
  }

  // ---- telemetry -------------------------------------------------------------------------------

  /**
   * Which completed steps the session records (per-layer stats, a history entry; ≈ 4–6 ms for a
   * 784-256-128-10 net on cpu-f32, ≈ 1 step). Outside a run (step, step-op, a pause taking effect)
   * every step, so stepping and time travel stay exact; during a run only the last step of a
   * slice, when TelemetryPacing says so. Breakpoints do not depend on this: they are evaluated on
   * every op of every step.
   */
  private readonly shouldRecord = (step: number): boolean => {
    if (this.run === null) return true;
    if (step < this.sliceEnd) return false;
    return this.pacing.recordDue(this.opts.now());
  };

  /** Records the last completed step if it was not (a frame, a pause, a checkpoint needs it). */
  private async recordLastStep(session: Session): Promise<void> {
    if (await session.recordLastStep()) this.pacing.recorded(this.opts.now());
  }

  /** Sends a frame if one is due and the consumer has credit. */
  private async maybeFrame(force = false, hits: readonly BreakpointHit[] = []): Promise<void> {
    const session = this.session;
    if (!session || !session.summary()) return;
    const t = this.opts.now();
    if (!force && !this.pacing.frameDue(t)) return;
    const ticket = this.gate.take(t, force);
    if (!ticket) return;
    this.pacing.updateMeter(t, session.position.step, this.run !== null);
    try {
      const t0 = this.opts.now();
      await this.recordLastStep(session);
      const frame = await buildLiveFrame(session, this.telemetry, {
        seq: ticket.seq,
        dropped: ticket.dropped,
        afterStep: this.lastFrameStep,
        stepsPerSecond: this.pacing.stepsPerSecond,
        extra: hitMatrices(hits),
      });
      this.pacing.frameBuilt(t, this.opts.now() - t0);
      if (!frame) return this.gate.cancel(ticket.seq);
      this.lastFrameStep = frame.step;
      this.send(frame, transferablesOf(frame.matrices));
    } catch (e) {
      this.gate.cancel(ticket.seq);
      throw e;
    }
  }

  /** After any pause: a current frame (even at 0 fps: a paused view must be current) and a checkpoint. */
  private async afterPause(): Promise<void> {
    if (!this.session?.summary()) return;
    await this.maybeFrame(true);
    await this.maybeCheckpoint(true);
  }

  private async maybeCheckpoint(force: boolean): Promise<void> {
    const session = this.session;
    if (!session) return;
    const t = this.opts.now();
    if (!force && t - this.lastCheckpointAt < this.opts.checkpointEveryMs) return;
    this.lastCheckpointAt = t;
    // A checkpoint carries the optimizer state, which only a history entry of the step has.
    await this.recordLastStep(session);
    const pos = session.position;
    const last = session.history.toArray().at(-1);
    // The history's newest entry is the state after the last completed step (parameters and
    // optimizer); the newest is never thinned, the check is for the type's sake.
    const entry = last && last.step === pos.step && isRestorable(last) ? last : null;
    const parameters = entry ? entry.parameters : await session.parameters();
    // Checkpoints carry float64 (the protocol's matrices); float32 state converts exactly.
    const copy = (m: { rows: number; cols: number; data: Float32Array | Float64Array }) => ({
      rows: m.rows,
      cols: m.cols,
      data: Float64Array.from(m.data),
    });
    const checkpoint = {
      step: pos.step,
      epoch: entry?.epoch ?? pos.epoch,
      parameters: { W: parameters.W.map(copy), b: parameters.b.map(copy) },
      optimizer: entry
        ? { updates: entry.optimizer.updates, buffers: entry.optimizer.buffers.map((list) => list.map(copy)) }
        : null,
    };
    const buffers = [
      ...checkpoint.parameters.W,
      ...checkpoint.parameters.b,
      ...(checkpoint.optimizer?.buffers.flat() ?? []),
    ];
    this.post({ type: 'checkpoint', checkpoint }, undefined, transferablesOf(buffers));
  }

  // ---- plumbing --------------------------------------------------------------------------------

  /** The session and the dataset as it trains on it (after the normalisation it fitted on its training rows). */
  private need(): { session: Session; dataset: LabeledDataset } {
    if (!this.dataset) throw new InvalidStateError('load a dataset first');
    if (!this.session) throw new InvalidStateError('configure a model first');
    const s = this.session;
    const dataset = { X: s.data.X, Y: s.data.Y, meta: { ...this.dataset.meta, preprocessing: s.preprocessing } };
    return { session: s, dataset };
  }

  private runState(): RunState {
    if (!this.session) return 'empty';
    if (this.run) return 'running';
    const pos = this.session.position;
    return pos.step === 0 && pos.opIndex === 0 ? 'idle' : 'paused';
  }

  private postState(reason: StateReason, replyTo?: number): void {
    const s = this.session;
    const pos = s?.position;
    this.post(
      {
        type: 'state',
        state: this.runState(),
        step: pos?.step ?? 0,
        epoch: pos?.epoch ?? 0,
        nextOp: s && pos && pos.opIndex > 0 ? s.nextOp() : null,
        reason,
      },
      replyTo,
    );
  }

  private readyBody(): EventBody<'ready'> {
    return {
      type: 'ready',
      protocol: PROTOCOL_VERSION,
      backend: this.offered!,
      commands: COMMAND_TYPES,
      telemetry: {
        frameRate: this.gate.frameRate,
        maxSize: this.telemetry.maxSize,
        window: this.gate.creditWindow,
        kernels: telemetryKernelsAvailable() ? 'wasm-simd' : 'js',
      },
    };
  }

  private post(body: EventBody, replyTo?: number, transfer: ArrayBuffer[] = []): void {
    const event = replyTo === undefined ? { v: PROTOCOL_VERSION, ...body } : { v: PROTOCOL_VERSION, ...body, replyTo };
    this.send(event, transfer);
  }

  private send(event: object, transfer: ArrayBuffer[] = []): void {
    if (this.disposed) return;
    try {
      this.endpoint.postMessage(event, transfer);
    } catch (e) {
      // A message that cannot be cloned is a bug here, not a reason to die.
      console.error('[engine host] could not post an event', e);
    }
  }
}

/** The matrices breakpoint hits refer to (none for the loss). */
function hitMatrices(hits: readonly BreakpointHit[]): { name: MatrixName; layer: number }[] {
  const out: { name: MatrixName; layer: number }[] = [];
  for (const h of hits) {
    if (h.matrix === 'loss' || h.matrixIndex === null || h.matrixIndex === undefined) continue;
    if ((MATRIX_NAMES as readonly string[]).includes(h.matrix))
      out.push({ name: h.matrix as MatrixName, layer: h.matrixIndex });
  }
  return out;
}

function toMatrix(m: { rows: number; cols: number; data: Float64Array | Float32Array | number[] }): {
  rows: number;
  cols: number;
  data: Float64Array;
} {
  return { rows: m.rows, cols: m.cols, data: m.data instanceof Float64Array ? m.data : Float64Array.from(m.data) };
}

/** Optimizer state of a fresh run (zero moments), for checkpoints taken without one. */
function freshOptimizer(config: TrainConfig): {
  updates: number;
  buffers: { rows: number; cols: number; data: Float64Array }[][];
} {
  const o = config.optimizer;
  const perParam = o.kind === 'adam' ? 2 : o.momentum > 0 ? 1 : 0;
  const widths = layerWidths(config.model);
  const zeros = (rows: number, cols: number) => ({ rows, cols, data: new Float64Array(rows * cols) });
  const buffers = config.model.layers.flatMap((_, i) => [
    Array.from({ length: perParam }, () => zeros(widths[i]!, widths[i + 1]!)),
    Array.from({ length: perParam }, () => zeros(1, widths[i + 1]!)),
  ]);
  return { updates: 0, buffers };
}

/** The session backend's gradients against the cpu-f64 reference on the same batch and parameters. */

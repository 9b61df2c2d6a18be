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
 *
 * This file is the intake (parse, the immediate commands, the chain) and the dispatch, plus the
 * commands that only look at the session (predict, backend comparison, gradcheck, export). The
 * layers below: session-file-commands.ts, lifecycle.ts, time-travel.ts, run-loop.ts, checkpoints.ts, host-core.ts.
 */
import type { Backend } from '../backends/backend.js';
import { applyTransform, invertTransform } from '../data/preprocessing.js';
import type { Command, CommandOf } from '../protocol/commands.js';
import type { MessageLike } from '../protocol/endpoint.js';
import { fullResolution, transferablesOf } from '../protocol/matrix-payload.js';
import { compareBackends } from './backend-compare.js';
import { parseCommand } from '../protocol/parse.js';
import { CancelledError, errorEvent, InvalidStateError } from './errors.js';
import { buildExport } from './exports.js';
import { runGradcheck } from './gradcheck-command.js';
import { isRestorable } from '../train/history.js';
import { yieldToEvents } from './yield.js';
import { HostSessionFiles } from './session-file-commands.js';
import { buildBinaryExport, isBinaryExport } from './session-files.js';
import { toMatrix } from './host-core.js';
export type { EngineHostOptions } from './host-core.js';
import { runCompare } from './compare-command.js';
import { runRequestMetrics } from './metrics-command.js';

export class EngineHost extends HostSessionFiles {
  private chain: Promise<void> = Promise.resolve();
  private readonly onMessage = (e: MessageLike): void => this.receive(e.data);
  private initialized: Promise<void> | null = null;

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
        const { what } = c;
        const body = isBinaryExport(what)
          ? await buildBinaryExport(what, session, dataset, {
              ...(c.view ? { view: c.view } : {}),
              ...(c.notes !== undefined ? { notes: c.notes } : {}),
              ...(c.embedData === false ? { referTo: this.referableFile(what) } : {}),
            })
          : await buildExport(what, session, dataset);
        return this.post(body, c.id, body.bytes ? [body.bytes.buffer as ArrayBuffer] : []);
      }
      case 'open-session':
        return this.openSessionFile(c);
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
      case 'watch-module':
        // Only an attached PyTorch run (engine/attach) has modules; this engine's model has layers.
        throw new InvalidStateError(
          'watch-module is for an attached PyTorch run of modules: this engine runs its own layered model',
        );
      case 'restore':
        return this.restore(c);
      case 'predict':
        return this.predict(c);
      case 'compare-backends':
        return this.compareBackends(c);
      case 'compare': {
        const session = this.session;
        const current = session ? async () => ({ model: session.config.model, parameters: await session.parameters() }) : null;
        const body = await runCompare(c, current);
        return this.post(body, c.id, body.values.flatMap((v) => [v.reference, ...(v.theirs ? [v.theirs] : []), ...(v.difference ? [v.difference] : [])]).map((m) => m.data.buffer as ArrayBuffer));
      }
      case 'request-metrics': {
        const { session, dataset } = this.need();
        return this.post(await runRequestMetrics(session, dataset, c), c.id);
      }
      case 'ack':
      case 'ping':
        return; // handled in receive()
    }
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

  private async gradcheck(c: CommandOf<'gradcheck'>): Promise<void> {
    const { session, dataset } = this.need();
    this.stopRun();
    // Runs in slices: between them pings are answered and a pause cancels the check.
    const token = this.runToken;
    const body = await runGradcheck(session, dataset, c, this.telemetry.maxSize, async (progress) => {
      this.post(progress, c.id);
      await yieldToEvents();
      if (token !== this.runToken || this.disposed) throw new CancelledError('the gradient check was cancelled');
    });
    const payloads = [
      ...body.layers.flatMap((l) => [l.W.relError, l.b.relError]),
      ...(body.reference?.layers.flatMap((l) => [l.dW.diff, l.db.diff]) ?? []),
    ];
    this.post(body, c.id, transferablesOf(payloads));
  }
}

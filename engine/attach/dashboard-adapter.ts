/**
 * Makes an attached run look like an engine to the dashboard: it answers the dashboard's protocol
 * commands (engine/protocol) and turns the run's frames, hits and state changes into the same
 * events a local engine sends, so the views do not know where a frame came from — only the badge
 * (`backend.attached`) does. Pause/Start/Step act on the user's loop; commands that need the
 * engine's own model (configure, load-dataset, gradcheck, rewind, …) are refused with a reason.
 */
import { parseCommand } from '../protocol/parse.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import type { Command } from '../protocol/commands.js';
import type { BackendInfo, EngineEvent, EventBody, FrameEvent, LayerShape } from '../protocol/events.js';
import { COMMAND_TYPES } from '../protocol/commands.js';
import { decimate, MATRIX_NAMES } from '../protocol/matrix-payload.js';
import type { MatrixName, MatrixPayload } from '../protocol/matrix-payload.js';
import type { AttachedRun, AttachedRunOptions } from './attached-run.js';

type Emit = (event: EngineEvent) => void;
const TELEMETRY = { frameRate: 20, maxSize: 64, window: 4 };

export class AttachDashboardAdapter {
  private run: AttachedRun | null = null;
  private lastFrame: FrameEvent | null = null;

  constructor(
    private readonly emitEvent: Emit,
    /** BACKPROP_LENS_ATTACH for the user's script, shown by the dashboard while it waits. */
    private readonly attachAddress?: string,
  ) {}

  private emit(body: EventBody, replyTo?: number): void {
    this.emitEvent({ v: PROTOCOL_VERSION, ...body, ...(replyTo === undefined ? {} : { replyTo }) } as EngineEvent);
  }

  backend(): BackendInfo {
    const hello = this.run?.hello;
    return {
      name: 'cpu-f32',
      precision: 'f32',
      adapter: null,
      fallbackReason: null,
      reason: hello
        ? `attached to PID ${hello.pid} on ${hello.host}: the steps come from the user's own PyTorch loop`
        : 'waiting for an attached PyTorch run',
      detail: hello ? `PyTorch ${hello.client.torch}, Python ${hello.client.python}` : 'attach mode',
      ...(hello
        ? { attached: { pid: hello.pid, host: hello.host, torch: hello.client.torch, python: hello.client.python } }
        : {}),
      ...(this.attachAddress ? { attachAddress: this.attachAddress } : {}),
    };
  }

  /** Hooks for the run's options: frames, hits and state changes become dashboard events. */
  runHooks(): Pick<AttachedRunOptions, 'onFrame' | 'onHit' | 'onState'> {
    return {
      onFrame: (frame) => {
        this.lastFrame = frame;
        this.emitEvent(frame);
      },
      onHit: (hit, _step, matrix) => this.emit({ type: 'breakpoint-hit', hit, matrices: matrix ? [matrix] : [] }),
      onState: (state, step, reason) => this.emit({ type: 'state', state, step, epoch: 0, nextOp: null, reason }),
    };
  }

  attached(run: AttachedRun): void {
    this.run = run;
    this.lastFrame = null;
    this.emit({
      type: 'ready',
      protocol: PROTOCOL_VERSION,
      backend: this.backend(),
      commands: COMMAND_TYPES,
      telemetry: TELEMETRY,
    });
    this.announce(run);
  }

  /** configured + state (+ the latest frame): what a dashboard needs to show the run. */
  private announce(run: AttachedRun): void {
    const model = run.hello.model;
    const spec = run.modelSpec();
    const shapes: LayerShape[] = [];
    let parameterCount = 0;
    if (model.kind === 'sequential') {
      const sizes = [model.inputSize, ...model.layers.map((l) => l.units)];
      for (let i = 0; i < model.layers.length; i++) {
        shapes.push({ layer: i, W: [sizes[i]!, sizes[i + 1]!], b: [1, sizes[i + 1]!] });
        parameterCount += (sizes[i]! + 1) * sizes[i + 1]!;
      }
    } else parameterCount = model.modules.reduce((s, m) => s + m.parameters, 0);
    this.emit({
      type: 'configured',
      parameterCount,
      shapes,
      ops: run.ops,
      trainSize: 0,
      validationSize: 0,
      backend: this.backend(),
      preprocessing: null,
      ...(spec ? { model: spec } : {}),
    });
    this.emit({ type: 'state', state: run.state, step: run.lastStep, epoch: 0, nextOp: null, reason: 'configured' });
    if (this.lastFrame) this.emitEvent(this.lastFrame);
  }

  detached(run: AttachedRun): void {
    if (this.run !== run) return;
    this.emit({ type: 'state', state: 'idle', step: run.lastStep, epoch: 0, nextOp: null, reason: 'command' });
  }

  /** One message from the dashboard (already JSON-decoded); answers go out through emit. */
  command(data: unknown): void {
    const parsed = parseCommand(data);
    if (!parsed.ok) {
      this.emit(parsed.error);
      return;
    }
    const c = parsed.command;
    const refuse = (message: string, code: 'invalid-state' | 'not-found' = 'invalid-state'): void =>
      this.emit({ type: 'error', code, message, path: null, command: c.type, fatal: false }, c.id);
    const run = this.run;
    switch (c.type) {
      case 'hello':
        this.emit(
          {
            type: 'ready',
            protocol: PROTOCOL_VERSION,
            backend: this.backend(),
            commands: COMMAND_TYPES,
            telemetry: TELEMETRY,
          },
          c.id,
        );
        if (run) this.announce(run);
        return;
      case 'ping':
        return this.emit({ type: 'pong', step: run?.lastStep ?? 0 }, c.id);
      case 'ack':
        return;
      case 'set-telemetry':
        // Only what the views show crosses the socket (and is decimated in the user's process).
        if (run && c.matrices) run.setWanted(c.matrices.names);
        return this.emit({ type: 'accepted', command: c.type }, c.id);
      case 'set-frame-rate':
        return this.emit({ type: 'accepted', command: c.type }, c.id);
      case 'watch-module': {
        if (!run) return refuse('no PyTorch run is attached');
        const why = run.watchModule(c.module);
        if (why) return refuse(why, 'not-found');
        return this.emit({ type: 'accepted', command: c.type }, c.id);
      }
      case 'set-breakpoints':
        if (run) run.setBreakpoints(c.breakpoints);
        return this.emit({ type: 'accepted', command: c.type }, c.id);
      case 'pause':
      case 'start':
      case 'step':
        if (!run) return refuse('no PyTorch run is attached');
        run.control(c.type === 'start' ? 'continue' : c.type);
        return this.emit(
          { type: 'state', state: run.state, step: run.lastStep, epoch: 0, nextOp: null, reason: 'command' },
          c.id,
        );
      case 'request-history': {
        const steps = run ? run.history.toArray().map((e) => e.step) : [];
        return this.emit({ type: 'history', steps, restorable: [], step: run?.lastStep ?? 0 }, c.id);
      }
      case 'request-frame':
        return this.requestFrame(c, refuse);
      default:
        return refuse(
          `${c.type} is not available for an attached run: the model and its training belong to the user's PyTorch process`,
        );
    }
  }

  private requestFrame(
    c: Extract<Command, { type: 'request-frame' }>,
    refuse: (m: string, code?: 'not-found') => void,
  ): void {
    const run = this.run;
    if (c.step === undefined) {
      if (!this.lastFrame) return refuse('no step has arrived yet', 'not-found');
      return this.emitEvent({ ...this.lastFrame, replyTo: c.id } as FrameEvent);
    }
    const entry = run?.history.toArray().find((e) => e.step === c.step);
    if (!run || !entry) return refuse(`step ${c.step} is not in the attached run's history`, 'not-found');
    const matrices: MatrixPayload[] = [];
    for (const [key, m] of Object.entries(entry.matrices)) {
      const [name, index] = key.split('_') as [MatrixName, string];
      if (!(MATRIX_NAMES as readonly string[]).includes(name)) continue;
      const p = decimate(m, Number(index), name, Math.max(m.rows, m.cols));
      matrices.push({
        ...p,
        sourceRows: m.sourceRows,
        sourceCols: m.sourceCols,
        blockRows: Math.ceil(m.sourceRows / m.rows),
        blockCols: Math.ceil(m.sourceCols / m.cols),
      });
    }
    this.emit(
      {
        type: 'frame',
        seq: 0,
        step: entry.step,
        epoch: 0,
        loss: entry.loss ?? NaN,
        validationLoss: null,
        stepsPerSecond: 0,
        dropped: 0,
        losses: [],
        layers: entry.layers,
        matrices,
        historical: true,
      },
      c.id,
    );
  }
}

/**
 * One attached training run, app side: takes the client's validated steps, evaluates the armed
 * breakpoints on the received tensors (engine/train/breakpoints.ts, the same code a local run
 * uses), keeps the loss log and a time-travel history, builds telemetry frames like a local
 * Session's, records, and answers with ack/needs/control messages for the client.
 *
 * Holding: when breakpoints are armed the client waits after every full step for our ack; an ack
 * with hold = true keeps it inside lens.step — before the user's opt.step() — until continue/step.
 */
import type { FloatArray, Matrix } from '../core/matrix.js';
import type { ModelSpec } from '../model/spec.js';
import { evaluateBreakpoints, opProducts, validateBreakpoints } from '../train/breakpoints.js';
import type { Product } from '../train/breakpoints.js';
import { stepOps } from '../train/equations.js';
import { RingBuffer } from '../train/history.js';
import type { HistoryEntry } from '../train/history.js';
import type { BreakpointCondition, BreakpointHit, LayerStats, OpRef } from '../train/types.js';
import {
  countNonFinite,
  deadUnits,
  finiteRange,
  frobeniusNorm,
  layerStats,
  saturatedFraction,
} from '../telemetry/stats.js';
import type { Activation } from '../model/spec.js';
import { decimate as decimateForHistory } from '../telemetry/decimate.js';
import type { DecimatedMatrix } from '../telemetry/decimate.js';
import { decimate as decimateForFrame } from '../protocol/matrix-payload.js';
import type { MatrixName, MatrixPayload } from '../protocol/matrix-payload.js';
import type { FrameEvent, LossPoint, ModuleFrame } from '../protocol/events.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { fromWireNumber } from './messages.js';
import type {
  ControlAction,
  HelloMessage,
  LossesMessage,
  ModuleStats,
  ModuleTensorsMessage,
  Needs,
  ServerMessage,
  StepMessage,
  TensorName,
} from './messages.js';
import { decodeModuleTensors, decodeStep, isFull, tensorKey } from './step-decode.js';
import type { ReceivedStep, ReceivedTensor, TensorSummary } from './step-decode.js';
import { WireError } from './wire.js';

export const DEFAULT_ATTACH_RATE = 20;
export const DEFAULT_ATTACH_MAX_SIZE = 64;
export const DEFAULT_ATTACH_HISTORY = 200;
/** Loss points kept for the loss curve (a long run keeps its newest). */
const MAX_LOSS_LOG = 200_000;
const ALL_TENSORS: readonly TensorName[] = ['A', 'H', 'G', 'W', 'b', 'dW', 'db', 'dX'];

/** Where a received step goes besides the views (the session-file recorder, issue 12's writer). */
export interface AttachRecorder {
  begin(hello: HelloMessage): void;
  /** Every step's loss, sent in full or not (for the loss curve). */
  loss?(point: LossPoint): void;
  step(step: ReceivedStep, hits: readonly BreakpointHit[]): void;
  close(): Promise<void>;
}

export interface AttachedRunOptions {
  readonly send: (msg: ServerMessage) => void;
  /** Telemetry frames and breakpoint hits, for the dashboard bridge or a headless log. */
  readonly onFrame?: (frame: FrameEvent) => void;
  readonly onHit?: (hit: BreakpointHit, step: number, matrix: MatrixPayload | null) => void;
  readonly onState?: (state: 'running' | 'paused', step: number, reason: 'command' | 'breakpoint') => void;
  readonly recorder?: AttachRecorder;
  readonly breakpoints?: readonly BreakpointCondition[];
  /** Full steps per second the views want (default 20). */
  readonly rate?: number;
  /** Decimation the views want when no breakpoint needs full tensors (default 64; 0 = full). */
  readonly maxSize?: number;
  readonly historySize?: number;
  readonly now?: () => number;
}

/** A tensor's summary: the client's for a decimated tensor, computed here for a full one. */
function summaryOf(t: ReceivedTensor | undefined, activation: Activation): TensorSummary | null {
  if (!t) return null;
  if (!isFull(t)) return t.summary;
  const m = t.matrix;
  const range = finiteRange(m.data);
  const finite = Number.isFinite(range.min) && Number.isFinite(range.max);
  return {
    norm: frobeniusNorm(m.data),
    min: finite ? range.min : null,
    max: finite ? range.max : null,
    nonFinite: countNonFinite(m.data),
    saturated: activation === 'tanh' || activation === 'sigmoid' ? saturatedFraction(m, activation) : null,
    dead: activation === 'relu' ? (m.cols === 0 ? 0 : deadUnits(m).length / m.cols) : null,
  };
}

/** Layer i's statistics from summaries (exact: they are of the full tensors), or null if one is missing. */
function summarizedLayer(step: ReceivedStep, i: number, activation: Activation): LayerStats | null {
  const s = (name: TensorName, index = i): TensorSummary | null =>
    summaryOf(step.tensors.get(tensorKey(name, index)), name === 'A' ? activation : 'identity');
  const [A, H, G, W, b, dW, db] = [s('A', i + 1), s('H'), s('G'), s('W'), s('b'), s('dW'), s('db')];
  if (!A || !H || !G || !W || !b || !dW || !db) return null;
  return {
    layer: i,
    normG: G.norm,
    normW: W.norm,
    normDW: dW.norm,
    normDb: db.norm,
    gradToWeight: dW.norm === 0 ? 0 : dW.norm / W.norm,
    minA: A.min ?? NaN,
    maxA: A.max ?? NaN,
    nonFinite: [A, H, G, W, b, dW, db].reduce((n, x) => n + x.nonFinite, 0),
    saturatedFraction: activation === 'tanh' || activation === 'sigmoid' ? (A.saturated ?? null) : null,
    deadFraction: activation === 'relu' ? (A.dead ?? null) : null,
  };
}

export type AttachedHistoryEntry = HistoryEntry & { readonly hits: readonly BreakpointHit[] };

export class AttachedRun {
  readonly ops: readonly OpRef[];
  readonly history: RingBuffer<AttachedHistoryEntry>;
  readonly losses: LossPoint[] = [];
  state: 'running' | 'paused' = 'running';
  lastStep = 0;
  private breakpoints: readonly BreakpointCondition[];
  private seq = 0;
  private stepping = false;
  /** The tensors the views show (set-telemetry); breakpoints, when armed, get every tensor. */
  private wanted: readonly TensorName[] = ALL_TENSORS;
  private watchedModule: string | null = null;
  /** The latest full step (its module statistics go with tensors sent for it later). */
  private lastFull: ReceivedStep | null = null;
  private lossesSentUpTo = 0;
  private skipped = 0;
  private readonly stepTimes: number[] = [];
  private readonly now: () => number;

  constructor(
    readonly hello: HelloMessage,
    private readonly options: AttachedRunOptions,
  ) {
    this.breakpoints = options.breakpoints ?? [];
    validateBreakpoints(this.breakpoints);
    this.now = options.now ?? (() => Date.now());
    this.history = new RingBuffer(options.historySize ?? DEFAULT_ATTACH_HISTORY);
    const spec = this.modelSpec();
    this.ops = spec ? stepOps(spec, { kind: 'sgd', lr: 1, momentum: 0, weightDecay: 0 }) : [];
    options.recorder?.begin(hello);
  }

  /** FORMATS' model for a sequential client (the loss only labels equations); null for "modules". */
  modelSpec(): ModelSpec | null {
    const m = this.hello.model;
    if (m.kind !== 'sequential') return null;
    return { inputSize: m.inputSize, layers: m.layers, loss: m.loss ?? 'mse' };
  }

  /** What the client should send now. */
  needs(): Needs {
    const armed = this.breakpoints.length > 0;
    return {
      type: 'needs',
      rate: this.options.rate ?? DEFAULT_ATTACH_RATE,
      // Norm and fraction breakpoints need every cell: decimated tensors would change their verdict.
      maxSize: armed ? 0 : (this.options.maxSize ?? DEFAULT_ATTACH_MAX_SIZE),
      tensors: armed ? ALL_TENSORS : this.wanted,
      hold: armed || this.state === 'paused',
      watchNonFinite: this.breakpoints.some((b) => b.kind === 'non-finite'),
      module: this.watchedModule,
    };
  }

  /**
   * A "modules" model: ask the client for this module's full tensors (output, parameters,
   * gradients) with every full step; null stops. Returns why not when the model has no such module.
   */
  watchModule(module: string | null): string | null {
    const model = this.hello.model;
    if (module !== null) {
      if (model.kind !== 'modules') return 'only a model of modules (not a Sequential of Linear + activations) has module tensors';
      if (!model.modules.some((m) => m.name === module)) return `the attached model has no module "${module}"`;
    }
    this.watchedModule = module;
    this.options.send(this.needs());
    return null;
  }

  welcome(): ServerMessage {
    return { type: 'welcome', protocol: this.hello.protocol, needs: this.needs() };
  }

  /** What the views show now: the client then sends (and decimates) only these. */
  setWanted(names: readonly TensorName[]): void {
    this.wanted = [...new Set(names)];
    this.options.send(this.needs());
  }

  setBreakpoints(conditions: readonly BreakpointCondition[]): void {
    validateBreakpoints(conditions);
    this.breakpoints = [...conditions];
    this.options.send(this.needs());
  }

  /** Pause, Step or Continue from the app: forwarded to the user's loop. */
  control(action: ControlAction): void {
    if (action === 'pause') this.setState('paused');
    else this.setState('running');
    // Step: the client runs one step and stops in the next lens.step, which it sends in full.
    this.stepping = action === 'step';
    this.options.send({ type: 'control', action });
  }

  /** A validated step message and its payload; throws WireError on tensors that do not fit the model. */
  receive(msg: StepMessage, payload: Uint8Array): void {
    this.accept(decodeStep(msg, payload, this.hello.model));
  }

  /**
   * The watched module's tensors for the step the loop is held at (the app asked while paused):
   * shown as a frame of that step again, with its module statistics.
   */
  receiveModuleTensors(msg: ModuleTensorsMessage, payload: Uint8Array): void {
    if (msg.step !== this.lastStep || !this.lastFull || this.lastFull.step !== msg.step)
      throw new WireError(`module-tensors for step ${msg.step}: the loop is not held at that step (last full step ${this.lastFull?.step ?? 'none'})`);
    const moduleTensors = decodeModuleTensors(msg.step, msg.moduleTensors, payload, this.hello.model);
    const step: ReceivedStep = { ...this.lastFull, tensors: new Map(), moduleTensors };
    this.options.onFrame?.(this.frame(step, this.layerStats(step)));
  }

  /** The losses of steps sent without tensors, batched by the client. */
  receiveLosses(msg: LossesMessage): void {
    for (const [step, loss] of msg.points)
      this.accept({ step, loss: fromWireNumber(loss), tensors: new Map(), modules: [], moduleTensors: [] });
  }

  private accept(step: ReceivedStep): void {
    const wasRunning = this.state === 'running';
    if (step.step <= this.lastStep)
      throw new WireError(`step ${step.step} arrived after step ${this.lastStep}: steps must increase`);
    const previousLosses = this.losses.slice(-64).map((p) => p.loss);
    const point: LossPoint = { step: step.step, loss: step.loss, validationLoss: null };
    this.losses.push(point);
    this.options.recorder?.loss?.(point);
    if (this.losses.length > MAX_LOSS_LOG) this.losses.splice(0, this.losses.length - MAX_LOSS_LOG);
    this.noteStepTime();
    const full = step.tensors.size > 0 || step.modules.length > 0;
    if (!full) this.skipped++;
    const hits = this.evaluate(step, previousLosses);
    if (full) {
      this.lastFull = { ...step, tensors: new Map() }; // its statistics only: no tensors kept alive
      const layers = this.layerStats(step);
      this.history.push(this.historyEntry(step, layers, hits));
      this.options.recorder?.step(step, hits);
      this.options.onFrame?.(this.frame(step, layers));
    }
    // After the step's frame, as a local run sends them.
    for (const hit of hits) this.options.onHit?.(hit, step.step, this.hitMatrix(step, hit));
    this.lastStep = step.step;
    if (hits.length > 0) this.setState('paused', 'breakpoint');
    else if (full && this.stepping) this.setState('paused', 'command');
    if (full) this.stepping = false;
    // The client waits for an ack after full steps while holding; a loss-only step that hits is
    // paused by a control message (the client stops at its next lens.step).
    if (full) {
      this.options.send({
        type: 'ack',
        step: step.step,
        hold: this.state === 'paused',
        reason: hits[0]?.message ?? null,
      });
    } else if (hits.length > 0 && wasRunning) this.options.send({ type: 'control', action: 'pause' });
  }

  private setState(state: 'running' | 'paused', reason: 'command' | 'breakpoint' = 'command'): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onState?.(state, this.lastStep, reason);
  }

  /** The matrix a hit refers to, decimated like a frame's (NaN/Inf survive); null for the loss. */
  private hitMatrix(step: ReceivedStep, hit: BreakpointHit): MatrixPayload | null {
    if (hit.matrixIndex === null || hit.matrixIndex === undefined) return null;
    const t = step.tensors.get(tensorKey(hit.matrix, hit.matrixIndex));
    if (!t || t.name === 'dX') return null;
    return decimateForFrame(t.matrix, t.index, t.name, this.options.maxSize || DEFAULT_ATTACH_MAX_SIZE);
  }

  private evaluate(step: ReceivedStep, previousLosses: number[]): BreakpointHit[] {
    if (this.breakpoints.length === 0) return [];
    const spec = this.modelSpec();
    const lossProduct: Product = {
      name: 'loss',
      index: null,
      layer: null,
      matrix: { rows: 1, cols: 1, data: new Float64Array([step.loss]) },
    };
    if (!spec) {
      const op: OpRef = { kind: 'loss', layer: null, index: 0, label: 'loss', equation: 'L' };
      return evaluateBreakpoints(this.breakpoints, [lossProduct], {
        step: step.step,
        op,
        activationOf: () => 'identity',
        previousLosses,
      });
    }
    const activationOf = (layer: number): ModelSpec['layers'][number]['activation'] => spec.layers[layer]!.activation;
    // The user's batch may hold a NaN: a non-finite H_0 then names the input as its cause.
    const x = step.tensors.get(tensorKey('A', 0));
    const input = x && isFull(x) ? x.matrix : null;
    const hits: BreakpointHit[] = [];
    for (const op of this.ops) {
      if (op.kind === 'update') continue; // the user's opt.step() has not run yet: that is the point
      const products: Product[] = [];
      for (const ref of opProducts(op, spec.layers.length)) {
        if (ref.name === 'loss') {
          products.push(lossProduct);
          continue;
        }
        const t = step.tensors.get(tensorKey(ref.name, ref.index!));
        if (t && isFull(t)) products.push({ ...ref, matrix: t.matrix });
      }
      hits.push(
        ...evaluateBreakpoints(this.breakpoints, products, { step: step.step, op, activationOf, previousLosses, input }),
      );
    }
    return hits;
  }

  private layerStats(step: ReceivedStep): LayerStats[] {
    const spec = this.modelSpec();
    if (!spec) return [];
    const out: LayerStats[] = [];
    for (let i = 0; i < spec.layers.length; i++) {
      const get = (name: TensorName, index = i): Matrix<FloatArray> | null => {
        const t = step.tensors.get(tensorKey(name, index));
        return t && isFull(t) ? t.matrix : null;
      };
      const [A, H, G, W, b, dW, db] = [get('A', i + 1), get('H'), get('G'), get('W'), get('b'), get('dW'), get('db')];
      if (A && H && G && W && b && dW && db) {
        out.push(layerStats({ layer: i, activation: spec.layers[i]!.activation, A, H, G, W, b, dW, db }));
        continue;
      }
      // Decimated by the client: its summaries of the full tensors give the same statistics (no histograms).
      const stats = summarizedLayer(step, i, spec.layers[i]!.activation);
      if (!stats) return []; // partial: the frame carries matrices only
      out.push(stats);
    }
    return out;
  }

  private historyEntry(step: ReceivedStep, layers: LayerStats[], hits: BreakpointHit[]): AttachedHistoryEntry {
    const matrices: Record<string, DecimatedMatrix> = {};
    for (const [key, t] of step.tensors) {
      if (t.name === 'dX' || (t.name === 'A' && t.index === 0)) continue;
      const d = decimateForHistory(t.matrix, 256, 256);
      matrices[key] = { ...d, sourceRows: t.sourceRows, sourceCols: t.sourceCols };
    }
    return {
      step: step.step,
      epoch: 0,
      loss: step.loss,
      validationLoss: null,
      parameters: null, // the user's parameters stay in their process: history here is for viewing
      optimizer: null,
      layers,
      matrices,
      hits,
    };
  }

  private frame(step: ReceivedStep, layers: LayerStats[]): FrameEvent {
    const maxSize = this.options.maxSize ?? DEFAULT_ATTACH_MAX_SIZE;
    const matrices: MatrixPayload[] = [];
    for (const t of step.tensors.values()) {
      if (t.name === 'dX') continue;
      const p = decimateForFrame(
        t.matrix,
        t.index,
        t.name as MatrixName,
        maxSize || Math.max(t.matrix.rows, t.matrix.cols),
      );
      // A client-decimated tensor stands for its source: keep the shape the views label.
      matrices.push(
        isFull(t)
          ? p
          : {
              ...p,
              sourceRows: t.sourceRows,
              sourceCols: t.sourceCols,
              blockRows: Math.ceil(t.sourceRows / p.rows),
              blockCols: Math.ceil(t.sourceCols / p.cols),
            },
      );
    }
    const losses = this.losses.filter((p) => p.step > this.lossesSentUpTo).slice(-1000);
    this.lossesSentUpTo = step.step;
    const dropped = this.skipped;
    this.skipped = 0;
    return {
      v: PROTOCOL_VERSION,
      type: 'frame',
      seq: ++this.seq,
      step: step.step,
      epoch: 0,
      loss: step.loss,
      validationLoss: null,
      stepsPerSecond: this.stepsPerSecond(),
      dropped,
      losses,
      layers,
      matrices,
      historical: false,
      ...(step.modules.length > 0 ? { modules: step.modules.map(moduleFrame) } : {}),
      ...(step.moduleTensors.length > 0
        ? {
            moduleTensors: step.moduleTensors.map((t) => ({
              module: t.module,
              label: t.label,
              rows: t.matrix.rows,
              cols: t.matrix.cols,
              sourceRows: t.sourceRows,
              sourceCols: t.sourceCols,
              data: t.matrix.data,
            })),
          }
        : {}),
    };
  }

  private noteStepTime(): void {
    const t = this.now();
    this.stepTimes.push(t);
    while (this.stepTimes.length > 1 && t - this.stepTimes[0]! > 1000) this.stepTimes.shift();
  }

  private stepsPerSecond(): number {
    const n = this.stepTimes.length;
    if (n < 2) return 0;
    const span = this.stepTimes[n - 1]! - this.stepTimes[0]!;
    return span > 0 ? ((n - 1) * 1000) / span : 0;
  }
}

/** A module's wire statistics as numbers ("NaN"/"Infinity" on the wire become NaN/Infinity). */
function moduleFrame(m: ModuleStats): ModuleFrame {
  const num = (x: Parameters<typeof fromWireNumber>[0] | null): number | null => (x === null ? null : fromWireNumber(x));
  return {
    name: m.name,
    type: m.type,
    outNorm: fromWireNumber(m.outNorm),
    outMin: num(m.outMin),
    outMax: num(m.outMax),
    outNonFinite: m.outNonFinite,
    saturated: m.saturated,
    dead: m.dead,
    gradNorm: num(m.gradNorm),
    gradNonFinite: m.gradNonFinite,
    weightNorm: num(m.weightNorm),
  };
}

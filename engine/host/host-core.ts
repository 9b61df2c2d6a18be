/**
 * The engine host's state and plumbing, shared by its layers: the options, the session and its
 * dataset, telemetry settings and pacing, the run in progress, and the ways out (post, send,
 * state events). The host is one class built in layers, each in its own file, each adding one
 * concern: checkpoints.ts → run-loop.ts → time-travel.ts → lifecycle.ts → engine-host.ts (intake
 * and dispatch). A layer calls down freely; the one call up (stopRun) is declared here.
 */
import type { BreakpointCondition, TrainConfig } from '../train/types.js';
import type { Session } from '../train/session.js';
import type { LabeledDataset } from '../data/types.js';
import type { ProtocolTrainConfig } from '../protocol/commands.js';
import { COMMAND_TYPES } from '../protocol/commands.js';
import type { Endpoint } from '../protocol/endpoint.js';
import type { BackendInfo, EventBody, RunState, StateReason } from '../protocol/events.js';
import { DEFAULT_MAX_STREAM_SIZE, DEFAULT_TELEMETRY_BUDGET, PROTOCOL_VERSION } from '../protocol/version.js';
import type { BackendProvider, ProvidedBackend } from './backend-provider.js';
import { defaultBackendProvider } from './backend-provider.js';
import type { DatasetProvider } from './dataset-provider.js';
import { defaultDatasetProvider } from './dataset-provider.js';
import { InvalidStateError } from './errors.js';
import { TelemetryPacing } from './telemetry-pacing.js';
import { telemetryKernelsAvailable } from '../telemetry/kernels.js';
import { DEFAULT_SELECTION } from '../telemetry/frames.js';
import type { TelemetrySettings } from '../telemetry/frames.js';

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

/** A run started by `start`: its token (a newer run or a pause ends it), limits and progress. */
export interface Run {
  readonly token: number;
  readonly maxSteps: number | null;
  readonly stepsPerSecond: number | null;
  done: number;
  readonly startedAt: number;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export abstract class HostCore {
  protected readonly opts: Required<EngineHostOptions>;
  /** What the engine offers before a model is known (sent in `ready`). */
  protected offered: BackendInfo | null = null;
  protected sessionBackend: ProvidedBackend | null = null;
  protected dataset: LabeledDataset | null = null;
  protected config: TrainConfig | null = null;
  protected configBackend: ProtocolTrainConfig['backend'];
  protected session: Session | null = null;
  protected breakpoints: BreakpointCondition[] = [];
  protected readonly telemetry: TelemetrySettings = {
    matrices: DEFAULT_SELECTION,
    histograms: true,
    maxSize: DEFAULT_MAX_STREAM_SIZE,
    budget: DEFAULT_TELEMETRY_BUDGET,
  };
  protected readonly pacing = new TelemetryPacing(() => this.telemetry.budget);
  protected readonly gate = this.pacing.gate;
  protected run: Run | null = null;
  protected runToken = 0;
  protected lastFrameStep = 0;
  protected lastCheckpointAt = -Infinity;
  /** The step that ends the slice being run (recording candidates). */
  protected sliceEnd = 0;
  /** Measured milliseconds per training step (kept across runs; reset when the model changes). */
  protected msPerStep = Infinity;
  protected disposed = false;
  protected fatal = false;

  constructor(
    protected readonly endpoint: Endpoint,
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

  /** Ends the run in progress, if any (run-loop.ts). */
  protected abstract stopRun(): void;

  /** The session and the dataset as it trains on it (after the normalisation it fitted on its training rows). */
  protected need(): { session: Session; dataset: LabeledDataset } {
    if (!this.dataset) throw new InvalidStateError('load a dataset first');
    if (!this.session) throw new InvalidStateError('configure a model first');
    const s = this.session;
    const dataset = { X: s.data.X, Y: s.data.Y, meta: { ...this.dataset.meta, preprocessing: s.preprocessing } };
    return { session: s, dataset };
  }

  protected runState(): RunState {
    if (!this.session) return 'empty';
    if (this.run) return 'running';
    const pos = this.session.position;
    return pos.step === 0 && pos.opIndex === 0 ? 'idle' : 'paused';
  }

  protected postState(reason: StateReason, replyTo?: number): void {
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

  protected readyBody(): EventBody<'ready'> {
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

  protected post(body: EventBody, replyTo?: number, transfer: ArrayBuffer[] = []): void {
    const event = replyTo === undefined ? { v: PROTOCOL_VERSION, ...body } : { v: PROTOCOL_VERSION, ...body, replyTo };
    this.send(event, transfer);
  }

  protected send(event: object, transfer: ArrayBuffer[] = []): void {
    if (this.disposed) return;
    try {
      this.endpoint.postMessage(event, transfer);
    } catch (e) {
      // A message that cannot be cloned is a bug here, not a reason to die.
      console.error('[engine host] could not post an event', e);
    }
  }
}

/** A protocol matrix (typed array or plain numbers) as a float64 Matrix. */
export function toMatrix(m: { rows: number; cols: number; data: Float64Array | Float32Array | number[] }): {
  rows: number;
  cols: number;
  data: Float64Array;
} {
  return { rows: m.rows, cols: m.cols, data: m.data instanceof Float64Array ? m.data : Float64Array.from(m.data) };
}

/**
 * Records an attached run as a `.bplens` session file (issue 12's SessionRecorder): the weights
 * each received full step was computed with, the complete loss curve, the breakpoints, and the
 * last weights as the state. The user's optimizer and data stay in their process: the state holds
 * no optimizer buffers and the file no dataset (so it opens for viewing and time travel, and
 * `session export` needs the batch it does not have). Only sequential models can be recorded so.
 *
 * Weights received with step k are those *before* step k's update, i.e. the parameters after k − 1
 * steps, so they are kept as history step k − 1 (step 0: the initial parameters).
 */
import type { Matrix } from '../core/matrix.js';
import type { ModelSpec } from '../model/spec.js';
import { SessionRecorder } from '../session-file/write.js';
import type { LossPoint, SessionHistoryStep } from '../session-file/types.js';
import type { BreakpointCondition, BreakpointHit } from '../train/types.js';
import type { AttachRecorder } from './attached-run.js';
import type { HelloMessage } from './messages.js';
import type { ReceivedStep } from './step-decode.js';
import { isFull, tensorKey } from './step-decode.js';

/** The settings a session file needs but an attached run does not tell (documented in the notes). */
const UNKNOWN_OPTIMIZER = { kind: 'sgd', lr: 1, momentum: 0, weightDecay: 0 } as const;

export class SessionFileRecording implements AttachRecorder {
  private recorder: SessionRecorder | null = null;
  private spec: ModelSpec | null = null;
  private chain: Promise<void> = Promise.resolve();
  private readonly losses: LossPoint[] = [];
  private last: SessionHistoryStep | null = null;
  private lastStep = 0;
  /** Steps recorded: every received step's loss is in the loss curve. */
  steps = 0;
  /** Of those, steps whose weights are kept (received in full). */
  fullSteps = 0;

  constructor(
    private readonly breakpoints: readonly BreakpointCondition[],
    /** Receives the finished file. */
    private readonly write: (bytes: Uint8Array) => Promise<void>,
    private readonly version = 'unknown',
  ) {}

  begin(hello: HelloMessage): void {
    const m = hello.model;
    if (m.kind !== 'sequential')
      throw new RangeError('a .bplens recording needs an nn.Sequential of Linear and activation layers');
    this.spec = { inputSize: m.inputSize, layers: m.layers, loss: m.loss ?? 'mse' };
    const who = `PID ${hello.pid} on ${hello.host} (PyTorch ${hello.client.torch}, Python ${hello.client.python})`;
    this.recorder = new SessionRecorder({
      createdWith: { name: 'backprop-lens', version: this.version },
      createdAt: new Date().toISOString(),
      source: { kind: 'attached', description: `recorded from the PyTorch loop of ${who}` },
      seed: 0,
      model: this.spec,
      training: { optimizer: UNKNOWN_OPTIMIZER, batchSize: 'full', validationFraction: 0, init: 'given' },
      precision: 'f32',
      backend: 'pytorch',
      breakpoints: this.breakpoints,
      dataset: null,
      notes:
        `Attached run of ${who}. Its optimizer, batch size and data belong to that process: ` +
        `training.optimizer is a placeholder${m.loss ? '' : ' and so is model.loss'}, no dataset is stored.`,
    });
  }

  /** Losses of every step, full or not (the AttachedRun's loss log feeds this). */
  loss(point: LossPoint): void {
    this.losses.push(point);
    this.steps++;
  }

  step(step: ReceivedStep, _hits: readonly BreakpointHit[]): void {
    const rec = this.recorder;
    const spec = this.spec;
    if (!rec || !spec) return;
    const W: Matrix<Float32Array>[] = [];
    const b: Matrix<Float32Array>[] = [];
    for (let i = 0; i < spec.layers.length; i++) {
      const w = step.tensors.get(tensorKey('W', i));
      const bias = step.tensors.get(tensorKey('b', i));
      if (!w || !bias || !isFull(w) || !isFull(bias)) return; // decimated weights cannot be kept as parameters
      W.push(w.matrix);
      b.push(bias.matrix);
    }
    const before = step.step - 1;
    const entry: SessionHistoryStep = {
      step: before,
      epoch: 0,
      loss: this.losses.find((p) => p.step === before)?.loss ?? null,
      validationLoss: null,
      parameters: { W, b },
      optimizer: null,
    };
    this.last = entry;
    this.lastStep = Math.max(this.lastStep, step.step);
    this.fullSteps++;
    this.chain = this.chain.then(() => rec.addStep(entry));
  }

  async close(): Promise<void> {
    const rec = this.recorder;
    if (!rec) return;
    this.recorder = null;
    await this.chain;
    const last = this.last;
    const bytes = await rec.finish({
      position: { step: last?.step ?? 0, epoch: 0 },
      state: last?.parameters ? { step: last.step, epoch: 0, parameters: last.parameters, optimizer: null } : null,
      lossCurve: this.losses,
    });
    await this.write(bytes);
  }
}

/**
 * Checkpoints: the state a restarted engine resumes from. One goes out every couple of seconds
 * while training and on every pause; `restore` installs one (normally from the previous engine).
 */
import type { TrainConfig } from '../train/types.js';
import type { Session } from '../train/session.js';
import { layerWidths } from '../model/spec.js';
import type { CommandOf } from '../protocol/commands.js';
import { transferablesOf } from '../protocol/matrix-payload.js';
import { FieldError } from './errors.js';
import { isRestorable } from '../train/history.js';
import { HostCore, toMatrix } from './host-core.js';

export abstract class HostCheckpoints extends HostCore {
  /** Records the last completed step if it was not (a frame, a pause, a checkpoint needs it). */
  protected async recordLastStep(session: Session): Promise<void> {
    if (await session.recordLastStep()) this.pacing.recorded(this.opts.now());
  }

  protected async maybeCheckpoint(force: boolean): Promise<void> {
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

  /**
   * Installs a checkpoint (normally from a previous engine, after a restart). Session.restore(entry)
   * checks every shape (parameters and optimizer state) before anything is written to the backend,
   * works with the history switched off, and makes the checkpoint the newest history entry (newer
   * steps are dropped, so time travel never mixes two timelines).
   */
  protected async restore(c: CommandOf<'restore'>): Promise<void> {
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

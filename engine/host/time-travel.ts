/**
 * Time travel: frames and matrices of past steps kept in the history, and `rewind` to a kept step
 * (its state restored, training continues from there exactly as it did the first time).
 */
import type { Session } from '../train/session.js';
import type { CommandOf } from '../protocol/commands.js';
import type { EventOf } from '../protocol/events.js';
import { fullResolution, transferablesOf } from '../protocol/matrix-payload.js';
import type { MatrixPayload } from '../protocol/matrix-payload.js';
import { batchOfStep } from './backend-compare.js';
import { NotFoundError } from './errors.js';
import { type HistoryEntry, stepRange } from '../train/history.js';
import { buildHistoryFrame, buildLiveFrame, historyPayload } from '../telemetry/frames.js';
import { HostRunLoop } from './run-loop.js';

export abstract class HostTimeTravel extends HostRunLoop {
  /** Back to a kept step with its state (Session.restore), paused there, with that step's frame. */
  protected async rewind(c: CommandOf<'rewind'>): Promise<void> {
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
  protected historyFrame(session: Session, entry: HistoryEntry): EventOf<'frame'> {
    return buildHistoryFrame(entry, this.telemetry, session.config.model.layers.length, undefined, () =>
      entry.step > 0 ? batchOfStep(session, entry.step - 1).X : null,
    );
  }

  protected async requestMatrix(c: CommandOf<'request-matrix'>): Promise<void> {
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

  protected async requestFrame(c: CommandOf<'request-frame'>): Promise<void> {
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
}

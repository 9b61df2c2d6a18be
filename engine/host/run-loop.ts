/**
 * The run loop: `start` trains in slices of a few milliseconds (yielding between them so
 * commands are handled while it runs), `step` and `step-op` run a bounded amount, and frames go
 * out at the configured rate when the consumer has credit; breakpoint hits stop a run.
 */
import type { BreakpointHit } from '../train/types.js';
import type { CommandOf } from '../protocol/commands.js';
import type { StateReason } from '../protocol/events.js';
import { MATRIX_NAMES, transferablesOf } from '../protocol/matrix-payload.js';
import type { MatrixName } from '../protocol/matrix-payload.js';
import { errorEvent } from './errors.js';
import { buildLiveFrame, opOperands, readMatrices } from '../telemetry/frames.js';
import { sleep, yieldToEvents } from './yield.js';
import { HostCheckpoints } from './checkpoints.js';
import type { Run } from './host-core.js';

export abstract class HostRunLoop extends HostCheckpoints {
  protected startRun(c: CommandOf<'start'>): void {
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

  protected stopRun(): void {
    this.run = null;
    this.runToken++;
  }

  protected async loop(run: Run): Promise<void> {
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

  protected async step(c: CommandOf<'step'>): Promise<void> {
    const { session } = this.need();
    this.stopRun();
    const token = this.runToken;
    let left = c.count;
    let stopped: StateReason = 'command';
    let lastN = 1;
    // A count that takes a while says how far it got (about every 100 ms), like the other long commands.
    let lastProgress = this.opts.now();
    while (left > 0 && token === this.runToken && !this.disposed) {
      // Slices sized from the measured step time, as in a run: a big net steps one at a time (a
      // pause or ping waits at most one step), a small one many per slice.
      const fit = Number.isFinite(this.msPerStep) ? Math.floor(this.opts.sliceMs / Math.max(this.msPerStep, 1e-3)) : 1;
      const n = Math.max(1, Math.min(left, 10_000, 2 * lastN, fit));
      const t0 = this.opts.now();
      const r = await session.runSteps(n);
      if (r.stepsCompleted > 0) {
        const measured = (this.opts.now() - t0) / r.stepsCompleted;
        this.msPerStep = Number.isFinite(this.msPerStep) ? 0.7 * this.msPerStep + 0.3 * measured : measured;
      }
      lastN = n;
      left -= Math.max(1, r.stepsCompleted);
      if (r.hits.length > 0) {
        await this.reportHits(r.hits);
        stopped = 'breakpoint';
        break;
      }
      if (left > 0) {
        const t = this.opts.now();
        if (t - lastProgress >= 100) {
          lastProgress = t;
          const done = c.count - left;
          this.post({ type: 'progress', task: 'step', done, total: c.count, message: `step ${done} of ${c.count}` }, c.id);
        }
        await this.maybeFrame();
        await yieldToEvents();
      }
    }
    if (stopped === 'breakpoint') await this.maybeCheckpoint(true);
    else await this.afterPause();
    this.postState(stopped, c.id);
  }

  protected async stepOp(c: CommandOf<'step-op'>): Promise<void> {
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

  /**
   * Which completed steps the session records (per-layer stats, a history entry; ≈ 4–6 ms for a
   * 784-256-128-10 net on cpu-f32, ≈ 1 step). Outside a run (step, step-op, a pause taking effect)
   * every step, so stepping and time travel stay exact; during a run only the last step of a
   * slice, when TelemetryPacing says so. Breakpoints do not depend on this: they are evaluated on
   * every op of every step.
   */
  protected readonly shouldRecord = (step: number): boolean => {
    if (this.run === null) return true;
    if (step < this.sliceEnd) return false;
    return this.pacing.recordDue(this.opts.now());
  };

  /** Sends a frame if one is due and the consumer has credit. */
  protected async maybeFrame(force = false, hits: readonly BreakpointHit[] = []): Promise<void> {
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
  protected async afterPause(): Promise<void> {
    if (!this.session?.summary()) return;
    await this.maybeFrame(true);
    await this.maybeCheckpoint(true);
  }

  /**
   * Announces breakpoint hits, each with the matrix it refers to, after a frame of the same
   * moment so every view (heatmaps, stats) already shows what tripped it.
   */
  protected async reportHits(hits: readonly BreakpointHit[]): Promise<void> {
    const session = this.session;
    if (!session) return;
    await this.maybeFrame(true, hits);
    for (const hit of hits) {
      const matrices = await readMatrices(session, hitMatrices([hit]), this.telemetry.maxSize);
      this.post({ type: 'breakpoint-hit', hit, matrices }, undefined, transferablesOf(matrices));
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

/** The losses of every completed step, for loss curves and the loss-spike breakpoint (bounded). */

export interface LossEntry {
  readonly step: number;
  readonly loss: number;
  readonly validationLoss: number | null;
}

/** Losses kept for loss curves and the loss-spike breakpoint. */
export const LOSS_LOG_SIZE = 100_000;
const LOSS_LOG_TRIM = 10_000;

export class LossLog {
  private entries: LossEntry[] = [];

  push(e: LossEntry): void {
    this.entries.push(e);
    // Trimmed in chunks (curve() shows the last LOSS_LOG_SIZE): one splice per step would move 100 000 entries every step.
    if (this.entries.length >= LOSS_LOG_SIZE + LOSS_LOG_TRIM) this.entries.splice(0, this.entries.length - LOSS_LOG_SIZE);
  }

  /** Oldest first, at most LOSS_LOG_SIZE. */
  curve(): readonly LossEntry[] {
    return this.entries.length > LOSS_LOG_SIZE ? this.entries.slice(-LOSS_LOG_SIZE) : this.entries;
  }

  /** The losses of the last `n` steps, oldest first. */
  recentLosses(n: number): number[] {
    return this.entries.slice(-n).map((l) => l.loss);
  }

  /**
   * Replaces the log with saved losses (a reopened session file), oldest first, none after
   * `current` (the step the session is at); a RangeError names the first bad point.
   */
  replace(points: readonly LossEntry[], current: number): void {
    points.forEach((p, k) => {
      if (!Number.isInteger(p.step) || p.step < 1 || p.step > current)
        throw new RangeError(
          `restoreLossCurve: points[${k}].step ${p.step} is after the current step ${current} (or not an integer ≥ 1)`,
        );
      if (k > 0 && p.step <= points[k - 1]!.step)
        throw new RangeError(`restoreLossCurve: steps must be increasing, got ${p.step} after ${points[k - 1]!.step}`);
    });
    this.entries = points.slice(-LOSS_LOG_SIZE).map((p) => ({ ...p }));
  }

  /** Forgets the steps after `step` (time travel). */
  truncateAfter(step: number): void {
    this.entries = this.entries.filter((l) => l.step <= step);
  }
}

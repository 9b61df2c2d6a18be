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

  /** Forgets the steps after `step` (time travel). */
  truncateAfter(step: number): void {
    this.entries = this.entries.filter((l) => l.step <= step);
  }
}

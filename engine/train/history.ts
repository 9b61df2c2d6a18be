/**
 * The bounded history of past steps kept for time travel: parameters and optimizer state (enough to
 * continue exactly from that step), per-layer stats, and decimated copies of the step's matrices.
 */
import type { DecimatedMatrix } from '../telemetry/decimate.js';
import type { OptimizerSnapshot } from './optimizer.js';
import type { LayerStats, ParameterSet } from './types.js';

export interface HistoryEntry {
  /** Steps completed when this state was taken (0: the initial parameters, before any step). */
  readonly step: number;
  /** Epochs completed by then. */
  readonly epoch: number;
  /** The loss of that step's batch (null for step 0). */
  readonly loss: number | null;
  readonly validationLoss: number | null;
  /** W_i, b_i after the step's update (float64 host copies). */
  readonly parameters: ParameterSet;
  readonly optimizer: OptimizerSnapshot;
  readonly layers: readonly LayerStats[];
  /**
   * The step's matrices decimated for display, keyed by FORMATS.md name: "A_1" … "A_L", "H_i",
   * "G_i", "dW_i", "db_i", "W_i" (A_0 = X is not kept). Empty for step 0.
   */
  readonly matrices: Readonly<Record<string, DecimatedMatrix>>;
}

/** A fixed-capacity FIFO: pushing onto a full buffer drops the oldest entry. */
export class RingBuffer<T> {
  private items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new RangeError(`history size must be an integer ≥ 0, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.capacity === 0) return;
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** The k-th oldest item (0 = oldest). */
  at(k: number): T | undefined {
    if (k < 0 || k >= this.count) return undefined;
    return this.items[(this.start + k) % this.capacity];
  }

  toArray(): T[] {
    return Array.from({ length: this.count }, (_, k) => this.at(k)!);
  }

  /** Drop the first item for which `drop` holds and everything newer (history is ordered by step). */
  truncateWhere(drop: (item: T) => boolean): void {
    let n = 0;
    while (n < this.count && !drop(this.at(n)!)) n++;
    for (let k = n; k < this.count; k++) this.items[(this.start + k) % this.capacity] = undefined;
    this.count = n;
  }

  clear(): void {
    this.items = new Array<T | undefined>(this.capacity);
    this.start = 0;
    this.count = 0;
  }
}

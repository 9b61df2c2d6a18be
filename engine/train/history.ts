/**
 * The bounded history of past steps kept for time travel: parameters and optimizer state (enough to
 * continue exactly from that step), per-layer stats, and decimated copies of the step's matrices.
 *
 * Two bounds: `historySize` entries, and `historyBytes` for the full training state (parameters and
 * optimizer buffers, in the backend's precision), which is what grows with the network: a
 * 1024-1024-1024-1024 net with Adam holds 38 MB of it per entry in float32 (75 MB in float64), so
 * 100 entries would take 3.8–7.5 GB and kill the engine window. Past the byte budget the oldest entries are *thinned*: they keep their stats and
 * decimated matrices (every historical frame still works) but drop the state (they can no longer
 * be restored). The newest entry is never thinned (checkpoints and resuming need it).
 */
import type { DecimatedMatrix } from '../telemetry/decimate.js';
import type { OptimizerSnapshot } from './optimizer.js';
import type { FloatArray, Matrix } from '../core/matrix.js';
import type { LayerStats } from '../telemetry/types.js';

/** Parameters as the history keeps them: the backend's own reads (float32 on the f32 backends, exact). */
export interface StoredParameters {
  readonly W: readonly Matrix<FloatArray>[];
  readonly b: readonly Matrix<FloatArray>[];
}

export interface HistoryEntry {
  /** Steps completed when this state was taken (0: the initial parameters, before any step). */
  readonly step: number;
  /** Epochs completed by then. */
  readonly epoch: number;
  /** The loss of that step's batch (null for step 0). */
  readonly loss: number | null;
  readonly validationLoss: number | null;
  /** W_i, b_i after the step's update (in the backend's precision); null once thinned (see above). */
  readonly parameters: StoredParameters | null;
  /** The optimizer's state after the step; null once thinned. */
  readonly optimizer: OptimizerSnapshot | null;
  readonly layers: readonly LayerStats[];
  /**
   * The step's matrices decimated for display, keyed by FORMATS.md name: "A_1" … "A_L", "H_i",
   * "G_i", "dW_i", "db_i", "W_i", "b_i" (A_0 = X is not kept). Empty for step 0.
   */
  readonly matrices: Readonly<Record<string, DecimatedMatrix>>;
}

/** An entry that still holds its training state (what restore needs). */
export type RestorableEntry = HistoryEntry & {
  readonly parameters: StoredParameters;
  readonly optimizer: OptimizerSnapshot;
};

export function isRestorable(entry: HistoryEntry): entry is RestorableEntry {
  return entry.parameters !== null && entry.optimizer !== null;
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

  /** Replaces the k-th oldest item. */
  set(k: number, item: T): void {
    if (k < 0 || k >= this.count) throw new RangeError(`history index ${k} is out of range (0…${this.count - 1})`);
    this.items[(this.start + k) % this.capacity] = item;
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

/** Kept steps as messages name them: "first…last", or "none". */
export function stepRange(steps: readonly number[]): string {
  return steps.length ? `${steps[0]}…${steps[steps.length - 1]}` : 'none';
}

/** Ascending step numbers as runs: "21…31", "4", "2, 5…9"; "none" when empty (error messages). */
export function stepRuns(steps: readonly number[]): string {
  const sorted = [...new Set(steps)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    runs.push(j === i ? String(sorted[i]) : j === i + 1 ? `${sorted[i]}, ${sorted[j]}` : `${sorted[i]}…${sorted[j]}`);
    i = j + 1;
  }
  return runs.length ? runs.join(', ') : 'none';
}

/** Bytes of an entry's training state (parameters and optimizer buffers); 0 once thinned. */
export function stateBytes(entry: HistoryEntry): number {
  let n = 0;
  for (const m of [...(entry.parameters?.W ?? []), ...(entry.parameters?.b ?? [])]) n += m.data.byteLength;
  for (const list of entry.optimizer?.buffers ?? []) for (const m of list) n += m.data.byteLength;
  return n;
}

/**
 * Thins the oldest entries (drops their parameters and optimizer state) until the state the
 * history holds fits in `budget` bytes; the newest entry always keeps its state.
 */
export function enforceStateBudget(history: RingBuffer<HistoryEntry>, budget: number): void {
  let total = 0;
  for (let k = history.size - 1; k >= 0; k--) {
    const entry = history.at(k)!;
    const bytes = stateBytes(entry);
    if (bytes === 0) continue;
    if (k < history.size - 1 && total + bytes > budget) history.set(k, { ...entry, parameters: null, optimizer: null });
    else total += bytes;
  }
}

/** The entry of a kept step that can be restored, or a RangeError naming the steps that can. */
export function restorableStep(history: RingBuffer<HistoryEntry>, step: number): RestorableEntry {
  const entries = history.toArray();
  const found = entries.findLast((e) => e.step === step);
  if (!found) throw new RangeError(`restore: step ${step} is not in the history (kept: ${stepRange(entries.map((e) => e.step))})`);
  if (!isRestorable(found)) {
    const restorable = entries.filter(isRestorable).map((e) => e.step);
    throw new RangeError(
      `restore: step ${step} is kept for viewing only (its parameters were dropped to keep the history within historyBytes; restorable: ${stepRange(restorable)})`,
    );
  }
  return found;
}

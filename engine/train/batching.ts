/**
 * Seeded train/validation split and mini-batch schedule. Every random choice is derived from
 * (seed, purpose[, epoch]) rather than drawn from one running stream, so the batch of any step can be
 * recomputed from the step number alone: that is what lets a Session restore a past step and carry on
 * exactly as it would have.
 */
import { createRng } from '../core/rng.js';

/** Purposes of the derived seed streams (initialisation uses createRng(seed) itself). */
const SPLIT_STREAM = 0x51;
const SHUFFLE_STREAM = 0x5b;

/** A 32-bit seed derived from a seed and small integers (a murmur3-style mix). */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = seed >>> 0;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x9e3779b1) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
  }
  return h;
}

export interface Split {
  /** Row indices of the training samples, in dataset order. */
  readonly train: Int32Array;
  /** Row indices of the held-out samples, in dataset order. */
  readonly validation: Int32Array;
}

/**
 * Holds out floor(fraction·n) randomly chosen samples (seeded), at least one sample always stays in
 * training. Both index lists keep dataset order so a split is easy to inspect.
 */
export function splitTrainValidation(n: number, fraction: number, seed: number): Split {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`the dataset needs at least one sample, got ${n}`);
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`validationFraction must be in [0, 1), got ${fraction}`);
  const nVal = Math.min(n - 1, Math.floor(fraction * n));
  const order = Int32Array.from({ length: n }, (_, i) => i);
  createRng(deriveSeed(seed, SPLIT_STREAM)).shuffle(order);
  const validation = order.slice(0, nVal).sort();
  const train = order.slice(nVal).sort();
  return { train, validation };
}

/** Where a step falls in the schedule, and which training rows its batch holds. */
export interface BatchSlot {
  /** 0-based epoch the step belongs to. */
  readonly epoch: number;
  /** 0-based position of the batch within its epoch. */
  readonly batchInEpoch: number;
  /** True for the epoch's last batch (the point where validation loss is measured). */
  readonly endsEpoch: boolean;
  /** Dataset row indices of the batch's samples. */
  readonly rows: Int32Array;
}

/**
 * Full batch (batchSize 'full' or ≥ the training size): every step uses all training rows, in order.
 * Mini-batch: each epoch visits the training rows in a fresh seeded permutation, cut into batches
 * of batchSize; the last batch of an epoch holds the remainder (nothing is dropped).
 */
export class BatchSchedule {
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  readonly fullBatch: boolean;
  private cachedEpoch = -1;
  private cachedOrder: Int32Array = new Int32Array(0);

  constructor(
    readonly train: Int32Array,
    batchSize: number | 'full',
    private readonly seed: number,
  ) {
    if (batchSize !== 'full' && !(Number.isInteger(batchSize) && batchSize >= 1)) {
      throw new RangeError(`batchSize must be a positive integer or "full", got ${String(batchSize)}`);
    }
    this.fullBatch = batchSize === 'full' || batchSize >= train.length;
    this.batchSize = this.fullBatch ? train.length : (batchSize as number);
    this.batchesPerEpoch = Math.ceil(train.length / this.batchSize);
  }

  /** The permutation of training rows used in `epoch` (identity order for full batch). */
  epochOrder(epoch: number): Int32Array {
    if (this.fullBatch) return this.train;
    if (epoch !== this.cachedEpoch) {
      this.cachedOrder = createRng(deriveSeed(this.seed, SHUFFLE_STREAM, epoch)).shuffle(this.train.slice());
      this.cachedEpoch = epoch;
    }
    return this.cachedOrder;
  }

  /** The batch of step `stepIndex` (0-based: the first step of training is 0). */
  slot(stepIndex: number): BatchSlot {
    const epoch = Math.floor(stepIndex / this.batchesPerEpoch);
    const batchInEpoch = stepIndex - epoch * this.batchesPerEpoch;
    const order = this.epochOrder(epoch);
    const start = batchInEpoch * this.batchSize;
    const rows = order.subarray(start, Math.min(order.length, start + this.batchSize));
    return { epoch, batchInEpoch, endsEpoch: batchInEpoch === this.batchesPerEpoch - 1, rows };
  }
}

import { describe, expect, it } from 'vitest';
import { BatchSchedule, deriveSeed, splitTrainValidation } from './batching.js';

describe('splitTrainValidation', () => {
  it('holds out floor(fraction·n) rows, seeded, disjoint, in dataset order', () => {
    const s = splitTrainValidation(10, 0.35, 1);
    expect(s.validation.length).toBe(3);
    expect(s.train.length).toBe(7);
    expect([...s.train, ...s.validation].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(s.train)).toEqual([...s.train].sort((a, b) => a - b));
    expect(splitTrainValidation(10, 0.35, 1)).toEqual(s);
    expect(Array.from(splitTrainValidation(10, 0.35, 2).validation)).not.toEqual(Array.from(s.validation));
  });
  it('always leaves one training row and rejects fractions outside [0, 1)', () => {
    expect(splitTrainValidation(1, 0.9, 0).train.length).toBe(1);
    expect(splitTrainValidation(5, 0, 0).validation.length).toBe(0);
    expect(() => splitTrainValidation(5, 1, 0)).toThrow('validationFraction must be in [0, 1), got 1');
    expect(() => splitTrainValidation(5, -0.1, 0)).toThrow(/validationFraction/);
  });
});

describe('BatchSchedule', () => {
  const train = Int32Array.from([0, 2, 3, 5, 7, 8, 9]);
  it('cuts each epoch’s seeded permutation into batches, the last holding the remainder', () => {
    const s = new BatchSchedule(train, 3, 42);
    expect(s.batchesPerEpoch).toBe(3);
    const slots = [0, 1, 2, 3, 4, 5].map((k) => s.slot(k));
    expect(slots.map((b) => b.rows.length)).toEqual([3, 3, 1, 3, 3, 1]);
    expect(slots.map((b) => [b.epoch, b.batchInEpoch, b.endsEpoch])).toEqual([
      [0, 0, false],
      [0, 1, false],
      [0, 2, true],
      [1, 0, false],
      [1, 1, false],
      [1, 2, true],
    ]);
    const epoch0 = slots.slice(0, 3).flatMap((b) => Array.from(b.rows));
    const epoch1 = slots.slice(3).flatMap((b) => Array.from(b.rows));
    expect([...epoch0].sort((a, b) => a - b)).toEqual(Array.from(train));
    expect([...epoch1].sort((a, b) => a - b)).toEqual(Array.from(train));
    expect(epoch0).not.toEqual(epoch1);
    // Any step's batch can be recomputed out of order (what restore relies on).
    expect(Array.from(new BatchSchedule(train, 3, 42).slot(4).rows)).toEqual(Array.from(slots[4]!.rows));
  });
  it('full batch uses every training row in order each step', () => {
    for (const size of ['full', 7, 100] as const) {
      const s = new BatchSchedule(train, size, 1);
      expect(s.fullBatch).toBe(true);
      expect(Array.from(s.slot(5).rows)).toEqual(Array.from(train));
      expect(s.slot(5)).toMatchObject({ epoch: 5, endsEpoch: true });
    }
    expect(() => new BatchSchedule(train, 0, 1)).toThrow(/batchSize must be a positive integer/);
  });
  it('derives distinct seeds per purpose', () => {
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(1, 3));
    expect(deriveSeed(1, 2, 0)).not.toBe(deriveSeed(1, 2, 1));
    expect(deriveSeed(7, 9)).toBe(deriveSeed(7, 9));
  });
});

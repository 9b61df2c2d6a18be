/**
 * engine/data's built-in datasets through the training Session: mini-batches, a seeded validation
 * split, and a loss that falls on both the training batches and the held-out samples.
 */
import { describe, expect, it } from 'vitest';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { createCpu32Backend } from '../backends/cpu32/index.js';
import { generateBuiltin } from '../data/index.js';
import { Session } from '../train/session.js';
import type { TrainConfig } from '../train/types.js';

/** Mean training loss of each epoch (mini-batch losses are noisy; epochs are not). */
function epochMeans(curve: readonly { loss: number }[], perEpoch: number): number[] {
  const out: number[] = [];
  for (let k = 0; k + perEpoch <= curve.length; k += perEpoch)
    out.push(curve.slice(k, k + perEpoch).reduce((s, l) => s + l.loss, 0) / perEpoch);
  return out;
}

describe('built-in datasets train to a falling loss through the Session', () => {
  it('spiral (2 arms, classification): softmax + cross-entropy, mini-batches of 32, 20% validation', async () => {
    const { train, test } = generateBuiltin('spiral', { n: 200, testN: 200, noise: 0.05, seed: 3 });
    expect(train.meta.task).toBe('classification');
    const config: TrainConfig = {
      model: {
        inputSize: train.X.cols,
        layers: [
          { units: 16, activation: 'tanh' },
          { units: 16, activation: 'tanh' },
          { units: train.Y.cols, activation: 'softmax' },
        ],
        loss: 'cross-entropy',
      },
      init: 'xavier',
      optimizer: { kind: 'adam', lr: 0.02, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
      batchSize: 32,
      seed: 1,
      validationFraction: 0.2,
      historySize: 0,
    };
    const s = await Session.create(config, train, new Cpu64Backend(), { recordEvery: 0 });
    expect(s.validationRows.length).toBe(40);
    expect(s.trainRows.length).toBe(160);
    expect(s.batchesPerEpoch).toBe(5); // 160 / 32
    const epochs = 60;
    await s.runSteps(epochs * s.batchesPerEpoch);
    const curve = s.lossCurve();
    const means = epochMeans(curve, s.batchesPerEpoch);
    expect(means).toHaveLength(epochs);
    expect(means[epochs - 1]!).toBeLessThan(0.1 * means[0]!);
    // Validation loss is measured once per epoch, after the epoch's last update, and falls too.
    const val = curve.flatMap((l) => (l.validationLoss === null ? [] : [l.validationLoss]));
    expect(val).toHaveLength(epochs);
    expect(val[epochs - 1]!).toBeLessThan(0.3 * val[0]!);
    expect(s.summary()!.epoch).toBe(epochs);
    // It learned the spiral, not the split: most held-out test points are classified right.
    const F = await s.predict(test.X);
    let right = 0;
    for (let i = 0; i < F.rows; i++) {
      const guess = F.data[2 * i]! > F.data[2 * i + 1]! ? 0 : 1;
      if (test.Y.data[2 * i + guess] === 1) right++;
    }
    expect(right / F.rows).toBeGreaterThan(0.9);
  });

  it('xsin (regression, the tutorial curve) on cpu-f32: tanh + sse, mini-batches of 20, 10% validation', async () => {
    const { train, test } = generateBuiltin('xsin', { n: 100, testN: 200, seed: 1 });
    const config: TrainConfig = {
      model: {
        inputSize: 1,
        layers: [
          { units: 12, activation: 'tanh' },
          { units: 12, activation: 'tanh' },
          { units: 1, activation: 'identity' },
        ],
        loss: 'sse',
      },
      init: 'xavier',
      optimizer: { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
      batchSize: 20,
      seed: 2,
      validationFraction: 0.1,
      historySize: 0,
    };
    const s = await Session.create(config, train, await createCpu32Backend(), { recordEvery: 0 });
    expect(s.batchesPerEpoch).toBe(5); // 90 training rows in batches of 20: the last holds 10
    const before = await s.evaluate(test.X, test.Y);
    await s.runSteps(300 * s.batchesPerEpoch);
    const means = epochMeans(s.lossCurve(), s.batchesPerEpoch);
    expect(means[means.length - 1]!).toBeLessThan(0.05 * means[0]!);
    const val = s.lossCurve().flatMap((l) => (l.validationLoss === null ? [] : [l.validationLoss]));
    expect(val[val.length - 1]!).toBeLessThan(0.05 * val[0]!);
    const after = await s.evaluate(test.X, test.Y);
    expect(after.loss).toBeLessThan(0.05 * before.loss);
  });
});

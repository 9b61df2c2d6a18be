import { describe, expect, it } from 'vitest';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { Session } from './session.js';
import type { TrainConfig } from './types.js';

const n = 30;
const X = { rows: n, cols: 1, data: Float64Array.from({ length: n }, (_, i) => (i < 25 ? i : 1000 + i)) };
const Y = { rows: n, cols: 1, data: Float64Array.from({ length: n }, (_, i) => 2 * i + 1) };
const base: TrainConfig = {
  model: { inputSize: 1, layers: [{ units: 1, activation: 'identity' }], loss: 'mse' },
  init: 'xavier',
  optimizer: { kind: 'sgd', lr: 0.01, momentum: 0, weightDecay: 0 },
  batchSize: 'full',
  seed: 5,
  validationFraction: 0.4,
};

describe('Session normalisation (TrainConfig.normalize)', () => {
  it('fits on the training rows of its own split only, and applies to every row', async () => {
    const s = await Session.create({ ...base, normalize: { inputs: 'standardize', targets: 'min-max' } }, { X, Y }, new Cpu64Backend());
    const train = [...s.trainRows].map((i) => X.data[i]!);
    const mean = train.reduce((a, b) => a + b, 0) / train.length;
    const std = Math.sqrt(train.reduce((a, b) => a + (b - mean) ** 2, 0) / train.length);
    expect(s.preprocessing!.inputs!.offset[0]).toBeCloseTo(mean, 12);
    expect(s.preprocessing!.inputs!.scale[0]).toBeCloseTo(std, 12);
    const ys = [...s.trainRows].map((i) => Y.data[i]!);
    expect(s.preprocessing!.outputs!.offset[0]).toBe(Math.min(...ys));
    for (let i = 0; i < n; i++) expect(s.data.X.data[i]).toBeCloseTo((X.data[i]! - mean) / std, 12);
    // The validation rows were not part of the fit: fitting on every row gives another mean.
    const all = X.data.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(all - mean)).toBeGreaterThan(1);
    await s.dispose();
  });

  it('without normalize trains on the data as given; rejects bad settings by key', async () => {
    const s = await Session.create(base, { X, Y }, new Cpu64Backend());
    expect(s.preprocessing).toBeNull();
    expect(s.data.X).toBe(X);
    await s.dispose();
    await expect(
      Session.create({ ...base, normalize: { inputs: 'zscore' as never } }, { X, Y }, new Cpu64Backend()),
    ).rejects.toThrow(/normalize\.inputs/);
  });
});

import { describe, expect, it } from 'vitest';
import { describeTraining } from './training-summary.js';

describe('describeTraining', () => {
  it('writes the training block of a weights file in words', () => {
    expect(
      describeTraining({ steps: 300, epochs: 30, optimizer: { kind: 'adam' }, learningRate: 0.01, batchSize: 'full', finalLoss: 0.012345678, finalValidationLoss: 0.015, backend: 'cpu-f32', seconds: 4.25 }),
    ).toBe('300 steps (30 epochs), adam, lr 0.01, full batch, final loss 0.01235 (validation 0.015), cpu-f32, 4.3 s');
    expect(describeTraining({ steps: 1, optimizer: 'sgd', batchSize: 32 })).toBe('1 step, sgd, batch 32');
    expect(describeTraining({})).toBe('');
  });
});

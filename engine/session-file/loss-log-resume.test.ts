import { describe, expect, it } from 'vitest';
import type { Backend } from '../backends/backend.js';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { createCpu32Backend } from '../backends/cpu32/create.js';
import { type Matrix, matrix } from '../core/matrix.js';
import { Session } from '../train/session.js';
import type { BreakpointCondition, TrainConfig } from '../train/types.js';
import { captureSession, decodeSession, encodeSession, openSession } from './index.js';

function noisyLine(n: number): { X: Matrix; Y: Matrix } {
  const X = matrix(n, 2);
  const Y = matrix(n, 1);
  for (let i = 0; i < n; i++) {
    X.data[2 * i] = Math.sin(i * 1.7);
    X.data[2 * i + 1] = Math.cos(i * 0.3);
    Y.data[i] = 0.5 * X.data[2 * i]! - X.data[2 * i + 1]! + 0.3 * Math.sin(i * 5.1);
  }
  return { X, Y };
}

// Mini-batches of 5 make the batch loss go up and down from step to step, so a loss-spike with a
// factor just above 1 fires often, and when it fires depends on every loss in its window.
const CONFIG: TrainConfig = {
  model: {
    inputSize: 2,
    layers: [
      { units: 6, activation: 'tanh' },
      { units: 1, activation: 'identity' },
    ],
    loss: 'mse',
  },
  init: 'xavier',
  optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 0 },
  batchSize: 5,
  seed: 7,
  validationFraction: 0,
  historySize: 3,
};
const SPIKE: BreakpointCondition[] = [{ kind: 'loss-spike', factor: 1.05, window: 12 }];

const BACKENDS: [string, () => Promise<Backend>][] = [
  ['cpu-f64', async () => new Cpu64Backend()],
  ['cpu-f32', () => createCpu32Backend()],
];

/** The steps at which the breakpoint fires while running up to `last`. */
async function hitSteps(s: Session, last: number): Promise<number[]> {
  const steps: number[] = [];
  while (s.position.step < last) {
    const r = await s.runSteps(last - s.position.step);
    for (const h of r.hits) steps.push(h.step);
    // A hit pauses after its op: finish that step before going on.
    if (s.position.opIndex !== 0) await s.runStep();
  }
  return steps;
}

describe('the loss-spike breakpoint after reopening a session file', () => {
  for (const [name, make] of BACKENDS) {
    it(`fires at the same steps as the uninterrupted run (${name})`, async () => {
      const data = noisyLine(40);
      const straight = await Session.create(CONFIG, data, await make(), { breakpoints: SPIKE });
      const expected = await hitSteps(straight, 40);
      const saveAt = 16;
      const after = expected.filter((s) => s > saveAt);
      // The test means something only when the breakpoint fires soon after the save (within its window).
      expect(after.length).toBeGreaterThan(0);
      expect(after[0]! - saveAt).toBeLessThanOrEqual(12);

      const first = await Session.create(CONFIG, data, await make(), { breakpoints: SPIKE });
      await hitSteps(first, saveAt);
      const bytes = await encodeSession(await captureSession(first, { dataset: { name: 'noisy line', data } }));
      const { contents } = await decodeSession(bytes);
      const reopened = await openSession(contents, await make());
      expect(reopened.lossCurve()).toEqual(first.lossCurve());
      expect(await hitSteps(reopened, 40)).toEqual(after);
    });
  }

  it('restoreLossCurve refuses points after the current step or out of order', async () => {
    const s = await Session.create(CONFIG, noisyLine(20), new Cpu64Backend());
    await s.runSteps(2);
    expect(() => s.restoreLossCurve([{ step: 3, loss: 1, validationLoss: null }])).toThrow(/step 3 is after/);
    expect(() =>
      s.restoreLossCurve([
        { step: 2, loss: 1, validationLoss: null },
        { step: 1, loss: 1, validationLoss: null },
      ]),
    ).toThrow(/increasing/);
  });
});

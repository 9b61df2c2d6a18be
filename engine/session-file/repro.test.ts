import { describe, expect, it } from 'vitest';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { createCpu32Backend } from '../backends/cpu32/create.js';
import type { Backend } from '../backends/backend.js';
import { matrix } from '../core/matrix.js';
import { Session } from '../train/session.js';
import type { BreakpointHit, TrainConfig } from '../train/types.js';
import { decodeSession, encodeSession, minimalRepro, openSession } from './index.js';

const CONFIG: TrainConfig = {
  model: {
    inputSize: 3,
    layers: [
      { units: 6, activation: 'relu' },
      { units: 1, activation: 'identity' },
    ],
    loss: 'mse',
  },
  init: 'he',
  optimizer: { kind: 'adam', lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
  batchSize: 5,
  seed: 11,
  validationFraction: 0.25,
  normalize: { inputs: 'standardize' },
  historySize: 50,
};

function data(n: number) {
  const X = matrix(n, 3);
  const Y = matrix(n, 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) X.data[i * 3 + j] = Math.sin(i * (j + 1) * 0.7) * (j + 1) * 10;
    Y.data[i] = Math.cos(i * 0.3) * 3;
  }
  return { X, Y };
}

describe('minimal repro', () => {
  for (const [name, make] of [
    ['cpu-f64', async (): Promise<Backend> => new Cpu64Backend()],
    ['cpu-f32', (): Promise<Backend> => createCpu32Backend()],
  ] as const) {
    it(`a small session of one step's weights, batch and breakpoint reproduces the hit (${name})`, async () => {
      // Dead relu units appear after a few steps at this learning rate: a hit in mid-training.
      const breakpoint = { kind: 'dead-relu' as const, layer: 0, fraction: 0.3 };
      const s = await Session.create(CONFIG, data(40), await make(), { recordEvery: 1, breakpoints: [breakpoint] });
      let hit: BreakpointHit | undefined;
      for (let k = 0; k < 200 && !hit; k++) hit = (await s.runStep()).hits[0];
      expect(hit, 'the breakpoint should fire during training').toBeDefined();
      expect(hit!.step).toBeGreaterThan(1);

      const contents = minimalRepro(s, {
        step: hit!.step,
        breakpoints: [hit!.condition],
        hit: { op: hit!.op.label, message: hit!.message },
      });
      const bytes = await encodeSession(contents);
      const { contents: back, manifest } = await decodeSession(bytes);
      expect(manifest.dataset!.samples).toBe(5); // only the step's batch
      expect(manifest.repro).toEqual({ step: hit!.step, op: hit!.op.label, message: hit!.message });
      const repro = await openSession(back, await make(), { recordEvery: 1 });
      const r = await repro.runStep();
      expect(r.hits).toHaveLength(1);
      const again = r.hits[0]!;
      expect(again.step).toBe(hit!.step);
      expect(again.op.label).toBe(hit!.op.label);
      expect(again.cells).toEqual(hit!.cells);
      expect(again.message).toBe(hit!.message);
    });
  }

  it('says which steps can be reproduced when the state before the step is gone', async () => {
    const s = await Session.create({ ...CONFIG, historySize: 2 }, data(40), new Cpu64Backend(), { recordEvery: 1 });
    await s.runSteps(6);
    expect(() => minimalRepro(s, { step: 3 })).toThrow(/steps that can be reproduced: 6, 7/);
    expect(() => minimalRepro(s, { step: 7, breakpoints: [{ kind: 'loss-spike', factor: 2 }] })).toThrow(/loss-spike/);
  });
});

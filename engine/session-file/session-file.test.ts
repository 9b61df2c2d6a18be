import { describe, expect, it } from 'vitest';
import type { Backend } from '../backends/backend.js';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { createCpu32Backend } from '../backends/cpu32/create.js';
import { type Matrix, matrix } from '../core/matrix.js';
import { Session } from '../train/session.js';
import type { TrainConfig } from '../train/types.js';
import { captureSession, decodeSession, encodeSession, openSession, readSessionManifest } from './index.js';

function spiralish(n: number): { X: Matrix; Y: Matrix } {
  const X = matrix(n, 2);
  const Y = matrix(n, 3);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    const r = (i / n) * 2;
    X.data[2 * i] = r * Math.cos(r * 3 + c * 2.1);
    X.data[2 * i + 1] = r * Math.sin(r * 3 + c * 2.1);
    Y.data[3 * i + c] = 1;
  }
  return { X, Y };
}

const CONFIG: TrainConfig = {
  model: {
    inputSize: 2,
    layers: [
      { units: 8, activation: 'tanh' },
      { units: 3, activation: 'softmax' },
    ],
    loss: 'cross-entropy',
  },
  init: 'xavier',
  optimizer: { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.001 },
  batchSize: 7,
  seed: 42,
  validationFraction: 0.2,
  historySize: 5,
};

const BACKENDS: [string, () => Promise<Backend>][] = [
  ['cpu-f64', async () => new Cpu64Backend()],
  ['cpu-f32', () => createCpu32Backend()],
];

async function weightsOf(s: Session): Promise<number[][]> {
  const p = await s.parameters();
  return [...p.W, ...p.b].map((m) => Array.from(m.data));
}

describe('.bplens session files', () => {
  for (const [name, make] of BACKENDS) {
    it(`reopening and continuing gives bit-identical weights to never closing (${name}, Adam, mini-batches)`, async () => {
      const data = spiralish(60);
      const backend = await make();
      // One uninterrupted run of 23 steps (crosses epoch boundaries: 48 training rows / 7 per batch).
      const straight = await Session.create(CONFIG, data, backend, { recordEvery: 1 });
      await straight.runSteps(23);
      const expected = await weightsOf(straight);

      // The same run, saved after 11 steps (mid-epoch), reopened on a fresh backend, continued 12 more.
      const first = await Session.create(CONFIG, data, backend, { recordEvery: 1 });
      await first.runSteps(11);
      const bytes = await encodeSession(await captureSession(first, { dataset: { name: 'spiralish', data } }));
      const { contents, manifest } = await decodeSession(bytes, { fileName: 'run.bplens' });
      expect(manifest.position.step).toBe(11);
      expect(manifest.precision).toBe(backend.precision);
      expect(contents.state!.optimizer!.updates).toBe(11);
      const reopened = await openSession(contents, await make(), { recordEvery: 1 });
      expect(reopened.position.step).toBe(11);
      // The kept steps came back: time travel reaches them.
      expect(reopened.history.toArray().map((e) => e.step)).toEqual([7, 8, 9, 10, 11]);
      await reopened.runSteps(12);
      expect(await weightsOf(reopened)).toEqual(expected);
      // Replaying from a kept step of the file also matches.
      const replay = await openSession(contents, await make(), { recordEvery: 1 });
      await replay.restore(8);
      await replay.runSteps(15);
      expect(await weightsOf(replay)).toEqual(expected);
    });
  }

  it('keeps everything the manifest promises: settings, breakpoints, notes, view, data and loss curve', async () => {
    const data = spiralish(30);
    const s = await Session.create(CONFIG, data, new Cpu64Backend(), {
      recordEvery: 1,
      breakpoints: [{ kind: 'exploding', layer: 0, threshold: 1e6 }, { kind: 'non-finite' }],
    });
    await s.runSteps(4);
    s.setLearningRate(0.005);
    await s.runSteps(1);
    const contents = await captureSession(s, {
      dataset: { name: 'spiralish', features: ['x', 'y'], targets: ['a', 'b', 'c'], data },
      notes: 'the loss jumps at step 3',
      view: { tab: 'layers', layer: 1 },
      preprocessing: { inputs: { kind: 'standardize', mean: [0, 0], std: [1, 1] } },
      createdWith: { name: 'backprop-lens', version: '9.9.9' },
    });
    const bytes = await encodeSession(contents);
    const manifest = readSessionManifest(bytes);
    expect(manifest.training.optimizer.lr).toBe(0.005);
    expect(manifest.createdWith.version).toBe('9.9.9');
    const back = (await decodeSession(bytes)).contents;
    expect(back.breakpoints).toEqual(s.breakpoints());
    expect(back.notes).toBe('the loss jumps at step 3');
    expect(back.view).toEqual({ tab: 'layers', layer: 1 });
    expect(back.preprocessing).toEqual(contents.preprocessing);
    expect(Array.from(back.dataset!.data!.X.data)).toEqual(Array.from(data.X.data));
    expect(back.dataset!.features).toEqual(['x', 'y']);
    expect(back.lossCurve).toEqual(s.lossCurve());
    expect(back.history.map((h) => h.step)).toEqual([1, 2, 3, 4]);
  });
});

describe('a session that references its data by path and hash', () => {
  it('holds no data blob; opening needs the same data, checked by its SHA-256', async () => {
    const data = spiralish(30);
    const s = await Session.create(CONFIG, data, new Cpu64Backend(), { recordEvery: 1 });
    await s.runSteps(3);
    const bytes = await encodeSession(
      await captureSession(s, {
        dataset: { name: 'spiral.csv', data, file: { path: 'data/spiral.csv', bytes: 1234, sha256: 'a'.repeat(64) } },
      }),
    );
    const { contents, manifest } = await decodeSession(bytes);
    expect(manifest.dataset!.file).toEqual({ path: 'data/spiral.csv', bytes: 1234, sha256: 'a'.repeat(64) });
    expect(manifest.dataset!.embedded).toBeUndefined();
    expect(Object.keys(manifest.blobs)).not.toContain('dataset.safetensors');
    expect(contents.dataset!.data).toBeNull();
    await expect(openSession(contents, new Cpu64Backend())).rejects.toThrow(/refers to data\/spiral\.csv/);
    const other = spiralish(30);
    other.X.data[0] = 1e-9;
    await expect(openSession(contents, new Cpu64Backend(), { data: other })).rejects.toThrow(
      /not the data the session was saved with/,
    );
    const reopened = await openSession(contents, new Cpu64Backend(), { data });
    expect(reopened.position.step).toBe(3);
  });
});

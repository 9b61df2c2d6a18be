/**
 * Across engine/train, engine/io and engine/cli: a weights file exported from a trained Session
 * reloads into the same network bit for bit, and the gradients file written from forwardBackward is
 * byte for byte what `backprop-lens grad` writes for the same weights and batch.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { type Matrix, gatherRows, matrix } from '../core/matrix.js';
import { createRng } from '../core/rng.js';
import { runCli, tempDir } from '../cli/test-harness.js';
import { makeTestBackend } from '../backends/webgpu/node-test-device.js';
import { gradcheck } from '../gradcheck/gradcheck.js';
import {
  readGradientsFile,
  readWeightsFile,
  writeBatchFile,
  writeGradientsFile,
  writeWeightsFile,
} from '../io/node-files.js';
import { parseWeights, serializeGradients, serializeWeights } from '../io/index.js';
import type { ModelSpec } from '../model/spec.js';
import { forwardBackward } from '../train/forward-backward.js';
import { Session } from '../train/session.js';
import type { Dataset, ParameterSet, TrainConfig } from '../train/types.js';

const bits = (m: Matrix): string => Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength).toString('hex');
const sameBits = (a: ParameterSet, b: ParameterSet): void => {
  expect(a.W.map(bits)).toEqual(b.W.map(bits));
  expect(a.b.map(bits)).toEqual(b.b.map(bits));
};

const spec: ModelSpec = {
  inputSize: 2,
  layers: [
    { units: 7, activation: 'tanh' },
    { units: 5, activation: 'relu' },
    { units: 3, activation: 'softmax' },
  ],
  loss: 'cross-entropy',
};

function blobs(n: number, seed: number): Dataset {
  const rng = createRng(seed);
  const X = matrix(n, 2);
  const Y = matrix(n, 3);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    X.data[2 * i] = Math.cos((2 * Math.PI * c) / 3) + 0.4 * rng.normal();
    X.data[2 * i + 1] = Math.sin((2 * Math.PI * c) / 3) + 0.4 * rng.normal();
    Y.data[3 * i + c] = 1;
  }
  return { X, Y };
}

const config: TrainConfig = {
  model: spec,
  init: 'he',
  optimizer: { kind: 'adam', lr: 0.02, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-4 },
  batchSize: 16,
  seed: 4,
  validationFraction: 0.25,
  historySize: 0,
};

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => dir.cleanup());

describe('weights exported from a trained Session', () => {
  it('reload (engine/io) into forwardBackward and a new Session with bit-identical parameters and predictions', async () => {
    const data = blobs(60, 1);
    const s = await Session.create(config, data, new Cpu64Backend(), { recordEvery: 0 });
    await s.runSteps(40);
    const trained = await s.parameters();
    const summary = s.summary()!;
    const file = join(dir.dir, 'trained.json');
    await writeWeightsFile(file, {
      model: spec,
      parameters: trained,
      training: {
        steps: summary.step,
        optimizer: 'adam',
        learningRate: 0.02,
        batchSize: 16,
        seed: 4,
        finalLoss: summary.loss,
      },
      dataset: { name: 'blobs', features: ['x1', 'x2'], targets: ['a', 'b', 'c'], samples: 60 },
    });
    const loaded = await readWeightsFile(file);
    expect(loaded.model).toEqual(spec);
    expect(loaded.training?.finalLoss).toBe(summary.loss);
    sameBits(loaded.parameters, trained);

    // Predictions: the live session, a one-shot pass with the reloaded weights, and a session started from them.
    const X = data.X;
    const live = await s.predict(X);
    const fb = await forwardBackward(new Cpu64Backend(), loaded.model, loaded.parameters, X, data.Y);
    expect(bits(fb.output)).toBe(bits(live));
    const again = await Session.create(
      { ...config, init: { parameters: loaded.parameters } },
      data,
      new Cpu64Backend(),
    );
    expect(bits(await again.predict(X))).toBe(bits(live));
    const evalLive = await s.evaluate(X, data.Y);
    expect(fb.loss).toBe(evalLive.loss);
    // Not vacuous: training changed the network, so a stale or default reload would differ.
    const fresh = await Session.create(config, data, new Cpu64Backend());
    expect(bits(await fresh.predict(X))).not.toBe(bits(live));
  });

  it('survive a text round trip exactly (shortest round-trip decimal form of every float64)', async () => {
    const s = await Session.create({ ...config, batchSize: 'full' }, blobs(30, 2), new Cpu64Backend(), {
      recordEvery: 0,
    });
    await s.runSteps(5);
    const p = await s.parameters();
    const text = serializeWeights({ model: spec, parameters: p });
    sameBits(parseWeights(text).parameters, p);
    expect(serializeWeights(parseWeights(text))).toBe(text);
  });
});

describe('gradients file: forwardBackward + engine/io writer against `backprop-lens grad`', () => {
  // Weights of a briefly trained session, a batch of 9 of its samples, and the float64 gradients file
  // written through engine/io (mine.json): the fixtures every test below compares the CLI with.
  let parameters: ParameterSet;
  let batch: Dataset;
  let mine: Awaited<ReturnType<typeof forwardBackward>>;
  beforeAll(async () => {
    const data = blobs(24, 3);
    const s = await Session.create(config, data, new Cpu64Backend(), { recordEvery: 0 });
    await s.runSteps(10);
    parameters = await s.parameters();
    const rows = Int32Array.from({ length: 9 }, (_, k) => (k * 5) % 24);
    batch = { X: gatherRows(data.X, rows), Y: gatherRows(data.Y, rows) };
    await writeWeightsFile(join(dir.dir, 'w.json'), { model: spec, parameters });
    await writeBatchFile(join(dir.dir, 'batch.json'), batch);
    mine = await forwardBackward(new Cpu64Backend(), spec, parameters, batch.X, batch.Y);
    await writeGradientsFile(join(dir.dir, 'mine.json'), mine);
  });

  it('the same weights and batch give a byte-identical file (cpu), and the file passes the gradient check', async () => {
    const cli = await runCli(['grad', '--weights', 'w.json', '--data', 'batch.json', '--out', 'cli.json'], dir.dir);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const [a, b] = await Promise.all([
      readFile(join(dir.dir, 'mine.json'), 'utf8'),
      readFile(join(dir.dir, 'cli.json'), 'utf8'),
    ]);
    expect(b).toBe(a);
    expect(serializeGradients(mine)).toBe(a);

    // Read back, the file describes the pass: its dW/db pass the float64 gradient check.
    const g = await readGradientsFile(join(dir.dir, 'cli.json'));
    expect(g.backend).toBe('cpu-f64');
    expect(g.loss).toBe(mine.loss);
    const r = await gradcheck(spec, parameters, batch.X, batch.Y, {
      analytic: { dW: g.layers.map((l) => l.dW), db: g.layers.map((l) => l.db) },
    });
    expect(r.passed, r.layers.map((l) => l.maxRelError).join(', ')).toBe(true);
  });

  for (const [choice, name] of [
    ['cpu32', 'cpu-f32'],
    ['gpu', 'webgpu-f32'],
  ] as const) {
    it(`\`grad --backend ${choice}\` writes a ${name} file that matches the float64 one to f32 precision`, async (ctx) => {
      if (choice === 'gpu') {
        // Also points dawn.node at SwiftShader when no GPU driver is configured (the CLI itself does not).
        const probe = await makeTestBackend();
        if ('skip' in probe) ctx.skip(probe.skip);
        else probe.dispose();
      }
      const out = `cli-${choice}.json`;
      const cli = await runCli(
        ['grad', '-w', 'w.json', '-d', 'batch.json', '--backend', choice, '--out', out],
        dir.dir,
      );
      expect(cli.code, cli.stderr).toBe(0);
      const [g32, g64] = await Promise.all([
        readGradientsFile(join(dir.dir, out)),
        readGradientsFile(join(dir.dir, 'mine.json')),
      ]);
      expect(g32.backend).toBe(name);
      expect(Math.abs(g32.loss - g64.loss)).toBeLessThan(1e-5 * Math.abs(g64.loss));
      const close = (a: Matrix, b: Matrix, what: string): void => {
        const scale = Math.max(1e-3, ...Array.from(b.data, Math.abs));
        b.data.forEach((v, k) => expect(Math.abs(a.data[k]! - v), `${what}[${k}]`).toBeLessThan(1e-5 * scale));
      };
      close(g32.output, g64.output, 'output');
      close(g32.dX, g64.dX, 'dX');
      g64.layers.forEach((l, i) => {
        for (const key of ['A', 'H', 'G', 'dW', 'db'] as const)
          close(g32.layers[i]![key], l[key], `layers[${i}].${key}`);
      });
    });
  }
});

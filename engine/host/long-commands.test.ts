/** A long gradient check runs in slices: it reports progress, answers pings, and a pause cancels it. */
import { describe, expect, it } from 'vitest';
import { config, regression, setup } from './host-test-kit.js';

const big = {
  ...config,
  model: {
    inputSize: 2,
    layers: [
      { units: 96, activation: 'tanh' as const },
      { units: 96, activation: 'tanh' as const },
      { units: 1, activation: 'identity' as const },
    ],
    loss: 'mse' as const,
  },
};

describe('long engine commands', () => {
  it('gradcheck on a big net: progress, pongs while it runs, and a pause cancels it', async () => {
    const p = await setup();
    p.send(regression());
    p.send({ type: 'configure', config: big });
    await p.waitFor('configured');
    p.send({ type: 'gradcheck', id: 20, maxElementsPerLayer: 0, batchRows: 40 });
    await p.waitFor('progress', (e) => e.replyTo === 20 && e.task === 'gradcheck' && e.done > 0);
    p.send({ type: 'ping', id: 21 });
    await p.waitFor('pong', (e) => e.replyTo === 21);
    expect(p.of('gradcheck-result')).toHaveLength(0); // still running when the pong came
    p.send({ type: 'pause', id: 22 });
    const err = await p.waitFor('error', (e) => e.replyTo === 20);
    expect(err.code).toBe('cancelled');
    expect(err.message).toMatch(/gradient check was cancelled/);
    expect(p.of('gradcheck-result')).toHaveLength(0);
    // The engine is still usable.
    p.send({ type: 'gradcheck', id: 23, maxElementsPerLayer: 10 });
    expect((await p.waitFor('gradcheck-result', (e) => e.replyTo === 23)).passed).toBe(true);
  });
});

describe('step with a large count', () => {
  it('answers pings between slices and stops at a pause, far short of the count', async () => {
    const p = await setup();
    p.send(regression());
    p.send({ type: 'configure', config: big });
    await p.waitFor('configured');
    p.send({ type: 'step', id: 50, count: 1_000_000 });
    await new Promise((r) => setTimeout(r, 100));
    p.send({ type: 'ping', id: 51 });
    const pong = await p.waitFor('pong', (e) => e.replyTo === 51);
    expect(pong.step).toBeGreaterThan(0);
    // It says how far it got, as the other long commands do.
    const progress = await p.waitFor('progress', (e) => e.replyTo === 50);
    expect(progress).toMatchObject({ task: 'step', total: 1_000_000 });
    expect(progress.done).toBeGreaterThan(0);
    p.send({ type: 'pause', id: 52 });
    const done = await p.waitFor('state', (e) => e.replyTo === 50);
    expect(done.step).toBeLessThan(1_000_000);
  });
});

describe('loading a big file', () => {
  const rows: string[] = ['x1,x2,y'];
  for (let i = 0; i < 400_000; i++) rows.push(`${(i % 1000) / 7},${(i % 13) / 3},${i % 17}.5`);
  const csv = new TextEncoder().encode(`${rows.join('\n')}\n`); // ≈ 8 MB
  const source = { kind: 'file' as const, fileName: 'big.csv', bytes: csv, options: {} };

  it('answers pings while it parses, then loads', async () => {
    const p = await setup();
    await p.waitFor('ready');
    p.send({ type: 'load-dataset', id: 30, source: { ...source, bytes: csv.slice() } });
    p.send({ type: 'ping', id: 31 });
    await p.waitFor('pong', (e) => e.replyTo === 31);
    expect(p.of('dataset-loaded')).toHaveLength(0);
    const loaded = await p.waitFor('dataset-loaded', (e) => e.replyTo === 30, 30_000);
    expect(loaded.samples).toBe(400_000);
  });

  it('a pause cancels the load, and the engine stays usable', async () => {
    const p = await setup();
    await p.waitFor('ready');
    p.send({ type: 'load-dataset', id: 40, source: { ...source, bytes: csv.slice() } });
    p.send({ type: 'ping', id: 41 });
    await p.waitFor('pong', (e) => e.replyTo === 41);
    p.send({ type: 'pause', id: 42 });
    const err = await p.waitFor('error', (e) => e.replyTo === 40, 30_000);
    expect(err.code).toBe('cancelled');
    expect(p.of('dataset-loaded')).toHaveLength(0);
    p.send(regression());
    await p.waitFor('dataset-loaded');
  });
});

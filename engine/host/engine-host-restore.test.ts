import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../protocol/commands.js';
import type { Probe } from './host-test-kit.js';
import { config, regression, setup } from './host-test-kit.js';

/** Trains `steps` steps on a fresh engine and returns the checkpoint taken then and the loss `more` steps later. */
async function reference(steps: number, more: number): Promise<{ cp: Checkpoint; lossAfter: number }> {
  const a = await setup();
  a.send(regression());
  a.send({ type: 'configure', config });
  a.send({ type: 'step', count: steps, id: 1 });
  await a.waitFor('state', (s) => s.replyTo === 1);
  const cp = (await a.waitFor('checkpoint', (c) => c.checkpoint.step === steps)).checkpoint;
  a.send({ type: 'step', count: more, id: 2 });
  await a.waitFor('state', (s) => s.replyTo === 2);
  return { cp, lossAfter: a.of('frame').at(-1)!.loss };
}

async function lossAfterSteps(p: Probe, count: number, id: number): Promise<number> {
  p.send({ type: 'step', count, id });
  await p.waitFor('state', (s) => s.replyTo === id);
  return p.of('frame').at(-1)!.loss;
}

describe('EngineHost restore', () => {
  it('restores with the history switched off (historySize 0) and continues exactly', async () => {
    const { cp, lossAfter } = await reference(20, 5);
    const b = await setup();
    b.send(regression());
    b.send({ type: 'configure', config: { ...config, historySize: 0 } });
    b.send({ type: 'restore', id: 3, checkpoint: cp });
    expect(await b.waitFor('state', (s) => s.replyTo === 3)).toMatchObject({ step: 20, reason: 'restored' });
    expect(await lossAfterSteps(b, 5, 4)).toBe(lossAfter);
  });

  it('restores a checkpoint without optimizer state as a fresh optimizer, even with the history off', async () => {
    const { cp } = await reference(10, 1);
    const b = await setup();
    b.send(regression());
    b.send({ type: 'configure', config: { ...config, historySize: 0 } });
    b.send({ type: 'restore', id: 3, checkpoint: { ...cp, optimizer: null } });
    expect(await b.waitFor('state', (s) => s.replyTo === 3)).toMatchObject({ step: 10, reason: 'restored' });
    b.send({ type: 'step', id: 4 });
    expect(await b.waitFor('state', (s) => s.replyTo === 4)).toMatchObject({ step: 11 });
  });

  it('rejects a checkpoint of another shape with its key path and leaves the parameters untouched', async () => {
    const { cp } = await reference(5, 1);
    const b = await setup();
    b.send(regression());
    b.send({ type: 'configure', config });
    b.send({ type: 'step', count: 3, id: 1 });
    await b.waitFor('state', (s) => s.replyTo === 1);
    b.send({ type: 'request-matrix', id: 2, layer: 0, name: 'W' });
    const before = (await b.waitFor('matrix', (e) => e.replyTo === 2)).matrix.data.slice();

    // W_0 fits, W_1 does not: a half-applied restore would already have overwritten W_0.
    const W1 = cp.parameters.W[1]!;
    const bad: Checkpoint = {
      ...cp,
      parameters: {
        ...cp.parameters,
        W: [cp.parameters.W[0]!, { rows: W1.rows + 1, cols: W1.cols, data: new Float64Array((W1.rows + 1) * W1.cols) }],
      },
    };
    b.send({ type: 'restore', id: 3, checkpoint: bad });
    const err = await b.waitFor('error', (e) => e.replyTo === 3);
    expect(err).toMatchObject({ code: 'config-error', path: 'checkpoint.parameters.W[1]', fatal: false });
    expect(err.message).toMatch(/7×1, expected 6×1/);

    const badOptimizer: Checkpoint = { ...cp, optimizer: { updates: 5, buffers: cp.optimizer!.buffers.slice(1) } };
    b.send({ type: 'restore', id: 4, checkpoint: badOptimizer });
    expect(await b.waitFor('error', (e) => e.replyTo === 4)).toMatchObject({
      code: 'config-error',
      path: 'checkpoint.optimizer.buffers',
    });

    b.send({ type: 'request-matrix', id: 5, layer: 0, name: 'W' });
    expect((await b.waitFor('matrix', (e) => e.replyTo === 5)).matrix.data).toEqual(before);
    b.send({ type: 'ping', id: 6 });
    expect((await b.waitFor('pong', (e) => e.replyTo === 6)).step).toBe(3);
  });

  it('restores an older step over newer history: the newer steps are dropped, the checkpoint is kept', async () => {
    const { cp, lossAfter } = await reference(20, 5);
    const b = await setup();
    b.send(regression());
    b.send({ type: 'configure', config });
    b.send({ type: 'step', count: 30, id: 1 });
    await b.waitFor('state', (s) => s.replyTo === 1);
    b.send({ type: 'restore', id: 2, checkpoint: cp });
    expect(await b.waitFor('state', (s) => s.replyTo === 2)).toMatchObject({ step: 20, reason: 'restored' });
    // The checkpoint is the newest history entry; steps 21…30 of the abandoned timeline are gone.
    b.send({ type: 'request-frame', id: 3, step: 20 });
    expect(await b.waitFor('frame', (e) => e.replyTo === 3)).toMatchObject({ step: 20, historical: true });
    b.send({ type: 'request-frame', id: 4, step: 25 });
    expect((await b.waitFor('error', (e) => e.replyTo === 4)).code).toBe('not-found');
    b.send({ type: 'request-matrix', id: 5, layer: 1, name: 'W', step: 20 });
    const W1 = (await b.waitFor('matrix', (e) => e.replyTo === 5)).matrix;
    expect(Array.from(W1.data)).toEqual(Array.from(cp.parameters.W[1]!.data));
    expect(await lossAfterSteps(b, 5, 6)).toBe(lossAfter);
  });
});

import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../model/spec.js';
import { config as hostConfig, regression, setup } from './host-test-kit.js';

const model = (...hidden: number[]): ModelSpec => ({
  inputSize: 2,
  layers: [...hidden.map((units) => ({ units, activation: 'tanh' as const })), { units: 1, activation: 'identity' }],
  loss: 'mse',
});

describe('model size over the protocol', () => {
  it('over the protocol, configure with 30,000-unit layers is a config error, and the engine keeps working', async () => {
    const p = await setup();
    p.send(regression());
    await p.waitFor('dataset-loaded');
    p.send({ type: 'configure', id: 7, config: { ...hostConfig, model: model(30_000, 30_000) } });
    const err = await p.waitFor('error', (e) => e.replyTo === 7);
    expect(err.code).toBe('config-error');
    expect(err.message).toMatch(/too large/);
    p.send({ type: 'configure', id: 8, config: hostConfig });
    await p.waitFor('configured');
  });
});

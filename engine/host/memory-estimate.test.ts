// Lives beside the host: it checks the estimate both on its own and as the configure command's refusal.
import { describe, expect, it } from 'vitest';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { Session, estimateSessionMemory } from '../train/session.js';
import { checkMemoryFits, describeEstimate, estimateMemory } from '../model/memory-estimate.js';
import { ModelSpecError, type ModelSpec } from '../model/spec.js';
import { config as hostConfig, regression, setup } from './host-test-kit.js';

const model = (...hidden: number[]): ModelSpec => ({
  inputSize: 2,
  layers: [...hidden.map((units) => ({ units, activation: 'tanh' as const })), { units: 1, activation: 'identity' }],
  loss: 'mse',
});

describe('memory estimate', () => {
  it('counts parameters, gradients, optimizer state, activations and history', () => {
    // 2 → 3 → 1: P = 2·3+3 + 3·1+1 = 13; widths Σ = 6.
    const e = estimateMemory({ model: model(3), batchSize: 10, optimizer: { kind: 'adam' }, historyBytes: 1000 });
    expect(e.parameters).toBe(13);
    expect(e.parameterBytes).toBe(13 * 8);
    expect(e.gradientBytes).toBe(13 * 8);
    expect(e.optimizerBytes).toBe(2 * 13 * 8);
    expect(e.activationBytes).toBe((3 * 10 * 6 + 10 * 1) * 8);
    expect(e.totalBytes).toBe(13 * 8 * 4 + (3 * 10 * 6 + 10) * 8 + 1000);
    expect(e.largestMatrixBytes).toBe(30 * 8);
    const f32 = estimateMemory({
      model: model(3),
      batchSize: 10,
      optimizer: { kind: 'sgd', momentum: 0 },
      precision: 'f32',
    });
    expect(f32.optimizerBytes).toBe(0);
    expect(f32.parameterBytes).toBe(13 * 4);
  });

  it('refuses 20000,20000 with the estimate in the message', () => {
    const e = estimateMemory({ model: model(20_000, 20_000), batchSize: 32, optimizer: { kind: 'adam' } });
    expect(() => checkMemoryFits(e)).toThrow(ModelSpecError);
    expect(() => checkMemoryFits(e)).toThrow(/model\.layers: too large: one matrix needs 2\.98 GiB.*about 11\.9\d GiB/);
    expect(describeEstimate(e)).toMatch(/400,100,001 parameters/);
  });

  it('Session.create refuses before allocating, and a backend buffer limit lowers the bound', async () => {
    const be = new Cpu64Backend();
    const data = {
      X: { rows: 4, cols: 2, data: new Float64Array(8) },
      Y: { rows: 4, cols: 1, data: new Float64Array(4) },
    };
    const cfg = {
      model: model(20_000, 20_000),
      init: 'xavier' as const,
      optimizer: { kind: 'sgd' as const, lr: 0.1, momentum: 0, weightDecay: 0 },
      batchSize: 'full' as const,
      seed: 1,
      validationFraction: 0,
    };
    await expect(Session.create(cfg, data, be)).rejects.toThrow(/too large/);
    const small = { ...cfg, model: model(100) };
    expect(estimateSessionMemory(small, 4).totalBytes).toBeLessThan(1e6);
    const tinyBuffers = Object.assign(Object.create(be) as typeof be, { maxBufferBytes: 100 });
    await expect(Session.create(small, data, tinyBuffers)).rejects.toThrow(
      /over the 0\.1 KiB a single buffer may hold/,
    );
    be.dispose();
  });

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

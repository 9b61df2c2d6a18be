import { describe, expect, it } from 'vitest';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { fromRows } from '../core/matrix.js';
import { Optimizer, validateOptimizerConfig } from './optimizer.js';

async function run(config: ConstructorParameters<typeof Optimizer>[1], steps: number) {
  const be = new Cpu64Backend();
  const W = be.upload(fromRows([[1, -2]]), 'W');
  const b = be.upload(fromRows([[0.5]]), 'b');
  const gW = be.upload(fromRows([[0.1, 0.2]]));
  const gb = be.upload(fromRows([[0.3]]));
  const opt = new Optimizer(be, config, [
    { rows: 1, cols: 2, label: 'W' },
    { rows: 1, cols: 1, label: 'b' },
  ]);
  for (let t = 0; t < steps; t++) opt.apply([W, b], [gW, gb], [true, false]);
  return { W: Array.from((await be.read(W)).data), b: Array.from((await be.read(b)).data), opt };
}

describe('Optimizer', () => {
  it('SGD with momentum by hand: v ← μv + g + λW, W ← W − lr·v; no decay on b', async () => {
    const r = await run({ kind: 'sgd', lr: 0.1, momentum: 0.5, weightDecay: 0.01 }, 2);
    // W[0]: step 1 g = 0.1 + 0.01·1 = 0.11, v = 0.11, W = 1 − 0.011 = 0.989
    //       step 2 g = 0.1 + 0.01·0.989 = 0.10989, v = 0.055 + 0.10989 = 0.16489, W = 0.989 − 0.016489 = 0.972511
    expect(r.W[0]).toBeCloseTo(0.972511, 14);
    // b: step 1 v = 0.3, b = 0.47; step 2 v = 0.15 + 0.3 = 0.45, b = 0.47 − 0.045 = 0.425 (λ not applied)
    expect(r.b[0]).toBeCloseTo(0.425, 14);
    expect(r.opt.updateCount).toBe(2);
  });

  it('Adam by hand: the first bias-corrected step moves each weight by lr·sign(g)', async () => {
    const r = await run({ kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-12, weightDecay: 0 }, 1);
    // m̂ = g, v̂ = g², so Δ = lr·g/(|g| + ε) ≈ lr·sign(g)
    expect(r.W).toEqual([expect.closeTo(0.99, 10), expect.closeTo(-2.01, 10)]);
    expect(r.b[0]).toBeCloseTo(0.49, 10);
  });

  it('snapshot and restore carry the state (momentum, Adam moments and step count)', async () => {
    const a = await run({ kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 }, 3);
    const snap = await a.opt.snapshot();
    expect(snap.updates).toBe(3);
    expect(snap.buffers).toHaveLength(2);
    expect(snap.buffers[0]).toHaveLength(2); // m and v
    a.opt.reset();
    expect(a.opt.updateCount).toBe(0);
    a.opt.restore(snap);
    expect(await a.opt.snapshot()).toEqual(snap);
  });

  it('validates every field, naming it', () => {
    expect(() => validateOptimizerConfig({ kind: 'sgd', lr: 0.1, momentum: 1, weightDecay: 0 })).toThrow(
      'optimizer.momentum: must be in [0, 1), got 1',
    );
    expect(() =>
      validateOptimizerConfig({ kind: 'adam', lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 0, weightDecay: 0 }),
    ).toThrow('optimizer.eps');
    expect(() => validateOptimizerConfig({ kind: 'sgd', lr: NaN, momentum: 0, weightDecay: 0 })).toThrow(
      'optimizer.lr',
    );
    expect(() => validateOptimizerConfig({ kind: 'sgd', lr: 1, momentum: 0, weightDecay: -1 })).toThrow(
      'optimizer.weightDecay',
    );
  });
});

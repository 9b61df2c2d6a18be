import { describe, expect, it } from 'vitest';
import { forward, grid2d } from './forward.js';

describe('forward', () => {
  it('computes H = A W + 1 b and the activation, layer by layer, with the engine\'s float64 pass', async () => {
    const F = await forward({ rows: 2, cols: 2, data: [1, 2, -1, 0] }, [
      { W: { rows: 2, cols: 1, data: [0.5, -0.25] }, b: { rows: 1, cols: 1, data: [0.1] }, activation: 'tanh' },
      { W: { rows: 1, cols: 2, data: [2, -2] }, b: { rows: 1, cols: 2, data: [0, 0] }, activation: 'softmax' },
    ]);
    expect(F.data).toBeInstanceOf(Float64Array);
    const h0 = Math.tanh(1 * 0.5 + 2 * -0.25 + 0.1);
    const p = Math.exp(2 * h0) / (Math.exp(2 * h0) + Math.exp(-2 * h0));
    expect(F.data[0]).toBeCloseTo(p, 12);
    expect(F.data[0]! + F.data[1]!).toBeCloseTo(1, 12);
  });
  it('refuses shapes that do not chain, naming the layer', async () => {
    await expect(forward({ rows: 1, cols: 3, data: [1, 2, 3] }, [{ W: { rows: 2, cols: 1, data: [1, 1] }, b: { rows: 1, cols: 1, data: [0] }, activation: 'identity' }])).rejects.toThrow(/W_0 has 2 rows/);
    await expect(forward({ rows: 1, cols: 2, data: [1, 2] }, [{ W: { rows: 2, cols: 1, data: [1, 1] }, b: { rows: 1, cols: 2, data: [0, 0] }, activation: 'identity' }])).rejects.toThrow(/b/);
  });
  it('takes raw inputs like predict: the run\'s input normalisation first, normalised outputs mapped back', async () => {
    const layer = { W: { rows: 2, cols: 1, data: [1, 1] }, b: { rows: 1, cols: 1, data: [0] }, activation: 'identity' as const };
    const preprocessing = {
      version: 1 as const,
      inputs: { method: 'standardize' as const, names: ['a', 'b'], offset: [10, -2], scale: [2, 4] },
      outputs: { method: 'standardize' as const, names: ['y'], offset: [100], scale: [10] },
    };
    const F = await forward({ rows: 1, cols: 2, data: [14, 6] }, [layer], preprocessing);
    // x' = [(14 − 10)/2, (6 + 2)/4] = [2, 2]; y' = 4; y = 4 · 10 + 100
    expect(Array.from(F.data)).toEqual([140]);
    expect(Array.from((await forward({ rows: 1, cols: 2, data: [14, 6] }, [layer], null)).data)).toEqual([20]);
  });
  it('lays a grid out from the top row down', () => {
    const g = grid2d(0, 2, 0, 2, 2);
    expect(Array.from(g.data)).toEqual([0.5, 1.5, 1.5, 1.5, 0.5, 0.5, 1.5, 0.5]);
  });
});

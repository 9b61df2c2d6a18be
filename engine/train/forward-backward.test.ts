import { describe, expect, it } from 'vitest';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { fromRows, toRows } from '../core/matrix.js';
import type { ModelSpec } from '../model/spec.js';
import { forwardBackward } from './forward-backward.js';

const close = (rows: number[][]) => rows.map((r) => r.map((x) => expect.closeTo(x, 13)));

describe('forwardBackward on a 2-2-1 tanh/identity sse net, one sample, by hand', () => {
  const spec: ModelSpec = {
    inputSize: 2,
    layers: [
      { units: 2, activation: 'tanh' },
      { units: 1, activation: 'identity' },
    ],
    loss: 'sse',
  };
  const params = {
    W: [
      fromRows([
        [0.1, 0.2],
        [0.3, -0.4],
      ]),
      fromRows([[0.5], [-0.6]]),
    ],
    b: [fromRows([[0.05, -0.1]]), fromRows([[0.2]])],
  };
  const X = fromRows([[1, 2]]);
  const Y = fromRows([[0.5]]);

  it('matches the hand-derived forward values, loss and every gradient', async () => {
    const r = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
    // Forward, layer 0: H_0 = X W_0 + b_0 = [1·0.1 + 2·0.3 + 0.05, 1·0.2 + 2·(−0.4) − 0.1] = [0.75, −0.7]
    expect(toRows(r.layers[0]!.A)).toEqual([[1, 2]]);
    expect(toRows(r.layers[0]!.H)).toEqual(close([[0.75, -0.7]]));
    // A_1 = tanh(H_0) = [0.6351489523872873, −0.6043677771171636]
    expect(toRows(r.layers[1]!.A)).toEqual(close([[0.6351489523872873, -0.6043677771171636]]));
    // Layer 1: H_1 = 0.5·0.63514895 + (−0.6)·(−0.60436778) + 0.2 = 0.8801951424639418 = F (identity)
    expect(toRows(r.layers[1]!.H)).toEqual(close([[0.8801951424639418]]));
    expect(toRows(r.output)).toEqual(close([[0.8801951424639418]]));
    // Loss: L = ½ (F − Y)² = ½ · 0.3801951424639418² = 0.0722741731765885
    expect(r.loss).toBeCloseTo(0.0722741731765885, 14);
    // Backward, layer 1: G_1 = F − Y = 0.3801951424639418 (sse with identity output)
    expect(toRows(r.layers[1]!.G)).toEqual(close([[0.3801951424639418]]));
    // ∂L/∂W_1 = A_1ᵀ G_1 = [0.63514895·0.38019514, −0.60436778·0.38019514]ᵀ
    expect(toRows(r.layers[1]!.dW)).toEqual(close([[0.2414805464387081], [-0.22977769312167584]]));
    // ∂L/∂b_1 = 1ᵀ G_1
    expect(toRows(r.layers[1]!.db)).toEqual(close([[0.3801951424639418]]));
    // Layer 0: ∂L/∂A_1 = G_1 W_1ᵀ = [0.5·G_1, −0.6·G_1] = [0.1900975712319709, −0.22811708547836507]
    // 1 − A_1⊙A_1 = [0.5965858082813315, 0.6347395899824584]
    // G_0 = (1 − A_1⊙A_1) ⊙ (G_1 W_1ᵀ) = [0.11340951318574334, −0.14479494530453085]
    expect(toRows(r.layers[0]!.G)).toEqual(close([[0.11340951318574334, -0.14479494530453085]]));
    // ∂L/∂W_0 = Xᵀ G_0 = [[1·G_0], [2·G_0]]
    expect(toRows(r.layers[0]!.dW)).toEqual(
      close([
        [0.11340951318574334, -0.14479494530453085],
        [0.22681902637148668, -0.2895898906090617],
      ]),
    );
    expect(toRows(r.layers[0]!.db)).toEqual(close([[0.11340951318574334, -0.14479494530453085]]));
    // ∂L/∂X = G_0 W_0ᵀ = [0.1·G_00 + 0.2·G_01, 0.3·G_00 − 0.4·G_01]
    expect(toRows(r.dX)).toEqual(close([[-0.017618037742331838, 0.09194083207753534]]));
    expect(r.backend).toBe('cpu-f64');
  });

  it('rejects a batch or parameters that do not fit the model, naming what is wrong', async () => {
    const be = new Cpu64Backend();
    await expect(forwardBackward(be, spec, params, fromRows([[1, 2, 3]]), Y)).rejects.toThrow(/X: has 3 column/);
    await expect(forwardBackward(be, spec, params, X, fromRows([[1], [2]]))).rejects.toThrow(/Y: has 2 row/);
    const bad = {
      W: [
        params.W[0]!,
        fromRows([
          [0.5, 1],
          [-0.6, 1],
        ]),
      ],
      b: params.b,
    };
    await expect(forwardBackward(be, spec, bad, X, Y)).rejects.toThrow(/parameters\[1\]\.W: is 2×2, expected 2×1/);
  });

  it('releases every tensor it made', async () => {
    const be = new Cpu64Backend();
    const live = new Set<unknown>();
    const orig = { upload: be.upload.bind(be), release: be.release.bind(be) };
    const spy = Object.assign(be, {
      upload: (m: Parameters<typeof be.upload>[0], l?: string) => {
        const t = orig.upload(m, l);
        live.add(t);
        return t;
      },
      release: (t: Parameters<typeof be.release>[0]) => {
        live.delete(t);
        orig.release(t);
      },
    });
    await forwardBackward(spy, spec, params, X, Y);
    expect(live.size).toBe(0);
  });
});

describe('forwardBackward by hand: softmax + cross-entropy, 1 input → 2 classes, batch 2', () => {
  const spec: ModelSpec = { inputSize: 1, layers: [{ units: 2, activation: 'softmax' }], loss: 'cross-entropy' };
  const params = { W: [fromRows([[0.5, -0.5]])], b: [fromRows([[0.1, 0]])] };
  const X = fromRows([[1], [-2]]);
  const Y = fromRows([
    [1, 0],
    [0, 1],
  ]);

  it('matches the hand-derived softmax, loss, G = (F − Y)/n and gradients', async () => {
    const r = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
    // H = X W + b = [[0.5 + 0.1, −0.5], [−1 + 0.1, 1]] = [[0.6, −0.5], [−0.9, 1]]
    expect(toRows(r.layers[0]!.H)).toEqual(
      close([
        [0.6, -0.5],
        [-0.9, 1],
      ]),
    );
    // softmax of two logits is a sigmoid of their difference: row 0 σ(1.1), row 1 σ(−1.9)
    expect(toRows(r.output)).toEqual(
      close([
        [0.7502601055951177, 0.2497398944048824],
        [0.13010847436299786, 0.8698915256370021],
      ]),
    );
    // L = −(1/n) Σ Y log F = −½ (log 0.75026 + log 0.86989)
    expect(r.loss).toBeCloseTo(0.21336104169919567, 14);
    // G = (F − Y)/n, n = 2
    expect(toRows(r.layers[0]!.G)).toEqual(
      close([
        [-0.12486994720244116, 0.1248699472024412],
        [0.06505423718149893, -0.06505423718149894],
      ]),
    );
    // ∂L/∂W = Xᵀ G = 1·G_row0 − 2·G_row1;  ∂L/∂b = G_row0 + G_row1
    expect(toRows(r.layers[0]!.dW)).toEqual(close([[-0.25497842156543904, 0.2549784215654391]]));
    expect(toRows(r.layers[0]!.db)).toEqual(close([[-0.05981571002094223, 0.059815710020942256]]));
    // ∂L/∂X = G W_0ᵀ = 0.5·G_i0 − 0.5·G_i1
    expect(toRows(r.dX)).toEqual(close([[-0.12486994720244118], [0.06505423718149894]]));
  });
});

describe('forwardBackward by hand: relu hidden (with H exactly 0), sigmoid output, mse, batch 2', () => {
  const spec: ModelSpec = {
    inputSize: 2,
    layers: [
      { units: 2, activation: 'relu' },
      { units: 1, activation: 'sigmoid' },
    ],
    loss: 'mse',
  };
  const params = {
    W: [
      fromRows([
        [1, -1],
        [1, 0.5],
      ]),
      fromRows([[0.4], [-0.2]]),
    ],
    b: [fromRows([[0, 0.5]]), fromRows([[0.1]])],
  };
  const X = fromRows([
    [1, -1],
    [0.5, 2],
  ]);
  const Y = fromRows([[1], [0]]);

  it('matches the hand-derived values, with relu′(0) = 0 (FORMATS.md)', async () => {
    const r = await forwardBackward(new Cpu64Backend(), spec, params, X, Y);
    // H_0 = X W_0 + b_0 = [[1 − 1 + 0, −1 − 0.5 + 0.5], [0.5 + 2, −0.5 + 1 + 0.5]] = [[0, −1], [2.5, 1]]
    expect(toRows(r.layers[0]!.H)).toEqual([
      [0, -1],
      [2.5, 1],
    ]);
    expect(toRows(r.layers[1]!.A)).toEqual([
      [0, 0],
      [2.5, 1],
    ]);
    // H_1 = A_1 W_1 + b_1 = [0.1, 2.5·0.4 − 0.2 + 0.1] = [0.1, 0.9];  F = σ(H_1)
    expect(toRows(r.layers[1]!.H)).toEqual(close([[0.1], [0.9]]));
    expect(toRows(r.output)).toEqual(close([[0.52497918747894], [0.7109495026250039]]));
    // mse: L = (1/(n·p_L)) Σ (F − Y)² with n·p_L = 2
    expect(r.loss).toBeCloseTo(0.36554698380545425, 14);
    // G_1 = σ′(H_1) ⊙ (2/(n·p_L))(F − Y) = F(1 − F)(F − Y)
    expect(toRows(r.layers[1]!.G)).toEqual(close([[-0.11845880923571206], [0.14610034129426766]]));
    // ∂L/∂W_1 = A_1ᵀ G_1: the first sample's A_1 is 0, so only the second contributes
    expect(toRows(r.layers[1]!.dW)).toEqual(close([[0.36525085323566914], [0.14610034129426766]]));
    expect(toRows(r.layers[1]!.db)).toEqual(close([[0.0276415320585556]]));
    // G_0 = relu′(H_0) ⊙ (G_1 W_1ᵀ): row 0 has H = [0, −1] → relu′ = [0, 0] (the derivative at 0 is 0)
    expect(toRows(r.layers[0]!.G)).toEqual(
      close([
        [0, 0],
        [0.05844013651770707, -0.029220068258853534],
      ]),
    );
    expect(toRows(r.layers[0]!.dW)).toEqual(
      close([
        [0.029220068258853534, -0.014610034129426767],
        [0.11688027303541414, -0.05844013651770707],
      ]),
    );
    expect(toRows(r.layers[0]!.db)).toEqual(close([[0.05844013651770707, -0.029220068258853534]]));
  });
});

/** Session: breakpoints evaluated on every op. */
import { describe, expect, it } from 'vitest';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { fromRows, matrix } from '../core/matrix.js';
import type { ModelSpec } from '../model/spec.js';
import { Session, type SessionOptions } from './session.js';
import type { OptimizerConfig, ParameterSet } from './types.js';
import { make, sgdMomentum } from './session-test-kit.js';

describe('breakpoints', () => {
  const tiny: ModelSpec = {
    inputSize: 2,
    layers: [
      { units: 3, activation: 'tanh' },
      { units: 1, activation: 'identity' },
    ],
    loss: 'sse',
  };
  const data = {
    X: fromRows([
      [0.5, -0.3],
      [0.1, 0.9],
      [-0.7, 0.2],
    ]),
    Y: fromRows([[0.2], [-0.1], [0.4]]),
  };
  const params = (scale: number, bias = 0): { parameters: ParameterSet } => ({
    parameters: {
      W: [
        fromRows(
          [
            [0.3, -0.2, 0.5],
            [0.1, 0.4, -0.3],
          ].map((r) => r.map((x) => x * scale)),
        ),
        fromRows([[0.2], [-0.5], [0.3]]),
      ],
      b: [fromRows([[bias, bias, bias]]), fromRows([[0]])],
    },
  });
  const session = (
    model: ModelSpec,
    init: { parameters: ParameterSet },
    breakpoints: SessionOptions['breakpoints'],
    opt: OptimizerConfig = sgdMomentum,
    d = data,
  ) =>
    Session.create(
      { model, init, optimizer: opt, batchSize: 'full', seed: 1, validationFraction: 0 },
      d,
      new Cpu64Backend(),
      { breakpoints },
    );

  it('non-finite: fires on the forward op whose H overflowed, naming the cells; not on a healthy net', async () => {
    const s = await session(tiny, params(1e306), [{ kind: 'non-finite' }], sgdMomentum, {
      X: fromRows([
        [1e10, 1e10],
        [0, 0],
        [1, 1],
      ]),
      Y: data.Y,
    });
    const r = await s.runStep();
    expect(r.stepsCompleted).toBe(0);
    const hit = r.hits[0]!;
    expect(hit.op.label).toBe('forward layer 0');
    expect([hit.matrix, hit.matrixIndex, hit.layer]).toEqual(['H', 0, 0]);
    expect(hit.cells).toEqual([0, 1, 2]); // row 0: 1e316 overflows to ±Infinity in every unit
    expect(hit.message).toMatch(/H_0 has 3 non-finite/);
    expect(s.nextOp().label).toBe('forward layer 1'); // paused after the op that hit
    const healthy = await session(tiny, params(1), [{ kind: 'non-finite' }]);
    expect((await healthy.runSteps(5)).hits).toEqual([]);
  });

  it('vanishing: ‖G_0‖ = 0 when W_1 is zero fires at backward layer 1; a healthy net does not', async () => {
    const init = params(1);
    const zeroW1 = { parameters: { ...init.parameters, W: [init.parameters.W[0]!, matrix(3, 1)] } };
    const s = await session(tiny, zeroW1, [{ kind: 'vanishing', threshold: 1e-8 }]);
    const r = await s.runStep();
    expect(r.hits).toHaveLength(1);
    expect(r.hits[0]!.op.label).toBe('backward layer 1');
    expect([r.hits[0]!.matrix, r.hits[0]!.matrixIndex]).toEqual(['G', 0]);
    expect(r.hits[0]!.cells).toHaveLength(9);
    const healthy = await session(tiny, params(1), [{ kind: 'vanishing', threshold: 1e-8 }]);
    expect((await healthy.runSteps(3)).hits).toEqual([]);
  });

  it('exploding: ‖G_i‖ above the threshold, filtered by layer, largest cells first', async () => {
    const linear: ModelSpec = {
      ...tiny,
      layers: [
        { units: 3, activation: 'identity' },
        { units: 1, activation: 'identity' },
      ],
    };
    const big = params(1000);
    const bigY = { X: data.X, Y: fromRows([[500], [-100], [40]]) };
    const s = await session(linear, big, [{ kind: 'exploding', threshold: 100, layer: 1 }], sgdMomentum, bigY);
    const r = await s
      .runOp()
      .then(() => s.runOp())
      .then(() => s.runOp());
    expect(r.op.label).toBe('loss');
    expect(r.hits).toHaveLength(1);
    expect([r.hits[0]!.matrix, r.hits[0]!.matrixIndex, r.hits[0]!.layer]).toEqual(['G', 1, 1]);
    const G = (await s.getMatrix(1, 'G'))!;
    expect(Math.abs(G.data[r.hits[0]!.cells[0]!]!)).toBe(Math.max(...Array.from(G.data, Math.abs)));
    const healthy = await session(tiny, params(1), [{ kind: 'exploding', threshold: 100 }]);
    expect((await healthy.runSteps(3)).hits).toEqual([]);
  });

  it('saturation: tanh driven to ±1 by huge weights fires on forward layer 0; Xavier-scale weights do not', async () => {
    const s = await session(tiny, params(100), [{ kind: 'saturation', fraction: 0.5 }]);
    const r = await s.runOp();
    expect(r.hits).toHaveLength(1);
    expect([r.hits[0]!.matrix, r.hits[0]!.matrixIndex, r.hits[0]!.layer]).toEqual(['A', 1, 0]);
    expect(r.hits[0]!.cells.length).toBeGreaterThanOrEqual(5);
    const healthy = await session(tiny, params(1), [{ kind: 'saturation', fraction: 0.5 }]);
    expect((await healthy.runSteps(3)).hits).toEqual([]);
  });

  it('dead-relu: a bias of −10 kills every unit for every sample; a healthy relu layer is not dead', async () => {
    const relu: ModelSpec = {
      ...tiny,
      layers: [
        { units: 3, activation: 'relu' },
        { units: 1, activation: 'identity' },
      ],
    };
    const s = await session(relu, params(1, -10), [{ kind: 'dead-relu', fraction: 0.5, layer: 0 }]);
    const r = await s.runOp();
    expect(r.hits).toHaveLength(1);
    expect(r.hits[0]!.cells).toEqual([0, 1, 2]);
    expect(r.hits[0]!.message).toMatch(/3 of 3 relu unit/);
    const healthy = await session(relu, params(1, 0.5), [{ kind: 'dead-relu', fraction: 0.5 }]);
    expect((await healthy.runSteps(3)).hits).toEqual([]);
  });

  it('loss-spike: diverging SGD fires once the loss exceeds factor × the running mean; converging SGD never does', async () => {
    const linear: ModelSpec = { ...tiny, layers: [{ units: 1, activation: 'identity' }] };
    const init = { parameters: { W: [fromRows([[0.1], [0.1]])], b: [matrix(1, 1)] } };
    const diverging = await session(linear, init, [{ kind: 'loss-spike', factor: 2 }], {
      kind: 'sgd',
      lr: 2.5,
      momentum: 0,
      weightDecay: 0,
    });
    const r = await diverging.runSteps(50);
    expect(r.hits).toHaveLength(1);
    expect(r.hits[0]!.op.kind).toBe('loss');
    expect(r.hits[0]!.step).toBeGreaterThan(3); // needs 3 steps of history first
    const curve = diverging.lossCurve().map((l) => l.loss);
    const loss = (await diverging.getMatrix(0, 'loss'))!.data[0]!;
    const mean = curve.slice(-20).reduce((a, b) => a + b, 0) / Math.min(20, curve.length);
    expect(loss).toBeGreaterThan(2 * mean);
    const converging = await session(linear, init, [{ kind: 'loss-spike', factor: 2 }], {
      kind: 'sgd',
      lr: 0.1,
      momentum: 0,
      weightDecay: 0,
    });
    expect((await converging.runSteps(50)).hits).toEqual([]);
  });

  it('rejects malformed conditions naming the field', async () => {
    const s = await make();
    expect(() => s.setBreakpoints([{ kind: 'vanishing', threshold: -1 }])).toThrow(
      'breakpoints[0].threshold: must be a positive number, got -1',
    );
    expect(() => s.setBreakpoints([{ kind: 'dead-relu', fraction: 0.2, layer: 9 }])).toThrow(/layer 9 does not exist/);
  });
});

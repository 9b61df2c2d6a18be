import { describe, expect, it } from 'vitest';
import type { Tensor } from '../backends/backend.js';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { type FloatArray, type Matrix, fromRows, gatherRows, matrix } from '../core/matrix.js';
import { createRng } from '../core/rng.js';
import type { ModelSpec } from '../model/spec.js';
import { forwardBackward } from './forward-backward.js';
import { Session, type SessionOptions } from './session.js';
import { isRestorable, stateBytes } from './history.js';
import type { Dataset, OptimizerConfig, ParameterSet, TrainConfig } from './types.js';

const bits = (m: Matrix<FloatArray>): number[] => Array.from(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength));

function regression(n: number, seed = 3): Dataset {
  const rng = createRng(seed);
  const X = matrix(n, 2);
  const Y = matrix(n, 1);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-1, 1);
    const c = rng.uniform(-1, 1);
    X.data[2 * i] = a;
    X.data[2 * i + 1] = c;
    Y.data[i] = Math.sin(2 * a) + 0.5 * c;
  }
  return { X, Y };
}

const adam: OptimizerConfig = { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-3 };
const sgdMomentum: OptimizerConfig = { kind: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 1e-3 };
const spec: ModelSpec = {
  inputSize: 2,
  layers: [
    { units: 5, activation: 'tanh' },
    { units: 4, activation: 'relu' },
    { units: 1, activation: 'identity' },
  ],
  loss: 'mse',
};

function config(over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    model: spec,
    init: 'xavier',
    optimizer: adam,
    batchSize: 8,
    seed: 7,
    validationFraction: 0.25,
    historySize: 50,
    ...over,
  };
}

const make = (over: Partial<TrainConfig> = {}, data = regression(30), opts: SessionOptions = {}): Promise<Session> =>
  Session.create(config(over), data, new Cpu64Backend(), opts);

describe('Session ops', () => {
  it('lists forward 0…L-1, loss, backward L-1…0, update with their equations', async () => {
    const s = await make();
    expect(s.ops().map((o) => o.label)).toEqual([
      'forward layer 0',
      'forward layer 1',
      'forward layer 2',
      'loss',
      'backward layer 2',
      'backward layer 1',
      'backward layer 0',
      'update (adam)',
    ]);
    expect(s.ops().map((o) => o.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(s.ops()[0]!.equation).toBe('H_{0} = A_{0} W_{0} + \\mathbf{1} b_{0}, \\quad A_{1} = \\tanh(H_{0})');
    expect(s.ops()[2]!.equation).toContain('F = A_{3} = H_{2}');
    expect(s.ops()[3]!.equation).toContain('\\frac{2}{n\\,p_{3}}(F - Y)');
    // backward layer 1 turns G_1 into G_0 through tanh' = 1 − A_1⊙A_1
    expect(s.ops()[5]!.equation).toContain('G_{0} = (1 - A_{1} \\odot A_{1}) \\odot (G_{1} W_{1}^\\top)');
    expect(s.ops()[6]!.equation).not.toContain('G_{-1}');
    expect(s.ops()[7]!.equation).toContain('\\lambda W_i');
  });

  it('pauses at any op boundary: nextOp advances one op per runOp, null matrices until produced', async () => {
    const s = await make();
    expect(s.nextOp().label).toBe('forward layer 0');
    expect(await s.getMatrix(1, 'A')).toBeNull();
    const r = await s.runOp();
    expect(r.op.label).toBe('forward layer 0');
    expect(r.stepCompleted).toBe(false);
    expect(s.nextOp().label).toBe('forward layer 1');
    expect((await s.getMatrix(1, 'A'))!.cols).toBe(5);
    expect(await s.getMatrix(1, 'G')).toBeNull();
    expect(s.position).toMatchObject({ step: 0, opIndex: 1 });
    const rest = await s.runStep();
    expect(rest.stepsCompleted).toBe(1);
    expect(rest.next.label).toBe('forward layer 0');
    expect(s.position.step).toBe(1);
    const m = await s.currentMatrices(1);
    expect([m.A!.cols, m.out!.cols, m.G!.cols, m.dW!.rows, m.db!.cols]).toEqual([5, 4, 4, 5, 4]);
  });

  it('op by op gives bitwise the same parameters and losses as whole steps (mini-batch, Adam and SGD momentum)', async () => {
    for (const optimizer of [adam, sgdMomentum]) {
      const byOp = await make({ optimizer }, regression(30), { breakpoints: [{ kind: 'non-finite' }], recordEvery: 3 });
      const bySteps = await make({ optimizer }, regression(30), { recordEvery: 0 });
      const losses: number[] = [];
      for (let k = 0; k < 10 * byOp.ops().length; k++) {
        const r = await byOp.runOp();
        expect(r.hits).toEqual([]);
        if (r.stepCompleted) losses.push(r.summary!.loss);
      }
      const whole = await bySteps.runSteps(10);
      expect(whole.stepsCompleted).toBe(10);
      expect(bySteps.lossCurve().map((l) => l.loss)).toEqual(losses);
      const [a, b] = [await byOp.parameters(), await bySteps.parameters()];
      a.W.forEach((w, i) => expect(bits(w)).toEqual(bits(b.W[i]!)));
      a.b.forEach((v, i) => expect(bits(v)).toEqual(bits(b.b[i]!)));
    }
  });

  it('one SGD step on the hand-derived 2-2-1 net moves W by −lr·∂L/∂W (FORMATS.md numbers)', async () => {
    const model: ModelSpec = {
      inputSize: 2,
      layers: [
        { units: 2, activation: 'tanh' },
        { units: 1, activation: 'identity' },
      ],
      loss: 'sse',
    };
    const parameters: ParameterSet = {
      W: [
        fromRows([
          [0.1, 0.2],
          [0.3, -0.4],
        ]),
        fromRows([[0.5], [-0.6]]),
      ],
      b: [fromRows([[0.05, -0.1]]), fromRows([[0.2]])],
    };
    const s = await Session.create(
      {
        model,
        init: { parameters },
        optimizer: { kind: 'sgd', lr: 0.1, momentum: 0, weightDecay: 0 },
        batchSize: 'full',
        seed: 1,
        validationFraction: 0,
      },
      { X: fromRows([[1, 2]]), Y: fromRows([[0.5]]) },
      new Cpu64Backend(),
    );
    const r = await s.runStep();
    expect(r.summary!.loss).toBeCloseTo(0.0722741731765885, 14);
    const p = await s.parameters();
    // W_1 ← W_1 − 0.1 · [0.2414805464387081, −0.22977769312167584]ᵀ (see forward-backward.test.ts)
    expect(p.W[1]!.data[0]).toBeCloseTo(0.5 - 0.1 * 0.2414805464387081, 14);
    expect(p.W[1]!.data[1]).toBeCloseTo(-0.6 + 0.1 * 0.22977769312167584, 14);
    // b_0 ← b_0 − 0.1 · G_0
    expect(p.b[0]!.data[1]).toBeCloseTo(-0.1 + 0.1 * 0.14479494530453085, 14);
  });

  it('matches an independent loop of forwardBackward + hand-written Adam with weight decay on W only', async () => {
    const data = regression(12);
    const opt = { kind: 'adam', lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 } as const;
    const s = await make({ optimizer: opt, batchSize: 'full', validationFraction: 0 }, data);
    const be = new Cpu64Backend();
    const p = await s.parameters();
    const params = [...p.W.map((w, i) => [w, p.b[i]!] as const)].flat();
    const m = params.map((x) => new Float64Array(x.data.length));
    const v = params.map((x) => new Float64Array(x.data.length));
    for (let t = 1; t <= 4; t++) {
      const fb = await forwardBackward(
        be,
        spec,
        { W: [params[0]!, params[2]!, params[4]!], b: [params[1]!, params[3]!, params[5]!] },
        data.X,
        data.Y,
      );
      const grads = fb.layers.flatMap((l) => [l.dW, l.db]);
      params.forEach((x, k) => {
        const wd = k % 2 === 0 ? opt.weightDecay : 0;
        for (let j = 0; j < x.data.length; j++) {
          const g = grads[k]!.data[j]! + wd * x.data[j]!;
          m[k]![j] = opt.beta1 * m[k]![j]! + (1 - opt.beta1) * g;
          v[k]![j] = opt.beta2 * v[k]![j]! + (1 - opt.beta2) * g * g;
          x.data[j] =
            x.data[j]! -
            (opt.lr * (m[k]![j]! / (1 - opt.beta1 ** t))) / (Math.sqrt(v[k]![j]! / (1 - opt.beta2 ** t)) + opt.eps);
        }
      });
      await s.runStep();
    }
    const got = await s.parameters();
    got.W.forEach((w, i) => w.data.forEach((x, j) => expect(x).toBeCloseTo(params[2 * i]!.data[j]!, 12)));
    got.b.forEach((w, i) => w.data.forEach((x, j) => expect(x).toBeCloseTo(params[2 * i + 1]!.data[j]!, 12)));
  });

  it('reads back only the loss per step when nothing else is asked for', async () => {
    const be = new Cpu64Backend();
    let reads = 0;
    const read = be.read.bind(be);
    be.read = (t: Tensor) => {
      reads++;
      return read(t);
    };
    const s = await Session.create(config({ historySize: 0, validationFraction: 0 }), regression(30), be, {
      recordEvery: 0,
    });
    reads = 0;
    await s.runSteps(5);
    expect(reads).toBe(5);
  });

  it('works with a backend whose reads resolve later (like a GPU), and serialises overlapping calls', async () => {
    class SlowReads extends Cpu64Backend {
      override read(t: Tensor) {
        const copy = super.read(t); // the copy is taken now, as a GPU read is ordered in its queue
        return new Promise<Matrix<Float64Array>>((resolve) =>
          setTimeout(() => void copy.then((m) => resolve(m as Matrix<Float64Array>)), 1),
        );
      }
    }
    const opts: SessionOptions = { breakpoints: [{ kind: 'non-finite' }, { kind: 'vanishing', threshold: 1e-12 }] };
    const slow = await Session.create(config(), regression(30), new SlowReads(), opts);
    const sync = await make({}, regression(30), opts);
    // Fired without awaiting: they must run one after another, not interleave.
    const pending = [slow.runOp(), slow.runOp(), slow.runStep(), slow.runSteps(3)];
    const results = await Promise.all(pending);
    expect(results.slice(0, 2).map((r) => (r as { op: { label: string } }).op.label)).toEqual([
      'forward layer 0',
      'forward layer 1',
    ]);
    await sync.runSteps(4);
    expect(slow.lossCurve()).toEqual(sync.lossCurve());
    const [a, b] = [await slow.parameters(), await sync.parameters()];
    a.W.forEach((w, i) => expect(bits(w)).toEqual(bits(b.W[i]!)));
  });

  it('evaluate and predict use the current parameters without changing them', async () => {
    const data = regression(10);
    const s = await make({ batchSize: 'full', validationFraction: 0 }, data);
    await s.runSteps(3);
    const p = await s.parameters();
    const fb = await forwardBackward(new Cpu64Backend(), spec, p, data.X, data.Y);
    const ev = await s.evaluate(data.X, data.Y);
    expect(ev.loss).toBe(fb.loss);
    expect(bits(ev.output)).toEqual(bits(fb.output));
    expect(bits(await s.predict(data.X))).toEqual(bits(fb.output));
    expect(bits((await s.parameters()).W[0]!)).toEqual(bits(p.W[0]!));
    await expect(s.predict(matrix(1, 3))).rejects.toThrow(/X: has 3 column/);
  });
});

describe('determinism, mini-batches and the validation split', () => {
  it('the same seed gives the same run; another seed another', async () => {
    const run = async (seed: number) => {
      const s = await make({ seed });
      await s.runSteps(6);
      return s.lossCurve().map((l) => l.loss);
    };
    expect(await run(11)).toEqual(await run(11));
    expect(await run(11)).not.toEqual(await run(12));
  });

  it('holds out floor(fraction·n) samples and trains on the rest, every epoch visiting each training row once', async () => {
    const data = regression(30);
    const s = await make({ batchSize: 8, validationFraction: 0.25 }, data);
    expect(s.validationRows.length).toBe(7);
    expect(s.trainRows.length).toBe(23);
    expect([...s.trainRows, ...s.validationRows].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => i),
    );
    expect(s.batchesPerEpoch).toBe(3); // 8 + 8 + 7
    const epochRows: number[][] = [];
    let seen: number[] = [];
    for (let step = 0; step < 6; step++) {
      await s.runOp(); // forward layer 0: A_0 is now this step's batch
      const X = (await s.getMatrix(0, 'A'))!;
      expect(X.rows).toBe(step % 3 === 2 ? 7 : 8);
      for (let r = 0; r < X.rows; r++) {
        const row = Array.from({ length: 30 }, (_, i) => i).find(
          (i) => data.X.data[2 * i] === X.data[2 * r] && data.X.data[2 * i + 1] === X.data[2 * r + 1],
        )!;
        seen.push(row);
      }
      const r = await s.runStep();
      // Validation loss is measured at the end of each epoch only.
      expect(r.summary!.validationLoss === null).toBe(step % 3 !== 2);
      expect(r.summary!.epoch).toBe(Math.floor((step + 1) / 3));
      if (step % 3 === 2) {
        epochRows.push(seen);
        seen = [];
      }
    }
    for (const rows of epochRows) expect([...rows].sort((a, b) => a - b)).toEqual(Array.from(s.trainRows));
    expect(epochRows[0]).not.toEqual(epochRows[1]); // reshuffled each epoch
  });

  it('reports the validation loss of the held-out rows after the update', async () => {
    const data = regression(20);
    const s = await make({ batchSize: 'full', validationFraction: 0.5 }, data);
    const r = await s.runStep();
    const v = await s.evaluate(gatherRows(data.X, s.validationRows), gatherRows(data.Y, s.validationRows));
    expect(r.summary!.validationLoss).toBe(v.loss);
  });

  it('rejects a dataset that does not fit, naming the cell', async () => {
    const bad = regression(5);
    bad.X.data[3] = NaN;
    await expect(make({}, bad)).rejects.toThrow('dataset.X[1][1]: NaN is not a finite number');
    await expect(make({}, { X: matrix(4, 3), Y: matrix(4, 1) })).rejects.toThrow(/dataset.X: has 3 column/);
    await expect(make({ validationFraction: 1 })).rejects.toThrow(/validationFraction/);
    await expect(make({ optimizer: { ...adam, lr: -1 } })).rejects.toThrow(
      'optimizer.lr: must be a positive number, got -1',
    );
  });

  it('rejects cross-entropy targets that are not probability rows (the gradient (F − Y)/n would be wrong)', async () => {
    const model: ModelSpec = { inputSize: 2, layers: [{ units: 3, activation: 'softmax' }], loss: 'cross-entropy' };
    const X = fromRows([
      [0, 1],
      [1, 0],
    ]);
    const ok = fromRows([
      [0, 1, 0],
      [0.25, 0.25, 0.5],
    ]);
    const s = await make({ model, validationFraction: 0 }, { X, Y: ok });
    await expect(
      make(
        { model },
        {
          X,
          Y: fromRows([
            [0, 1, 0],
            [0, 1, 1],
          ]),
        },
      ),
    ).rejects.toThrow('dataset.Y[1]: sums to 2, not 1; cross-entropy targets must be one-hot or probability rows');
    await expect(
      make(
        { model },
        {
          X,
          Y: fromRows([
            [1.5, -0.5, 0],
            [0, 1, 0],
          ]),
        },
      ),
    ).rejects.toThrow('dataset.Y[0][1]: -0.5 is negative');
    await expect(
      s.evaluate(
        X,
        fromRows([
          [1, 1, 0],
          [0, 1, 0],
        ]),
      ),
    ).rejects.toThrow(/^Y\[0\]: sums to 2/);
    expect((await s.evaluate(X, ok)).loss).toBeGreaterThan(0);
  });

  it('rejects a bad config before uploading anything, so no backend memory leaks', async () => {
    const be = new Cpu64Backend();
    let made = 0;
    const upload = be.upload.bind(be);
    const zeros = be.zeros.bind(be);
    be.upload = (m, label) => (made++, upload(m, label));
    be.zeros = (r, c, label) => (made++, zeros(r, c, label));
    const bad: [Partial<TrainConfig>, SessionOptions, RegExp][] = [
      [{ optimizer: { ...sgdMomentum, momentum: 1 } }, {}, /optimizer\.momentum/],
      [{ batchSize: 0 }, {}, /batchSize/],
      [{ historySize: -1 }, {}, /history size/],
      [
        {},
        { breakpoints: [{ kind: 'dead-relu', fraction: 0.5, layer: 3 }] },
        /breakpoints\[0\]\.layer: layer 3 does not exist/,
      ],
      [{}, { breakpoints: [{ kind: 'exploding', threshold: 0 }] }, /breakpoints\[0\]\.threshold/],
    ];
    for (const [over, opts, error] of bad) {
      await expect(Session.create(config(over), regression(10), be, opts)).rejects.toThrow(error);
    }
    expect(made).toBe(0);
  });
});

describe('history and time travel', () => {
  it('keeps at most historySize entries, with stats and decimated matrices', async () => {
    const s = await make({ historySize: 5 });
    await s.runSteps(12);
    const h = s.history.toArray();
    expect(h.map((e) => e.step)).toEqual([8, 9, 10, 11, 12]);
    const e = h[4]!;
    expect(e.layers).toHaveLength(3);
    expect(e.layers[1]!.deadFraction).not.toBeNull();
    expect(e.layers[0]!.saturatedFraction).not.toBeNull();
    expect(e.layers[0]!.histograms!.W.counts.reduce((a, b) => a + b, 0)).toBe(10);
    expect(Object.keys(e.matrices)).toContain('G_0');
    expect(e.matrices['W_1']!.rows).toBe(5);
    expect(s.summary()!.layers[2]!.normW).toBe(e.layers[2]!.normW);
  });

  it('a record policy picks the recorded steps; recordLastStep records the last one late, exactly as if recorded live', async () => {
    const every = await make({ historySize: 50, optimizer: sgdMomentum });
    await every.runSteps(7);
    const sparse = await make({ historySize: 50, optimizer: sgdMomentum });
    const asked: number[] = [];
    sparse.setRecordPolicy((step) => {
      asked.push(step);
      return step === 3;
    });
    await sparse.runSteps(7);
    expect(asked).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sparse.history.toArray().map((e) => e.step)).toEqual([0, 3]);
    expect(sparse.summary()!.layers).toEqual([]);
    expect(await sparse.recordLastStep()).toBe(true);
    expect(await sparse.recordLastStep()).toBe(false);
    expect(sparse.history.toArray().map((e) => e.step)).toEqual([0, 3, 7]);
    const late = sparse.history.toArray().at(-1)!;
    const live = every.history.toArray().at(-1)!;
    expect(late.step).toBe(live.step);
    expect(late.layers).toEqual(live.layers);
    expect(late.matrices).toEqual(live.matrices);
    expect(late.optimizer).toEqual(live.optimizer);
    late.parameters!.W.forEach((w, i) => expect(bits(w)).toEqual(bits(live.parameters!.W[i]!)));
    expect(sparse.summary()).toEqual(every.summary());
    // Time travel to a late-recorded step continues exactly.
    await sparse.runSteps(2);
    await every.runSteps(2);
    await sparse.restore(7);
    await sparse.runSteps(2);
    expect(bits((await sparse.parameters()).W[0]!)).toEqual(bits((await every.parameters()).W[0]!));
    // Mid-step there is no completed step to record late.
    sparse.setRecordPolicy(() => false);
    await sparse.runOp();
    expect(await sparse.recordLastStep()).toBe(false);
  });

  it('breakpoints fire on every op even when no step is recorded', async () => {
    const s = await make({}, regression(30), { breakpoints: [{ kind: 'vanishing', threshold: 1e9 }] });
    s.setRecordPolicy(() => false);
    const r = await s.runSteps(5);
    expect(r.hits.length).toBeGreaterThan(0);
    expect(r.stepsCompleted).toBe(0);
    expect(r.next).not.toBeNull();
  });

  it('restore(step) continues exactly as the original run did', async () => {
    const s = await make({ historySize: 20 });
    await s.runSteps(9);
    const at9 = await s.parameters();
    const losses = s.lossCurve().map((l) => l.loss);
    await s.restore(4);
    expect(s.position.step).toBe(4);
    expect(s.history.toArray().at(-1)!.step).toBe(4);
    await s.runSteps(5);
    expect(s.lossCurve().map((l) => l.loss)).toEqual(losses);
    const again = await s.parameters();
    again.W.forEach((w, i) => expect(bits(w)).toEqual(bits(at9.W[i]!)));
    await expect(s.restore(40)).rejects.toThrow(/step 40 is not in the history/);
    await s.restore(0);
    expect(s.summary()).toBeNull();
  });

  it('restore(entry) installs a checkpoint from elsewhere (even with history off) and continues from it', async () => {
    const a = await make({ historySize: 20 });
    await a.runSteps(6);
    const entry = a.history.toArray().find((e) => e.step === 3)!;
    if (!isRestorable(entry)) throw new Error('step 3 was thinned');
    const fresh = await make({ historySize: 0 });
    await fresh.restore(entry);
    expect(fresh.position.step).toBe(3);
    await fresh.runSteps(3);
    expect(fresh.lossCurve().map((l) => l.loss)).toEqual(
      a
        .lossCurve()
        .slice(3)
        .map((l) => l.loss),
    );
    await expect(
      fresh.restore({ ...entry, parameters: { W: entry.parameters.W.slice(1), b: entry.parameters.b } }),
    ).rejects.toThrow(/checkpoint.parameters: the model has 3 layer/);
    const sgd = await make({ optimizer: sgdMomentum });
    await expect(sgd.restore(entry)).rejects.toThrow(
      'checkpoint.optimizer.buffers[0]: 2 buffer(s) given, sgd needs a velocity',
    );
    expect(sgd.position.step).toBe(0); // nothing changed
  });
});

describe('setLearningRate', () => {
  it('changes the learning rate from the next update on, exactly as if configured with it, and survives a rewind', async () => {
    const want = await make({ optimizer: { ...adam, lr: 0.003 } });
    await want.runSteps(4);
    const got = await make({ optimizer: { ...adam, lr: 0.5 } });
    got.setLearningRate(0.003);
    await got.runSteps(4);
    expect(got.lossCurve().map((l) => l.loss)).toEqual(want.lossCurve().map((l) => l.loss));
    expect(got.config.optimizer.lr).toBe(0.003);
    // Mid-run: two steps at one rate, then another (the optimizer state carries over).
    const a = await make();
    await a.runSteps(2);
    a.setLearningRate(0.001);
    await a.runSteps(2);
    await a.restore(1);
    expect(a.config.optimizer.lr).toBe(0.001); // rewinding keeps the rate last set
    expect(() => a.setLearningRate(0)).toThrow('lr: must be a positive number, got 0');
    expect(() => a.setLearningRate(Number.NaN)).toThrow('lr: must be a positive number');
  });
});

describe('history memory budget (historyBytes)', () => {
  it('thins the oldest entries past the budget: still viewable, no longer restorable; the newest always keeps its state', async () => {
    const probe = await make({ historySize: 50 });
    const perEntry = stateBytes(probe.history.at(0)!);
    expect(perEntry).toBeGreaterThan(0);
    // Room for three entries' state.
    const s = await make({ historySize: 50, historyBytes: 3 * perEntry + 7 });
    await s.runSteps(10);
    const entries = s.history.toArray();
    expect(entries.map((e) => e.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(entries.filter(isRestorable).map((e) => e.step)).toEqual([8, 9, 10]);
    expect(entries.reduce((n, e) => n + stateBytes(e), 0)).toBeLessThanOrEqual(3 * perEntry + 7);
    // A thinned entry keeps what time travel shows, W and b included (decimated copies).
    const thinned = entries[4]!;
    expect(thinned.parameters).toBeNull();
    expect(thinned.optimizer).toBeNull();
    expect(thinned.layers).toHaveLength(3);
    expect(Object.keys(thinned.matrices)).toEqual(expect.arrayContaining(['W_0', 'b_0', 'W_2', 'b_2', 'G_1', 'A_3']));
    await expect(s.restore(4)).rejects.toThrow('restore: step 4 is kept for viewing only');
    await expect(s.restore(4)).rejects.toThrow('restorable: 8…10');
    // A restorable one continues exactly as the first time.
    const twin = await make({ historySize: 50 });
    await twin.runSteps(10);
    await s.restore(8);
    await s.runSteps(2);
    await twin.restore(8);
    await twin.runSteps(2);
    expect(s.lossCurve().map((l) => l.loss)).toEqual(twin.lossCurve().map((l) => l.loss));
  });

  it('keeps the newest state even when one entry is over the budget (0 = only the newest)', async () => {
    const s = await make({ historySize: 10, historyBytes: 0 });
    await s.runSteps(4);
    expect(s.history.toArray().filter(isRestorable).map((e) => e.step)).toEqual([4]);
    await expect(make({ historyBytes: -1 })).rejects.toThrow('historyBytes: must be an integer ≥ 0');
  });
});

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

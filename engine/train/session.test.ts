import { describe, expect, it } from 'vitest';
import type { Tensor } from '../backends/backend.js';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { type Matrix, fromRows, gatherRows, matrix } from '../core/matrix.js';
import type { ModelSpec } from '../model/spec.js';
import { forwardBackward } from './forward-backward.js';
import { Session, type SessionOptions } from './session.js';
import type { ParameterSet, TrainConfig } from './types.js';
import { adam, bits, config, make, regression, sgdMomentum, spec } from './session-test-kit.js';

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

import { describe, expect, it } from 'vitest';
import type { Backend } from '../backends/backend.js';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { createCpu32Backend } from '../backends/cpu32/create.js';
import type { Tensor } from '../backends/backend.js';
import type { BackendProvider } from './backend-provider.js';
import { cpuBackendProvider } from './backend-provider.js';
import { config, regression, setup } from './host-test-kit.js';

const f64Info = cpuBackendProvider.probe;

/** Offers cpu-f64 for training and a real cpu-f32 (JS kernels) when asked: what compare-backends needs in Node. */
function f32Provider(make: () => Promise<Backend> = () => createCpu32Backend({ kernels: 'js' })): BackendProvider {
  return {
    probe: f64Info,
    async create(req) {
      if (req.requested !== 'cpu-f32') return cpuBackendProvider.create(req);
      const backend = await make();
      return { backend, info: { name: backend.name, precision: 'f32', adapter: null, fallbackReason: null } };
    },
  };
}

/** A float32-labelled backend with a planted bug: ∂L/∂b comes out as zeros (cpu-f64 otherwise). */
function zeroBiasGradBackend(): Backend {
  const base = new Cpu64Backend();
  const weightGradients = (A: Tensor, G: Tensor): { dW: Tensor; db: Tensor } => {
    const r = base.weightGradients(A, G);
    base.write(r.db, { rows: r.db.rows, cols: r.db.cols, data: new Float64Array(r.db.rows * r.db.cols) });
    return r;
  };
  return new Proxy(base, {
    get(target, key) {
      if (key === 'name') return 'cpu-f32';
      if (key === 'precision') return 'f32';
      if (key === 'weightGradients') return weightGradients;
      const v: unknown = Reflect.get(target, key);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as unknown as Backend;
}

describe('EngineHost: dataset preview', () => {
  it('sends a row sample of X and Y and per-column statistics of the full data with dataset-loaded', async () => {
    const p = await setup();
    p.send(regression());
    const e = await p.waitFor('dataset-loaded', (d) => d.replyTo === 1);
    const pv = e.preview!;
    expect(pv).toMatchObject({ task: 'regression', image: null, classCounts: null });
    expect(pv.X).toMatchObject({ name: 'X', rows: 40, cols: 2, sourceRows: 40, nonFinite: 0 });
    expect(pv.X.data).toBeInstanceOf(Float32Array);
    expect(Array.from(pv.X.rowIndex.slice(0, 3))).toEqual([0, 1, 2]);
    // Row 7 of the sample is dataset row 7: x = (cos 7, sin 21), y = x1 − 2 x2.
    expect(pv.X.data[14]).toBeCloseTo(Math.cos(7), 6);
    expect(pv.Y.data[7]).toBeCloseTo(Math.cos(7) - 2 * Math.sin(21), 5);
    const xs = Array.from({ length: 40 }, (_, i) => Math.cos(i));
    const mean = xs.reduce((a, b) => a + b) / 40;
    const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / 40);
    expect(pv.featureStats[0]!.mean).toBeCloseTo(mean, 12);
    expect(pv.featureStats[0]!.std).toBeCloseTo(std, 12);
    expect(pv.featureStats[0]!.min).toBe(Math.min(...xs));
    expect(pv.featureStats[0]!).toMatchObject({ missing: 0 });
    expect(pv.targetStats).toHaveLength(1);
  });

  it('samples at most 1000 rows evenly and counts classes for classification sets', async () => {
    const p = await setup();
    p.send({ type: 'load-dataset', id: 1, source: { kind: 'builtin', name: 'spiral', params: { n: 3000 } } });
    const e = await p.waitFor('dataset-loaded', (d) => d.replyTo === 1);
    const pv = e.preview!;
    expect(pv.task).toBe('classification');
    expect(pv.X.rows).toBe(1000);
    expect(pv.X.sourceRows).toBe(e.samples);
    expect(pv.X.rowIndex[999]).toBeGreaterThanOrEqual(e.samples - Math.ceil(e.samples / 1000));
    expect(pv.classCounts!.reduce((a, b) => a + b)).toBe(e.samples);
    expect(pv.classCounts).toHaveLength(e.classNames!.length);
  });
});

describe('EngineHost: predict', () => {
  it('returns F for the given X at the current parameters, also after importing weights', async () => {
    const a = await setup();
    a.send(regression());
    a.send({ type: 'configure', config });
    a.send({ type: 'step', count: 10, id: 1 });
    await a.waitFor('state', (s) => s.replyTo === 1);
    a.send({ type: 'request-matrix', id: 2, layer: 0, name: 'W' });
    a.send({ type: 'request-matrix', id: 3, layer: 0, name: 'b' });
    a.send({ type: 'request-matrix', id: 4, layer: 1, name: 'W' });
    a.send({ type: 'request-matrix', id: 5, layer: 1, name: 'b' });
    const [W0, b0, W1, b1] = await Promise.all(
      [2, 3, 4, 5].map(async (id) => (await a.waitFor('matrix', (e) => e.replyTo === id)).matrix),
    );
    const X = { rows: 3, cols: 2, data: [0.5, -1, 0, 0, 2, 0.25] };
    a.send({ type: 'predict', id: 6, X });
    const pred = await a.waitFor('prediction', (e) => e.replyTo === 6);
    expect(pred).toMatchObject({ step: 10, F: { rows: 3, cols: 1, layer: 2, name: 'A' } });
    for (let r = 0; r < 3; r++) {
      let f = b1!.data[0]!;
      for (let u = 0; u < 6; u++) {
        let h = b0!.data[u]!;
        for (let k = 0; k < 2; k++) h += X.data[r * 2 + k]! * W0!.data[k * 6 + u]!;
        f += Math.tanh(h) * W1!.data[u]!;
      }
      expect(pred.F.data[r]).toBeCloseTo(f, 12);
    }

    // A fresh engine configured with those weights predicts the same.
    const b = await setup();
    b.send(regression());
    const plain = (m: { rows: number; cols: number; data: ArrayLike<number> }) => ({
      rows: m.rows,
      cols: m.cols,
      data: Float64Array.from(m.data),
    });
    const parameters = { W: [plain(W0!), plain(W1!)], b: [plain(b0!), plain(b1!)] };
    b.send({ type: 'configure', config: { ...config, init: { parameters } } });
    b.send({ type: 'predict', id: 7, X });
    expect(Array.from((await b.waitFor('prediction', (e) => e.replyTo === 7)).F.data)).toEqual(Array.from(pred.F.data));
  });

  it('rejects X of the wrong width, an empty X, and predicting before configure', async () => {
    const p = await setup();
    p.send(regression());
    p.send({ type: 'predict', id: 2, X: { rows: 1, cols: 2, data: [1, 2] } });
    expect((await p.waitFor('error', (e) => e.replyTo === 2)).code).toBe('invalid-state');
    p.send({ type: 'configure', config });
    p.send({ type: 'predict', id: 3, X: { rows: 1, cols: 3, data: [1, 2, 3] } });
    const wide = await p.waitFor('error', (e) => e.replyTo === 3);
    expect(wide.code).toBe('config-error');
    expect(wide.message).toMatch(/3 column\(s\).*inputSize is 2/);
    p.send({ type: 'predict', id: 4, X: { rows: 0, cols: 2, data: [] } });
    expect(await p.waitFor('error', (e) => e.replyTo === 4)).toMatchObject({ code: 'invalid-message', path: 'X' });
  });
});

describe('EngineHost: compare-backends', () => {
  it('lists itself in ready.commands and compares cpu-f32 with cpu-f64 per layer (rounding-level differences)', async () => {
    const p = await setup({ backendProvider: f32Provider() });
    const ready = await p.waitFor('ready');
    expect(ready.commands).toEqual(expect.arrayContaining(['predict', 'compare-backends']));
    p.send(regression());
    p.send({ type: 'configure', config: { ...config, batchSize: 8 } });
    p.send({ type: 'step', count: 3, id: 1 });
    await p.waitFor('state', (s) => s.replyTo === 1);
    p.send({ type: 'compare-backends', id: 2 });
    const r = await p.waitFor('backend-comparison', (e) => e.replyTo === 2);
    expect(r).toMatchObject({ reference: 'cpu-f64', backend: 'cpu-f32', step: 3, batchRows: 8 });
    expect(r.layers).toHaveLength(2);
    expect(r.layers[0]!.G).toMatchObject({ name: 'G', layer: 0, rows: 8, cols: 6 });
    expect(r.layers[0]!.dW).toMatchObject({ name: 'dW', rows: 2, cols: 6 });
    expect(r.layers[1]!.db).toMatchObject({ name: 'db', rows: 1, cols: 1 });
    expect(r.maxRelError).toBeGreaterThan(0); // float32 does round
    expect(r.maxRelError).toBeLessThan(1e-3);
    expect(Math.abs(r.loss.fast - r.loss.reference) / r.loss.reference).toBeLessThan(1e-5);
    for (const l of r.layers) expect(l.maxRelError.dW).toBeLessThanOrEqual(r.maxRelError);
  });

  it('shows a backend bug as O(1) relative differences in the matrix it breaks', async () => {
    const p = await setup({ backendProvider: f32Provider(async () => zeroBiasGradBackend()) });
    p.send(regression());
    p.send({ type: 'configure', config });
    p.send({ type: 'step', count: 2, id: 1 });
    await p.waitFor('state', (s) => s.replyTo === 1);
    p.send({ type: 'compare-backends', id: 2, backend: 'cpu-f32' });
    const r = await p.waitFor('backend-comparison', (e) => e.replyTo === 2);
    expect(r.layers[1]!.maxRelError.db).toBeCloseTo(1, 6);
    expect(r.layers[1]!.maxRelError.dW).toBe(0);
    expect(r.maxRelError).toBeCloseTo(1, 6);
  });

  it('says so when no float32 backend exists', async () => {
    const p = await setup();
    p.send(regression());
    p.send({ type: 'configure', config });
    p.send({ type: 'compare-backends', id: 2 });
    const e = await p.waitFor('error', (x) => x.replyTo === 2);
    expect(e.code).toBe('invalid-state');
    expect(e.message).toMatch(/no float32 backend/);
  });
});

describe('EngineHost: breakpoints and history', () => {
  it('sends a frame holding the offending matrix before the hit, and the hit carries it too', async () => {
    const p = await setup();
    p.send(regression());
    p.send({ type: 'configure', config: { ...config, optimizer: { kind: 'sgd', lr: 50 } } });
    // The dashboard shows only W: the frame before the hit must still carry the matrix that tripped it.
    p.send({ type: 'set-telemetry', matrices: { names: ['W'] } });
    p.send({ type: 'set-breakpoints', breakpoints: [{ kind: 'exploding', threshold: 100 }] });
    p.send({ type: 'start', id: 3 });
    const hit = await p.waitFor('breakpoint-hit');
    const name = hit.hit.matrix;
    const index = hit.hit.matrixIndex!;
    expect(name).not.toBe('loss');
    const at = p.events.indexOf(hit);
    const before = p.events
      .slice(0, at)
      .filter((e) => e.type === 'frame')
      .at(-1);
    if (before?.type !== 'frame') throw new Error('no frame before the hit');
    const inFrame = before.matrices.find((m) => m.name === name && m.layer === index);
    expect(inFrame).toBeDefined();
    expect(hit.matrices).toHaveLength(1);
    expect(hit.matrices[0]).toMatchObject({ name, layer: index });
    expect(Array.from(hit.matrices[0]!.data)).toEqual(Array.from(inFrame!.data));
    const biggest = Math.max(Math.abs(hit.matrices[0]!.min!), Math.abs(hit.matrices[0]!.max!));
    expect(biggest).toBeGreaterThan(0);
    await p.waitFor('state', (s) => s.reason === 'breakpoint');
  });

  it('a loss breakpoint carries no matrix but still follows a current frame', async () => {
    const p = await setup();
    p.send(regression());
    p.send({ type: 'configure', config: { ...config, optimizer: { kind: 'sgd', lr: 1e6 } } });
    p.send({ type: 'set-breakpoints', breakpoints: [{ kind: 'non-finite' }] });
    p.send({ type: 'start' });
    const hit = await p.waitFor('breakpoint-hit');
    expect(hit.hit.matrix).toBe('loss');
    expect(hit.matrices).toEqual([]);
    expect(p.events[p.events.indexOf(hit) - 1]?.type).toBe('frame');
  });

  it('includes A_0 (the step’s batch) in historical frames and history matrix requests', async () => {
    const p = await setup();
    p.send(regression());
    p.send({ type: 'configure', config: { ...config, batchSize: 8 } });
    p.send({ type: 'step', count: 5, id: 1 });
    await p.waitFor('state', (s) => s.replyTo === 1);
    p.send({ type: 'request-matrix', id: 2, layer: 0, name: 'A' });
    const live = (await p.waitFor('matrix', (e) => e.replyTo === 2)).matrix;
    p.send({ type: 'request-matrix', id: 3, layer: 0, name: 'A', step: 5 });
    const past = (await p.waitFor('matrix', (e) => e.replyTo === 3)).matrix;
    expect(past).toMatchObject({ rows: 8, cols: 2 });
    expect(Array.from(past.data)).toEqual(Array.from(live.data));
    p.send({ type: 'request-matrix', id: 4, layer: 0, name: 'A', step: 4 });
    const earlier = (await p.waitFor('matrix', (e) => e.replyTo === 4)).matrix;
    expect(Array.from(earlier.data)).not.toEqual(Array.from(live.data)); // another batch
    p.send({ type: 'request-frame', id: 5, step: 5 });
    const f = await p.waitFor('frame', (e) => e.replyTo === 5);
    const A0 = f.matrices.find((m) => m.name === 'A' && m.layer === 0)!;
    expect(Array.from(A0.data)).toEqual(Array.from(Float32Array.from(live.data)));
  });
});

describe('EngineHost: recording rate', () => {
  it('records only some steps of a run, always the last one before a pause, and every explicitly stepped one', async () => {
    const p = await setup({ checkpointEveryMs: 60_000 });
    p.send(regression());
    p.send({ type: 'configure', config });
    await p.waitFor('configured');
    p.send({ type: 'set-frame-rate', fps: 0, id: 2 });
    p.send({ type: 'set-telemetry', recordRate: 0, id: 3 });
    await p.waitFor('accepted', (e) => e.replyTo === 3);
    p.send({ type: 'start', maxSteps: 300, id: 4 });
    await p.waitFor('state', (s) => s.reason === 'max-steps');
    // The frame sent on stopping has the step's stats, and the step is in the history.
    const last = await p.waitFor('frame', (f) => f.step === 300 && !f.historical);
    expect(last.layers).toHaveLength(2);
    const historyFrame = async (step: number, id: number): Promise<boolean> => {
      p.send({ type: 'request-frame', step, id });
      for (;;) {
        if (p.of('frame').some((f) => f.replyTo === id)) return true;
        if (p.of('error').some((e) => e.replyTo === id)) return false;
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    expect(await historyFrame(300, 10)).toBe(true);
    const middle = await Promise.all([150, 151, 152].map((s, k) => historyFrame(s, 11 + k)));
    expect(middle).toEqual([false, false, false]);
    p.send({ type: 'step', count: 3, id: 20 });
    await p.waitFor('state', (s) => s.replyTo === 20);
    expect(await Promise.all([301, 302, 303].map((s, k) => historyFrame(s, 21 + k)))).toEqual([true, true, true]);
    p.send({ type: 'set-telemetry', recordRate: -1, id: 30 });
    expect((await p.waitFor('error', (e) => e.replyTo === 30)).message).toMatch(/recordRate/);
  });
  it('lists exactly the kept steps with request-history, each of which request-frame replays', async () => {
    const p = await setup({ checkpointEveryMs: 60_000 });
    p.send({ type: 'hello', id: 1 });
    expect((await p.waitFor('ready', (e) => e.replyTo === 1)).commands).toContain('request-history');
    p.send(regression());
    p.send({ type: 'configure', config });
    await p.waitFor('configured');
    p.send({ type: 'set-frame-rate', fps: 0, id: 2 });
    p.send({ type: 'set-telemetry', recordRate: 0, id: 3 });
    await p.waitFor('accepted', (e) => e.replyTo === 3);
    p.send({ type: 'start', maxSteps: 200, id: 4 });
    await p.waitFor('state', (s) => s.reason === 'max-steps');
    p.send({ type: 'step', count: 2, id: 5 });
    await p.waitFor('state', (s) => s.replyTo === 5);
    p.send({ type: 'request-history', id: 6 });
    const h = await p.waitFor('history', (e) => e.replyTo === 6);
    expect(h.step).toBe(202);
    // A free run with nothing asking for stats records only the step it stops on.
    expect(h.steps.slice(-3)).toEqual([200, 201, 202]);
    expect(h.steps).not.toContain(150);
    expect([...h.steps].sort((a, b) => a - b)).toEqual(h.steps);
    for (const [k, step] of h.steps.filter((s) => s > 0).entries()) {
      p.send({ type: 'request-frame', step, id: 100 + k });
      expect(await p.waitFor('frame', (f) => f.replyTo === 100 + k)).toMatchObject({ step, historical: true });
    }
  });
});

describe('EngineHost: history memory budget', () => {
  it('replays thinned steps (W and b from their decimated copies) and still checkpoints the newest state', async () => {
    const p = await setup({ checkpointEveryMs: 60_000 });
    p.send(regression());
    // 2×6 + 6 + 6×1 + 1 = 25 parameters; with Adam's two moments 75 float64 = 600 bytes a step: 1000 bytes keeps one.
    p.send({ type: 'configure', config: { ...config, historyBytes: 1000 }, id: 1 });
    await p.waitFor('configured', (e) => e.replyTo === 1);
    p.send({ type: 'step', count: 5, id: 2 });
    await p.waitFor('state', (s) => s.replyTo === 2);
    p.send({ type: 'request-frame', step: 2, id: 3 });
    const old = await p.waitFor('frame', (f) => f.replyTo === 3);
    const W0 = old.matrices.find((m) => m.name === 'W' && m.layer === 0)!;
    const b1 = old.matrices.find((m) => m.name === 'b' && m.layer === 1)!;
    expect([W0.rows, W0.cols, b1.rows, b1.cols]).toEqual([2, 6, 1, 1]);
    p.send({ type: 'request-matrix', layer: 0, name: 'W', step: 2, id: 4 });
    expect((await p.waitFor('matrix', (e) => e.replyTo === 4)).matrix).toMatchObject({ rows: 2, cols: 6 });
    // The pause after stepping checkpointed step 5 with its optimizer state.
    const cp = p.of('checkpoint').at(-1)!.checkpoint;
    expect(cp.step).toBe(5);
    expect(cp.optimizer).not.toBeNull();
    p.send({ type: 'configure', config: { ...config, historyBytes: -5 }, id: 5 });
    expect((await p.waitFor('error', (e) => e.replyTo === 5)).message).toMatch(/historyBytes/);
  });
});

describe('EngineHost: rewind', () => {
  it('goes back to a kept step, shows it, and continues exactly as the first time', async () => {
    const p = await setup({ checkpointEveryMs: 60_000 });
    p.send(regression());
    p.send({ type: 'configure', config, id: 1 });
    await p.waitFor('configured', (e) => e.replyTo === 1);
    p.send({ type: 'step', count: 6, id: 2 });
    await p.waitFor('state', (s) => s.replyTo === 2);
    const firstTime = p
      .of('frame')
      .filter((f) => !f.historical)
      .map((f) => [f.step, f.loss] as const);
    p.send({ type: 'request-history', id: 3 });
    const before = await p.waitFor('history', (e) => e.replyTo === 3);
    expect(before.steps).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(before.restorable).toEqual(before.steps);
    p.send({ type: 'rewind', step: 3, id: 4 });
    const state = await p.waitFor('state', (s) => s.replyTo === 4);
    expect(state).toMatchObject({ state: 'paused', reason: 'rewound', step: 3 });
    // The step as recorded is the current frame: stats and matrices of step 3, not historical.
    const shown = p
      .of('frame')
      .filter((f) => f.step === 3 && !f.historical)
      .at(-1)!;
    expect(shown.layers).toHaveLength(2);
    expect(shown.matrices.some((m) => m.name === 'G' && m.layer === 0)).toBe(true);
    expect(p.of('checkpoint').at(-1)!.checkpoint.step).toBe(3);
    p.send({ type: 'request-history', id: 5 });
    expect((await p.waitFor('history', (e) => e.replyTo === 5)).steps).toEqual([0, 1, 2, 3]);
    p.send({ type: 'step', count: 3, id: 6 });
    await p.waitFor('state', (s) => s.replyTo === 6);
    const again = p
      .of('frame')
      .filter((f) => !f.historical && f.step > 3)
      .map((f) => [f.step, f.loss] as const);
    // Step 6 again, to the last bit (the rewound step's parameters and Adam state came back exactly).
    expect(again.at(-1)).toEqual(firstTime.at(-1));
    expect(again.at(-1)![0]).toBe(6);
    // Not kept, and not a step at all.
    p.send({ type: 'rewind', step: 40, id: 7 });
    expect((await p.waitFor('error', (e) => e.replyTo === 7)).message).toMatch(/rewind: step 40 is not in the history/);
    p.send({ type: 'rewind', step: -1, id: 8 });
    expect((await p.waitFor('error', (e) => e.replyTo === 8)).message).toMatch(/step/);
  });

  it('refuses a step kept for viewing only, naming the ones it can go back to', async () => {
    const p = await setup({ checkpointEveryMs: 60_000 });
    p.send(regression());
    p.send({ type: 'configure', config: { ...config, historyBytes: 1300 }, id: 1 });
    await p.waitFor('configured', (e) => e.replyTo === 1);
    p.send({ type: 'step', count: 5, id: 2 });
    await p.waitFor('state', (s) => s.replyTo === 2);
    p.send({ type: 'request-history', id: 3 });
    const h = await p.waitFor('history', (e) => e.replyTo === 3);
    expect(h.steps).toEqual([0, 1, 2, 3, 4, 5]);
    expect(h.restorable).toEqual([4, 5]);
    p.send({ type: 'rewind', step: 2, id: 4 });
    const err = await p.waitFor('error', (e) => e.replyTo === 4);
    expect(err).toMatchObject({ code: 'not-found' });
    expect(err.message).toContain('rewind: step 2 is kept for viewing only');
    expect(err.message).toContain('restorable: 4…5');
    p.send({ type: 'rewind', step: 4, id: 5 });
    expect(await p.waitFor('state', (s) => s.replyTo === 5)).toMatchObject({ reason: 'rewound', step: 4 });
  });
});

describe('EngineHost: set-learning-rate', () => {
  it('changes the run’s learning rate without a new run; a non-positive one is rejected', async () => {
    const p = await setup({ checkpointEveryMs: 60_000 });
    p.send(regression());
    p.send({ type: 'configure', config, id: 1 });
    await p.waitFor('configured', (e) => e.replyTo === 1);
    p.send({ type: 'step', count: 3, id: 2 });
    await p.waitFor('state', (s) => s.replyTo === 2);
    p.send({ type: 'set-learning-rate', lr: 0.001, id: 3 });
    expect(await p.waitFor('accepted', (e) => e.replyTo === 3)).toMatchObject({ command: 'set-learning-rate' });
    p.send({ type: 'step', count: 1, id: 4 });
    expect(await p.waitFor('state', (s) => s.replyTo === 4)).toMatchObject({ step: 4 });
    p.send({ type: 'export', what: 'weights', id: 5 });
    const exported = await p.waitFor('export', (e) => e.replyTo === 5);
    expect(exported.contents).toContain('"learningRate": 0.001');
    // A reset is a fresh run from the configuration: its learning rate again.
    p.send({ type: 'reset', id: 8 });
    await p.waitFor('state', (s) => s.replyTo === 8);
    p.send({ type: 'export', what: 'weights', id: 9 });
    expect((await p.waitFor('export', (e) => e.replyTo === 9)).contents).toContain(
      `"learningRate": ${config.optimizer.lr}`,
    );
    p.send({ type: 'set-learning-rate', lr: 0, id: 6 });
    expect((await p.waitFor('error', (e) => e.replyTo === 6)).message).toMatch(/lr/);
  });
});

describe('EngineHost: the debugging loop', () => {
  it('breaks on an explosion, goes back before it, lowers the learning rate and trains on without it', async () => {
    const p = await setup({ checkpointEveryMs: 60_000 });
    p.send(regression());
    p.send({ type: 'configure', config: { ...config, optimizer: { kind: 'sgd', lr: 50 } }, id: 1 });
    await p.waitFor('configured', (e) => e.replyTo === 1);
    p.send({ type: 'set-breakpoints', breakpoints: [{ kind: 'exploding', threshold: 100 }], id: 2 });
    await p.waitFor('accepted', (e) => e.replyTo === 2);
    p.send({ type: 'step', count: 500, id: 3 });
    const stopped = await p.waitFor('state', (s) => s.replyTo === 3);
    expect(stopped.reason).toBe('breakpoint');
    const hit = p.of('breakpoint-hit').at(-1)!.hit;
    p.send({ type: 'request-history', id: 4 });
    const { restorable } = await p.waitFor('history', (e) => e.replyTo === 4);
    const back = Math.max(...restorable.filter((s) => s <= hit.step - 2));
    p.send({ type: 'rewind', step: back, id: 5 });
    await p.waitFor('state', (s) => s.replyTo === 5 && s.reason === 'rewound');
    p.send({ type: 'set-learning-rate', lr: 0.01, id: 6 });
    await p.waitFor('accepted', (e) => e.replyTo === 6);
    p.send({ type: 'step', count: 20, id: 7 });
    const after = await p.waitFor('state', (s) => s.replyTo === 7);
    expect(after).toMatchObject({ reason: 'command', step: back + 20 });
    const last = p
      .of('frame')
      .filter((f) => !f.historical)
      .at(-1)!;
    expect(last.step).toBe(back + 20);
    expect(Number.isFinite(last.loss)).toBe(true);
    expect(p.of('breakpoint-hit').at(-1)!.hit.step).toBe(hit.step); // no new hit
  });
});

// @vitest-environment happy-dom
// The dashboard takes what the engine computes from its replies: the dataset preview and its
// statistics, `predict` for the plots, `compare-backends` for the backend comparison.
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { createFakeLink, type FakeLink } from '../testing/fake-link.js';
import { columnStats, cpuF32, datasetLoaded, event, matrixPayload, readyEvent, sampleMatrix } from '../testing/factories.js';
import { connectStores } from '../wiring/connect.js';
import { enginePredictor } from '../services/prediction.js';
import { useDataStore } from './data.js';
import { useGradcheckStore } from './gradcheck.js';
import { useSessionStore } from './session.js';

let link: FakeLink;
beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
  link = createFakeLink();
  connectStores(link);
  link.emit(readyEvent({ backend: cpuF32 }));
});

describe('dataset preview from the engine', () => {
  it('takes rows, row numbers, task, image size and whole-set statistics from dataset-loaded', async () => {
    const data = useDataStore();
    data.select('digits');
    const loading = data.loadBuiltin();
    const X = { ...sampleMatrix('X', 2, 4, 300, Float32Array.from([0, 1, 1, 0, 1, 0, 0, 1])), rowIndex: Int32Array.from([0, 150]) };
    const Y = { ...sampleMatrix('Y', 2, 2, 300, Float32Array.from([1, 0, 0, 1])), rowIndex: Int32Array.from([0, 150]) };
    link.reply(
      'load-dataset',
      datasetLoaded('digits', ['a', 'b', 'c', 'd'], ['zero', 'one'], {
        preview: { task: 'classification', image: { width: 2, height: 2 }, X, Y, featureStats: [columnStats('a', 3), columnStats('b'), columnStats('c'), columnStats('d')], targetStats: [columnStats('zero'), columnStats('one')], classCounts: [150, 150] },
      }, 300),
    );
    expect(await loading).toBe(true);
    expect(data.sample?.X).toBe(X); // the engine's sample, not a re-generated one
    expect(Array.from(data.sample!.rowIndex)).toEqual([0, 150]);
    expect(data.task).toBe('classification');
    expect(data.image).toEqual({ width: 2, height: 2 });
    expect(data.stats).toHaveLength(6);
    expect(data.stats[0]).toMatchObject({ name: 'a', count: 297, nonFinite: 3, mean: 0.5 });
  });
});

describe('predict', () => {
  it('asks the engine for F on the given rows and returns its matrix', async () => {
    const evaluate = enginePredictor(useSessionStore().engine());
    const F = evaluate({ rows: 2, cols: 1, data: [0.5, -0.5] });
    const sent = link.sent.at(-1);
    expect(sent).toMatchObject({ type: 'predict', X: { rows: 2, cols: 1 } });
    expect(sent?.type === 'predict' && Array.from(sent.X.data)).toEqual([0.5, -0.5]);
    const out = matrixPayload('A', 1, 2, 1, 0.25);
    link.reply('predict', event('prediction', { F: out, step: 3 }));
    expect(await F).toBe(out);
  });
});

describe('backend comparison', () => {
  it('asks the engine (compare-backends) and shows its per-matrix differences', async () => {
    const g = useGradcheckStore();
    g.fastBackend = 'cpu-f32';
    const done = g.compare();
    expect(link.sent.at(-1)).toEqual({ type: 'compare-backends', backend: 'cpu-f32' });
    link.reply(
      'compare-backends',
      event('backend-comparison', {
        reference: 'cpu-f64', backend: 'cpu-f32', step: 4, batchRows: 8, loss: { fast: 0.5, reference: 0.5000001 }, maxRelError: 2e-6,
        layers: [{ layer: 0, G: matrixPayload('G', 0, 8, 3, 1e-7), dW: matrixPayload('dW', 0, 2, 3, 2e-6), db: matrixPayload('db', 0, 1, 3, 0), maxRelError: { G: 1e-7, dW: 2e-6, db: 0 }, maxAbsError: { G: 1e-9, dW: 1e-8, db: 0 } }],
      }),
    );
    expect(await done).toBe(true);
    const c = g.comparison!;
    expect(c).toMatchObject({ fast: 'cpu-f32', rows: 8, loss: { fast: 0.5 } });
    expect(c.layers[0]!.diffs.map((d) => [d.name, d.maxRelError, d.maxAbsError])).toEqual([['G', 1e-7, 1e-9], ['dW', 2e-6, 1e-8], ['db', 0, 0]]);
    expect(c.layers[0]!.diffs[1]!.relError.rows).toBe(2);
  });

  it('reports an engine that refuses the comparison', async () => {
    const g = useGradcheckStore();
    const done = g.compare();
    link.reply('compare-backends', event('error', { code: 'invalid-state', message: 'configure first', path: null, command: 'compare-backends', fatal: false }));
    expect(await done).toBe(false);
    expect(g.comparing).toBe(false);
  });
});

// @vitest-environment happy-dom
// The dashboard uses the engine's newer protocol features when `ready.commands` (or the event)
// has them, and falls back to its own workarounds when it does not.
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { CommandType, EngineEvent, MatrixPayload } from '../../../engine/protocol/index.js';
import { createFakeLink, type FakeLink } from '../testing/fake-link.js';
import { connectStores } from '../wiring/connect.js';
import { enginePredictor } from '../services/prediction.js';
import { useDataStore } from './data.js';
import { useGradcheckStore, setComparisonEngineFactory } from './gradcheck.js';
import { useSessionStore } from './session.js';
import { useErrorsStore } from './errors.js';

type Body = Omit<EngineEvent, 'v'>;
const backend = { name: 'cpu-f32', precision: 'f32', adapter: null, fallbackReason: null } as const;

function ready(link: FakeLink, commands: CommandType[]): void {
  link.emit({ type: 'ready', protocol: 1, backend, commands, telemetry: { frameRate: 20, maxSize: 256, window: 2 } } as Body);
}
function rel(name: MatrixPayload['name'], layer: number, rows: number, cols: number, value: number): MatrixPayload {
  return { layer, name, rows, cols, sourceRows: rows, sourceCols: cols, blockRows: 1, blockCols: 1, data: new Float32Array(rows * cols).fill(value), min: value, max: value, nonFinite: 0 };
}

let link: FakeLink;
beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
  link = createFakeLink();
  connectStores(link);
});

describe('dataset preview from the engine', () => {
  it('takes rows, row numbers, task, image size and whole-set statistics from dataset-loaded', async () => {
    ready(link, ['load-dataset']);
    const data = useDataStore();
    data.select('digits');
    const loading = data.loadBuiltin();
    const X = { name: 'X', rows: 2, cols: 4, sourceRows: 300, sourceCols: 4, data: Float32Array.from([0, 1, 1, 0, 1, 0, 0, 1]), rowIndex: Int32Array.from([0, 150]), min: 0, max: 1, nonFinite: 0 };
    const Y = { name: 'Y', rows: 2, cols: 2, sourceRows: 300, sourceCols: 2, data: Float32Array.from([1, 0, 0, 1]), rowIndex: Int32Array.from([0, 150]), min: 0, max: 1, nonFinite: 0 };
    const stat = (name: string, missing = 0) => ({ name, min: 0, max: 1, mean: 0.5, std: 0.5, missing });
    link.reply('load-dataset', {
      type: 'dataset-loaded', name: 'digits', samples: 300, inputSize: 4, outputSize: 2, featureNames: ['a', 'b', 'c', 'd'], targetNames: ['zero', 'one'], classNames: ['zero', 'one'],
      preview: { task: 'classification', image: { width: 2, height: 2 }, X, Y, featureStats: [stat('a', 3), stat('b'), stat('c'), stat('d')], targetStats: [stat('zero'), stat('one')], classCounts: [150, 150] },
    } as Body);
    expect(await loading).toBe(true);
    expect(data.sample?.X).toBe(X); // the engine's sample, not a re-generated one
    expect(Array.from(data.sample!.rowIndex!)).toEqual([0, 150]);
    expect(data.task).toBe('classification');
    expect(data.image).toEqual({ width: 2, height: 2 });
    expect(data.statsOfAll).toBe(true);
    expect(data.stats).toHaveLength(6);
    expect(data.stats[0]).toMatchObject({ name: 'a', count: 297, nonFinite: 3, mean: 0.5 });
  });

  it('without a preview, generates the same built-in rows itself and computes statistics over them', async () => {
    ready(link, ['load-dataset']);
    const data = useDataStore();
    data.select('xor');
    const loading = data.loadBuiltin();
    link.reply('load-dataset', { type: 'dataset-loaded', name: 'xor', samples: 200, inputSize: 2, outputSize: 2, featureNames: ['x1', 'x2'], targetNames: ['a', 'b'], classNames: ['a', 'b'] } as Body);
    await loading;
    expect(data.sample?.X.cols).toBe(2);
    expect(data.sample?.rowIndex).toBeUndefined();
    expect(data.statsOfAll).toBe(false);
    expect(data.stats[0]?.count).toBe(data.sample?.X.rows);
  });
});

describe('predict', () => {
  it('asks the engine for F on the given rows and returns its matrix', async () => {
    ready(link, ['predict']);
    const evaluate = enginePredictor(useSessionStore().engine());
    const F = evaluate({ rows: 2, cols: 1, data: [0.5, -0.5] });
    expect(link.sent.at(-1)).toMatchObject({ type: 'predict', X: { rows: 2, cols: 1 } });
    expect(Array.from((link.sent.at(-1) as { X: { data: Float64Array } }).X.data)).toEqual([0.5, -0.5]);
    const out = rel('A', 1, 2, 1, 0.25);
    link.reply('predict', { type: 'prediction', F: out, step: 3 } as Body);
    expect(await F).toBe(out);
  });
});

describe('backend comparison', () => {
  it('uses the engine\'s compare-backends when it is offered, without extra engines', async () => {
    ready(link, ['compare-backends']);
    let started = 0;
    setComparisonEngineFactory(() => {
      started++;
      throw new Error('must not start an engine');
    });
    const g = useGradcheckStore();
    g.fastBackend = 'cpu-f32';
    const done = g.compare();
    expect(link.sent.at(-1)).toEqual({ type: 'compare-backends', backend: 'cpu-f32' });
    link.reply('compare-backends', {
      type: 'backend-comparison', reference: 'cpu-f64', backend: 'cpu-f32', step: 4, batchRows: 8, loss: { fast: 0.5, reference: 0.5000001 }, maxRelError: 2e-6,
      layers: [{ layer: 0, G: rel('G', 0, 8, 3, 1e-7), dW: rel('dW', 0, 2, 3, 2e-6), db: rel('db', 0, 1, 3, 0), maxRelError: { G: 1e-7, dW: 2e-6, db: 0 }, maxAbsError: { G: 1e-9, dW: 1e-8, db: 0 } }],
    } as Body);
    expect(await done).toBe(true);
    expect(started).toBe(0);
    const c = g.comparison!;
    expect(c).toMatchObject({ fast: 'cpu-f32', source: 'engine', rows: 8, loss: { fast: 0.5 } });
    expect(c.layers[0]!.diffs.map((d) => [d.name, d.maxRelError, d.maxAbsError])).toEqual([['G', 1e-7, 1e-9], ['dW', 2e-6, 1e-8], ['db', 0, 0]]);
    expect(c.layers[0]!.diffs[1]!.relError.rows).toBe(2);
    setComparisonEngineFactory(null);
  });

  it('falls back to two extra engines when the engine has no compare-backends', async () => {
    ready(link, ['gradcheck']);
    setComparisonEngineFactory(null);
    const g = useGradcheckStore();
    expect(await g.compare()).toBe(false);
    expect(link.sent.some((c) => c.type === 'compare-backends')).toBe(false);
    expect(useErrorsStore().list.at(-1)?.title).toMatch(/unavailable/);
  });
});

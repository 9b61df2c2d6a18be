import { describe, expect, it } from 'vitest';
import { gzipSync } from 'fflate';
import { encodeIdx } from '../data/parsers/idx.js';
import { parseCommand } from '../protocol/parse.js';
import { defaultDatasetProvider } from './dataset-provider.js';

const iris = new TextEncoder().encode(
  `3,2,setosa,versicolor,virginica\n${Array.from({ length: 30 }, (_, i) => `${i},${i % 4},${i % 3}`).join('\n')}\n`,
);
const noProgress = (): void => undefined;
const loadFile = (options: object) =>
  parseCommand({ v: 1, type: 'load-dataset', source: { kind: 'file', fileName: 'iris.csv', bytes: iris, options } });

describe('load-dataset options over the protocol', () => {
  it('accepts the documented options and passes them to the loader; the inference comes back', async () => {
    const parsed = loadFile({ task: 'auto', header: 'auto', encoding: 'auto', skipLines: 0 });
    if (!parsed.ok || parsed.command.type !== 'load-dataset') throw new Error('expected load-dataset');
    const ds = await defaultDatasetProvider(parsed.command.source, noProgress);
    expect(ds.meta.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(ds.meta.inferred?.countsHeader?.classes).toHaveLength(3);
  });

  it.each([
    [{ skipLines: 'two' }, /source\.options\.skipLines: /],
    [{ skipLines: -1 }, /source\.options\.skipLines: /],
    [{ task: 'clustering' }, /source\.options\.task: /],
    [{ header: 1 }, /source\.options\.header: /],
    [{ targets: 'y' }, /source\.options\.targets: /],
    [{ onProgress: 3 }, /onProgress/],
    [{ limits: { maxBytes: 1e15 } }, /limits/],
    [{ limits: { maxCells: -1 } }, /limits/],
  ])("refuses %j at intake with the key path (limits are the engine's)", (options, message) => {
    const r = loadFile(options);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toMatch(message);
  });
});

describe('an IDX images + labels pair over the protocol', () => {
  const n = 12;
  const pixels = Uint8Array.from({ length: n * 4 }, (_, i) => (i * 37) % 256);
  const images = encodeIdx('uint8', [n, 2, 2], pixels);
  const labels = encodeIdx(
    'uint8',
    [n],
    Uint8Array.from({ length: n }, (_, i) => i % 3),
  );
  const pair = (options: object = {}) =>
    parseCommand({
      v: 1,
      type: 'load-dataset',
      source: {
        kind: 'idx-pair',
        images: { fileName: 'train-images-idx3-ubyte.gz', bytes: gzipSync(images) },
        labels: { fileName: 'train-labels-idx1-ubyte', bytes: labels },
        options,
      },
    });

  it('loads as classification with 2×2 images', async () => {
    const parsed = pair();
    if (!parsed.ok || parsed.command.type !== 'load-dataset') throw new Error('expected load-dataset');
    const ds = await defaultDatasetProvider(parsed.command.source, noProgress);
    expect(ds.X.rows).toBe(n);
    expect(ds.X.cols).toBe(4);
    expect(ds.meta.classNames).toEqual(['0', '1', '2']);
    expect(ds.meta.image).toEqual({ width: 2, height: 2 });
  });

  it('takes only name, task and classes as options', () => {
    expect(pair({ task: 'regression' }).ok).toBe(true);
    expect(pair({ delimiter: ',' }).ok).toBe(false);
  });
});

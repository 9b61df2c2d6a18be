import { gzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectFormat, loadArrayPair, loadDataset, loadTable } from './load.js';
import { sampleFiles } from './node-write-assets.js';
import { encodeIdx } from './parsers/idx.js';
import { encodeNpy } from './parsers/npy.js';
import { generateBuiltin } from './registry.js';
import { catchDatasetError } from './test-helpers.js';
import type { LabeledDataset } from './types.js';
import { formatDelimited, formatJson } from './utils.js';

function expectSameData(a: LabeledDataset, b: LabeledDataset): void {
  expect(a.X.rows).toBe(b.X.rows);
  expect(a.X.cols).toBe(b.X.cols);
  expect(Array.from(a.X.data)).toEqual(Array.from(b.X.data));
  expect(Array.from(a.Y.data)).toEqual(Array.from(b.Y.data));
}

describe('loading files end to end', () => {
  it('detects formats from content first, then the name', () => {
    expect(detectFormat(encodeNpy([1], [1]), 'data.bin')).toBe('npy');
    expect(detectFormat(encodeIdx('uint8', [1], [1]), 'data.bin')).toBe('idx');
    expect(detectFormat('  [1, 2]')).toBe('json');
    expect(detectFormat('{"X": []}')).toBe('json');
    expect(detectFormat('1 2\n', 'a.txt')).toBe('text');
    expect(detectFormat('', 'a.json')).toBe('json');
  });

  it('round-trips generated datasets through CSV, TSV, whitespace text and gzip, exactly', () => {
    const spiral = generateBuiltin('spiral', { classes: 3, n: 60 }).train;
    const csv = loadDataset(formatDelimited(spiral), { fileName: 'spiral.csv' });
    expectSameData(csv, spiral);
    expect(csv.meta.classNames).toEqual(spiral.meta.classNames);
    expect(csv.meta.featureNames).toEqual(['x1', 'x2']);
    const tsv = new TextEncoder().encode(formatDelimited(spiral, { delimiter: '\t' }));
    expectSameData(loadDataset(gzipSync(tsv), { fileName: 'spiral.tsv.gz' }), spiral);
    const xsin = generateBuiltin('xsin').train;
    const txt = loadDataset(formatDelimited(xsin, { delimiter: 'whitespace', header: false }), { fileName: 'x.txt' });
    expectSameData(txt, xsin);
    expect(txt.meta.task).toBe('regression');
  });

  it('round-trips through the {X, Y} JSON shape and the batch file', () => {
    const plane = generateBuiltin('plane', { n: 20 }).train;
    expectSameData(loadDataset(formatJson(plane)), plane);
    expectSameData(loadDataset(formatJson(plane, true), { fileName: 'batch.json' }), plane);
    const moons = generateBuiltin('moons', { n: 20 }).train;
    // One-hot Y columns come back as classes, named after the columns.
    const back = loadDataset(formatJson(moons));
    expectSameData(back, moons);
    expect(back.meta).toMatchObject({ task: 'classification', classNames: ['upper', 'lower'] });
    expect(loadDataset(formatJson(moons), { task: 'regression' }).meta.task).toBe('regression');
  });

  it('loads .npy pairs and single 2-D arrays', () => {
    const X = encodeNpy([4, 2], [1, 2, 3, 4, 5, 6, 7, 8], '<f4');
    const Y = encodeNpy([4], [1, 0, 1, 2], '<i8');
    const ds = loadArrayPair({ bytes: X, fileName: 'X.npy' }, { bytes: Y, fileName: 'y.npy' });
    expect(ds.meta).toMatchObject({ task: 'classification', classNames: ['0', '1', '2'] });
    expect(Array.from(ds.Y.data.subarray(0, 3))).toEqual([0, 1, 0]);
    const reg = loadArrayPair({ bytes: X }, { bytes: encodeNpy([4, 1], [0.5, 1, 2, 3]) });
    expect(reg.meta.task).toBe('regression');
    const single = loadDataset(encodeNpy([3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]), { fileName: 'a.npy' });
    expect(Array.from(single.Y.data)).toEqual([3, 6, 9]);
    const mismatch = catchDatasetError(() =>
      loadArrayPair({ bytes: X, fileName: 'X.npy' }, { bytes: encodeNpy([3], [1, 2, 3]), fileName: 'y.npy' }),
    );
    expect(mismatch).toMatchObject({ code: 'length-mismatch', file: 'y.npy' });
    expect(mismatch.message).toContain('X.npy has 4 samples but y.npy has 3');
    expect(
      catchDatasetError(() => loadDataset(encodeNpy([2, 2, 2], new Array(8).fill(1)), { fileName: 'c.npy' })),
    ).toMatchObject({ code: 'bad-structure', file: 'c.npy' });
  });

  it('loads MNIST-style IDX pairs (gzipped), scaling pixels to [0, 1] and recording it', () => {
    const images = gzipSync(encodeIdx('uint8', [3, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8]));
    const labels = gzipSync(encodeIdx('uint8', [3], [7, 2, 7]));
    const ds = loadArrayPair(
      { bytes: images, fileName: 'train-images-idx3-ubyte.gz' },
      { bytes: labels, fileName: 'train-labels-idx1-ubyte.gz' },
    );
    expect(ds.meta).toMatchObject({ task: 'classification', classNames: ['2', '7'], image: { width: 2, height: 2 } });
    expect(Array.from(ds.X.data.subarray(0, 4))).toEqual([0, 1, 0.2, 0.4]);
    expect(ds.meta.preprocessing?.inputs).toMatchObject({
      method: 'min-max',
      offset: [0, 0, 0, 0],
      scale: [255, 255, 255, 255],
    });
    const fixed = loadArrayPair(
      { bytes: images },
      { bytes: labels },
      { classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
    );
    expect(fixed.Y.cols).toBe(10);
    expect(
      catchDatasetError(() =>
        loadArrayPair({ bytes: images }, { bytes: encodeIdx('uint8', [2], [1, 2]), fileName: 'l.idx' }),
      ),
    ).toMatchObject({ code: 'length-mismatch' });
    expect(
      catchDatasetError(() => loadTable(encodeIdx('uint8', [2], [1, 2]), { fileName: 'l-idx1-ubyte' })),
    ).toMatchObject({ code: 'bad-param', file: 'l-idx1-ubyte' });
  });

  it('normalises on the training rows only', () => {
    const text = formatDelimited(generateBuiltin('gaussian-regression', { n: 50 }).train);
    const train = Int32Array.from({ length: 40 }, (_, i) => i + 10);
    const ds = loadDataset(text, { normalize: 'standardize', fitRows: train });
    let mean = 0;
    for (const i of train) mean += ds.X.data[i * 2]!;
    expect(Math.abs(mean / train.length)).toBeLessThan(1e-12);
    let held = 0;
    for (let i = 0; i < 10; i++) held += ds.X.data[i * 2]!;
    expect(Math.abs(held / 10)).toBeGreaterThan(1e-6); // the held-out rows did not shape the statistics
    expect(ds.meta.preprocessing?.inputs?.names).toEqual(['x1', 'x2']);
  });

  it('keeps the committed sample files in assets/datasets in step with the generators', () => {
    for (const f of sampleFiles()) {
      const committed = readFileSync(fileURLToPath(new URL(`../../assets/datasets/${f.name}`, import.meta.url)));
      expect(new Uint8Array(committed), f.name).toEqual(f.bytes);
    }
    const train = readFileSync(fileURLToPath(new URL('../../assets/datasets/xsin-train.txt', import.meta.url)), 'utf8');
    expectSameData(loadDataset(train, { fileName: 'xsin-train.txt' }), generateBuiltin('xsin').train);
  });
});

describe('array files of unknown kind', () => {
  it('says which binary formats a pair accepts', () => {
    const e = catchDatasetError(() =>
      loadArrayPair(
        { bytes: new TextEncoder().encode('x,y\n1,2\n'), fileName: 'X.csv' },
        { bytes: encodeNpy([1], [1]) },
      ),
    );
    expect(e).toMatchObject({ code: 'unknown-format', file: 'X.csv', offset: 0 });
    expect(e.message).toContain('.npy');
  });
});

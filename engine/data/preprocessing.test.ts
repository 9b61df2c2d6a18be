import { describe, expect, it } from 'vitest';
import { fromRows, maxAbsDiff } from '../core/matrix.js';
import {
  applyPreprocessing,
  applyTransform,
  fitTransform,
  invertTransform,
  normalizeDataset,
  parsePreprocessing,
} from './preprocessing.js';
import { catchDatasetError } from './test-helpers.js';
import type { LabeledDataset } from './types.js';

const ds: LabeledDataset = {
  X: fromRows([
    [1, 10],
    [3, 10],
    [5, 10],
    [100, 10],
  ]),
  Y: fromRows([[2], [4], [6], [8]]),
  meta: {
    name: 't',
    task: 'regression',
    featureNames: ['a', 'b'],
    targetNames: ['y'],
    classNames: null,
    preprocessing: null,
  },
};

describe('normalisation recorded as data', () => {
  it('standardises with the statistics of the training rows only', () => {
    const t = fitTransform(ds.X, 'standardize', ['a', 'b'], [0, 1, 2]);
    expect(t.offset).toEqual([3, 10]);
    expect(t.scale[0]).toBeCloseTo(Math.sqrt(8 / 3), 14);
    expect(t.scale[1]).toBe(1); // constant column: scale 1, never a division by zero
    const out = applyTransform(ds.X, t);
    expect(out.data[0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 14);
    expect(out.data[6]).toBeCloseTo(97 / Math.sqrt(8 / 3), 12); // the held-out row is transformed, not fitted
  });

  it('min-max maps the training range to [0, 1] and inverts exactly', () => {
    const t = fitTransform(ds.Y, 'min-max', ['y']);
    expect(t).toMatchObject({ offset: [2], scale: [6] });
    const n = applyTransform(ds.Y, t);
    expect(Array.from(n.data)).toEqual([0, 1 / 3, 2 / 3, 1]);
    expect(maxAbsDiff(invertTransform(n, t), ds.Y)).toBeLessThan(1e-15);
  });

  it('records inputs and outputs in the dataset, survives JSON, and applies to a test set', () => {
    const norm = normalizeDataset(ds, { inputs: 'standardize', outputs: 'min-max', fitRows: [0, 1, 2] });
    const pre = norm.meta.preprocessing!;
    const back = parsePreprocessing(JSON.parse(JSON.stringify(pre)));
    expect(back).toEqual(pre);
    const test = applyPreprocessing(ds, back);
    expect(maxAbsDiff(test.X, norm.X)).toBe(0);
    expect(catchDatasetError(() => normalizeDataset(norm, { inputs: 'min-max' }))).toMatchObject({ code: 'bad-param' });
    const cls = { ...ds, meta: { ...ds.meta, task: 'classification' as const, classNames: ['y'] } };
    expect(catchDatasetError(() => normalizeDataset(cls, { outputs: 'standardize' }))).toMatchObject({
      code: 'bad-param',
    });
  });

  it('names the key path of a bad preprocessing record', () => {
    expect(catchDatasetError(() => parsePreprocessing({ version: 2 }))).toMatchObject({
      field: 'preprocessing.version',
    });
    expect(
      catchDatasetError(() => parsePreprocessing({ version: 1, inputs: { method: 'zscore', offset: [], scale: [] } })),
    ).toMatchObject({ field: 'preprocessing.inputs.method' });
    expect(
      catchDatasetError(() =>
        parsePreprocessing({ version: 1, inputs: { method: 'min-max', offset: [0, 1], scale: [1, 0] } }),
      ),
    ).toMatchObject({ field: 'preprocessing.inputs.scale[1]' });
    expect(
      catchDatasetError(() =>
        parsePreprocessing({ version: 1, inputs: { method: 'min-max', offset: [0, 'x'], scale: [1, 1] } }),
      ),
    ).toMatchObject({ field: 'preprocessing.inputs.offset[1]' });
    expect(
      catchDatasetError(() =>
        parsePreprocessing({ version: 1, outputs: { method: 'min-max', offset: [0], scale: [1, 2] } }),
      ),
    ).toMatchObject({ field: 'preprocessing.outputs.scale' });
    expect(parsePreprocessing({ version: 1, inputs: null }).outputs).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { parseDatasetLoadOptions } from './dataset-options.js';
import { defaultDatasetProvider } from './host/dataset-provider.js';
import { errorEvent } from './host/errors.js';

const iris = new TextEncoder().encode(
  `3,2,setosa,versicolor,virginica\n${Array.from({ length: 30 }, (_, i) => `${i},${i % 4},${i % 3}`).join('\n')}\n`,
);
const noProgress = (): void => undefined;

describe('load-dataset options over the protocol', () => {
  it('accepts the documented options and passes them to the loader; the inference comes back', async () => {
    const ds = await defaultDatasetProvider(
      {
        kind: 'file',
        fileName: 'iris.csv',
        bytes: iris,
        options: { task: 'auto', header: 'auto', encoding: 'auto', skipLines: 0 },
      },
      noProgress,
    );
    expect(ds.meta.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(ds.meta.inferred?.countsHeader?.classes).toHaveLength(3);
  });

  it.each([
    [{ skipLines: 'two' }, /^options\.skipLines: /],
    [{ skipLines: -1 }, /^options\.skipLines: /],
    [{ task: 'clustering' }, /^options\.task: /],
    [{ header: 1 }, /^options\.header: /],
    [{ targets: 'y' }, /^options\.targets: /],
    [{ onProgress: 3 }, /^options: .*\(onProgress\)/],
    [{ limits: { maxBytes: 1e15 } }, /options\.limits: the engine's memory limits cannot be set over the protocol/],
    [{ limits: { maxCells: -1 } }, /options\.limits: /],
  ])('refuses %j with the key path, as a dataset error', async (options, message) => {
    expect(() => parseDatasetLoadOptions(options)).toThrow(message);
    const e = await defaultDatasetProvider(
      { kind: 'file', fileName: 'iris.csv', bytes: iris, options },
      noProgress,
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RangeError);
    expect(errorEvent(e, 'load-dataset', 1).code).toBe('dataset-error');
  });
});

import { describe, expect, it } from 'vitest';
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
  ])('refuses %j at intake with the key path (limits are the engine\'s)', (options, message) => {
    const r = loadFile(options);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toMatch(message);
  });
});

/** readDatasetFile (the CLI's reader) treats missing values and text features as loadDataset does. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDatasetFile } from './node-files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bplens-clean-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('readDatasetFile with cleaning options', () => {
  it('drops and fills missing cells and one-hot encodes text features, from CSV and JSON records', async () => {
    const csv = join(dir, 'cars.csv');
    await writeFile(csv, 'hp,origin,mpg\n100,USA,18\n,Japan,30\n80,Japan,\n120,Europe,20\n90,USA,25\n');
    const json = join(dir, 'cars.json');
    await writeFile(
      json,
      JSON.stringify([
        { hp: 100, origin: 'USA', mpg: 18 },
        { hp: null, origin: 'Japan', mpg: 30 },
        { hp: 80, origin: 'Japan', mpg: null },
        { hp: 120, origin: 'Europe', mpg: 20 },
        { hp: 90, origin: 'USA', mpg: 25 },
      ]),
    );
    for (const path of [csv, json]) {
      const ds = await readDatasetFile(path, {
        targets: ['mpg'],
        features: ['hp', 'origin'],
        oneHot: ['origin'],
        missing: { hp: 'median', mpg: 'drop' },
      });
      expect(ds.X.rows).toBe(4);
      expect(ds.meta.featureNames).toEqual(['hp', 'origin=Europe', 'origin=Japan', 'origin=USA']);
      // hp's missing cell is filled with the median of the rows kept (90, 100, 120).
      expect(ds.X.data[1 * 4]).toBe(100);
      expect(ds.meta.inferred?.cleaning?.droppedRows).toBe(1);
    }
  });
});

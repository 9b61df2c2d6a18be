import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { readArrayPairFiles, readDatasetFile, readTableFile } from './node-files.js';
import { encodeNpy } from './parsers/npy.js';

const dir = mkdtempSync(join(tmpdir(), 'bl-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const assets = (name: string): string => fileURLToPath(new URL(`../../assets/datasets/${name}`, import.meta.url));

describe('reading dataset files from disk (CLI)', () => {
  it('streams a large text file with progress, by bytes of the file', async () => {
    const path = join(dir, 'big.csv');
    const rows = 150_000;
    const lines = ['a,b,label'];
    for (let i = 0; i < rows; i++) lines.push(`${i},${(i * 0.5).toFixed(1)},${i % 3 === 0 ? 'yes' : 'no'}`);
    writeFileSync(path, lines.join('\n'));
    const seen: { bytesDone: number; bytesTotal: number | null }[] = [];
    const ds = await readDatasetFile(path, { onProgress: (p) => seen.push(p) });
    expect(ds.X.rows).toBe(rows);
    expect(ds.meta).toMatchObject({ name: 'big.csv', classNames: ['no', 'yes'] });
    expect(ds.X.data[2 * (rows - 1) + 1]).toBe((rows - 1) * 0.5);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toEqual({ bytesDone: seen.at(-1)!.bytesTotal, bytesTotal: seen[0]!.bytesTotal });
  });

  it('fails with a message, not a crash, on limits and unreadable paths', async () => {
    const path = join(dir, 'small.txt');
    writeFileSync(path, '1 2\n3 4\n'.repeat(1000));
    await expect(readDatasetFile(path, { limits: { maxBytes: 1000 } })).rejects.toMatchObject({
      code: 'too-large',
      file: 'small.txt',
    });
    await expect(readDatasetFile(path, { limits: { maxCells: 100 } })).rejects.toMatchObject({
      code: 'too-large',
      line: 51,
    });
    await expect(readDatasetFile(join(dir, 'missing.csv'))).rejects.toMatchObject({
      code: 'unreadable',
      message: expect.stringContaining('no such file'),
    });
    await expect(readDatasetFile(dir)).rejects.toMatchObject({ code: 'unreadable' });
  });

  it('reports the file name and line of a bad cell in a streamed file', async () => {
    const path = join(dir, 'bad.txt');
    writeFileSync(path, '0.1 0.2\n0.3 0.4\n0.5 x\n');
    await expect(readDatasetFile(path)).rejects.toMatchObject({
      code: 'non-numeric',
      file: 'bad.txt',
      line: 3,
      column: 2,
    });
  });

  it('reads gzipped text, JSON and .npy files whole', async () => {
    writeFileSync(join(dir, 'd.csv.gz'), gzipSync(new TextEncoder().encode('x,y\n1,2\n3,4\n')));
    expect((await readTableFile(join(dir, 'd.csv.gz'))).rows).toBe(2);
    writeFileSync(join(dir, 'd.json'), '{"X": [[1], [2]], "Y": [[3], [4]]}');
    expect(Array.from((await readDatasetFile(join(dir, 'd.json'))).Y.data)).toEqual([3, 4]);
    writeFileSync(join(dir, 'X.npy'), encodeNpy([2, 2], [1, 2, 3, 4]));
    writeFileSync(join(dir, 'y.npy'), encodeNpy([2], [0, 1], '<i4'));
    const pair = await readArrayPairFiles(join(dir, 'X.npy'), join(dir, 'y.npy'));
    expect(pair.meta.classNames).toEqual(['0', '1']);
  });

  it('reads the sample MNIST-format digits in assets/datasets', async () => {
    const ds = await readArrayPairFiles(assets('digits8-images-idx3-ubyte.gz'), assets('digits8-labels-idx1-ubyte.gz'));
    expect(ds.X.rows).toBe(200);
    expect(ds.X.cols).toBe(64);
    expect(ds.meta.classNames).toHaveLength(10);
    expect(ds.meta.image).toEqual({ width: 8, height: 8 });
    const xsin = await readDatasetFile(assets('xsin-test.txt'));
    expect(xsin.X.rows).toBe(1000);
  });
});

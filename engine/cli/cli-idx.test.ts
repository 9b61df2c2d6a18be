/** MNIST IDX pairs on the command line: written here in the real format, found three ways. */
import { mkdir, writeFile } from 'node:fs/promises';
import { gzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../data/parsers/idx.js';
import { type CliRun, runCli, tempDir } from './test-harness.js';

let t: Awaited<ReturnType<typeof tempDir>>;
const run = (...args: string[]): Promise<CliRun> => runCli(args, t.dir);

/** n 4×4 images whose label is 0 for a bright top half, 1 for a bright bottom half. */
function mnistLike(n: number): { images: Uint8Array; labels: Uint8Array } {
  const pixels = new Uint8Array(n * 16);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    for (let p = 0; p < 16; p++) pixels[i * 16 + p] = p < 8 === (i % 2 === 0) ? 200 + (i % 50) : 10;
  }
  return { images: encodeIdx('uint8', [n, 4, 4], pixels), labels: encodeIdx('uint8', [n], labels) };
}

beforeAll(async () => {
  t = await tempDir();
  const train = mnistLike(40);
  const test = mnistLike(10);
  await mkdir(`${t.dir}/mnist`);
  await writeFile(`${t.dir}/mnist/train-images-idx3-ubyte.gz`, gzipSync(train.images));
  await writeFile(`${t.dir}/mnist/train-labels-idx1-ubyte.gz`, gzipSync(train.labels));
  await writeFile(`${t.dir}/mnist/t10k-images-idx3-ubyte.gz`, gzipSync(test.images));
  await writeFile(`${t.dir}/mnist/t10k-labels-idx1-ubyte.gz`, gzipSync(test.labels));
  await writeFile(`${t.dir}/imgs.bin`, train.images);
  await writeFile(`${t.dir}/labs.bin`, train.labels);
  await writeFile(`${t.dir}/lonely-images-idx3-ubyte`, train.images);
});
afterAll(() => t.cleanup());

describe('IDX images + labels', () => {
  it('info on the images file finds its labels beside it', async () => {
    const r = await run('info', 'mnist/train-images-idx3-ubyte.gz');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('dataset (classification), 40 samples, 16 features, 2 target columns');
    expect(r.stdout).toContain('images: 4×4');
    expect(r.stdout).toContain(
      'IDX pair: images mnist/train-images-idx3-ubyte.gz, labels mnist/train-labels-idx1-ubyte.gz',
    );
  });

  it('info on a folder takes its training pair', async () => {
    const r = await run('info', 'mnist');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('40 samples');
  });

  it('two paths: --labels', async () => {
    const r = await run('info', 'imgs.bin', '--labels', 'labs.bin');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('40 samples, 16 features');
  });

  it('an images file without labels says how to give them', async () => {
    const r = await run('info', 'lonely-images-idx3-ubyte');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /put its labels file beside it \(lonely-labels-idx1-ubyte\) or give it with --labels FILE/,
    );
  });

  it('train on the folder: the train pair trains, the t10k pair tests', async () => {
    const r = await run('train', 'mnist', '--hidden', '4', '--steps', '30');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/test/);
    expect(r.stdout).toMatch(/accuracy/);
  });
});

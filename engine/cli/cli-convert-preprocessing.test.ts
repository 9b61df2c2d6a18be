/**
 * `convert` and a network trained on a data file: its inputs were standardised, and the weights
 * are useless on raw columns without that record. Every array format keeps it; the PyTorch
 * snippet applies it; ONNX (graph only) says it is not kept.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWeights } from '../io/weights-file.js';
import { type CliRun, runCli, tempDir } from './test-harness.js';

let t: Awaited<ReturnType<typeof tempDir>>;
const run = (...args: string[]): Promise<CliRun> => runCli(args, t.dir);

beforeAll(async () => {
  t = await tempDir();
  const rows = ['size,weight,kind'];
  for (let i = 0; i < 30; i++) rows.push(`${100 + 7 * i},${(i * 37) % 50},${i % 3 === 0 ? 'a' : 'b'}`);
  await t.write('data.csv', rows.join('\n'));
  const trained = await run('train', 'data.csv', '--steps', '3', '-q', '--export', 'w.json');
  expect(trained.code, trained.stderr).toBe(0);
});
afterAll(() => t.cleanup());

describe('convert keeps what the inputs need', () => {
  it('npz and safetensors round trips keep the preprocessing', async () => {
    const original = parseWeights(await readFile(join(t.dir, 'w.json'), 'utf8'));
    expect(original.preprocessing).toBeDefined();
    for (const ext of ['npz', 'safetensors']) {
      expect((await run('convert', 'w.json', `w.${ext}`)).code).toBe(0);
      const back = await run('convert', `w.${ext}`, `back-${ext}.json`);
      expect(back.code, back.stderr).toBe(0);
      const weights = parseWeights(await readFile(join(t.dir, `back-${ext}.json`), 'utf8'));
      expect(weights.preprocessing).toEqual(original.preprocessing);
    }
  });

  it('the printed PyTorch snippet normalises the raw inputs', async () => {
    const out = await run('convert', 'w.json', 'p.safetensors');
    expect(out.stdout).toMatch(/^x_offset = torch\.tensor\(\[/m);
    expect(out.stdout).toContain('y = model((x - x_offset) / x_scale)');
  });

  it('ONNX says the preprocessing is not in the graph', async () => {
    const out = await run('convert', 'w.json', 'w.onnx');
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/w\.onnx does not hold w\.json's preprocessing/);
  });
});

/** The commands doing their job, run in-process: files written, numbers right, exit codes. */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { fromRows } from '../core/matrix.js';
import { parseBatch, serializeBatch } from '../io/batch-file.js';
import { parseGradients, serializeGradients } from '../io/gradients-file.js';
import { parseWeights, serializeWeights } from '../io/weights-file.js';
import { tinyBatch, tinyWeights } from '../io/test-fixtures.js';
import { forwardBackward } from '../train/forward-backward.js';
import { type CliRun, runCli, tempDir } from './test-harness.js';

let t: Awaited<ReturnType<typeof tempDir>>;
const run = (...args: string[]): Promise<CliRun> => runCli(args, t.dir);
const read = (name: string): Promise<string> => readFile(join(t.dir, name), 'utf8');

beforeAll(async () => {
  t = await tempDir();
  await t.write('w.json', serializeWeights(tinyWeights()));
  await t.write('batch.json', serializeBatch(tinyBatch()));
  // A small classification CSV: the class is the sign of x1 + x2.
  const rows = ['x1,x2,label'];
  for (let i = 0; i < 40; i++) {
    const a = Math.sin(i * 1.3);
    const b = Math.cos(i * 0.7);
    rows.push(`${a.toFixed(4)},${b.toFixed(4)},${a + b > 0 ? 'pos' : 'neg'}`);
  }
  await t.write('train.csv', rows.join('\n'));
  await t.write('test.csv', rows.slice(0, 11).join('\n'));
});
afterAll(() => t.cleanup());

describe('help and version', () => {
  it.each(['train', 'grad', 'gradcheck', 'info', 'convert', 'session'])(
    '%s --help lists usage, options and examples',
    async (cmd) => {
      for (const args of [
        [cmd, '--help'],
        [cmd, '-h'],
        ['help', cmd],
      ]) {
        const r = await run(...args);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(`Usage: backprop-lens ${cmd} `);
        expect(r.stdout).toContain('Options:');
        expect(r.stdout).toContain('Examples:');
        expect(r.stderr).toBe('');
      }
    },
  );

  it('docs/cli.md shows the current help of every command', async () => {
    const doc = await readFile(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    for (const cmd of ['train', 'grad', 'gradcheck', 'info', 'convert', 'session', 'serve']) {
      expect(doc, `docs/cli.md is out of date: run npx tsx engine/cli/update-docs.ts`).toContain(
        (await run(cmd, '--help')).stdout.trimEnd(),
      );
    }
  });

  it('--help and --version', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    for (const cmd of ['train', 'grad', 'gradcheck', 'info', 'convert', 'session'])
      expect(help.stdout).toMatch(new RegExp(`\\n  ${cmd} +\\S`));
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect((await run('--version')).stdout).toBe(`backprop-lens ${pkg.version}\n`);
  });
});

describe('grad', () => {
  it('writes exactly what one float64 forward + backward pass gives', async () => {
    const r = await run('grad', '--weights', 'w.json', '--data', 'batch.json', '--out', 'g.json');
    expect(r.code, r.stderr).toBe(0);
    const file = parseGradients(await read('g.json'));
    const w = tinyWeights();
    const b = tinyBatch();
    const expected = await forwardBackward(new Cpu64Backend(), w.model, w.parameters, b.X, b.Y);
    expect(file.backend).toBe('cpu-f64');
    expect(file.loss).toBe(expected.loss);
    expect(file.layers).toEqual(expected.layers);
    expect(file.dX).toEqual(expected.dX);
    expect(file.output).toEqual(expected.output);
    expect(r.stdout).toContain(`loss (sse) = `);
    expect(r.stdout).toContain('wrote g.json');
  });

  it('writes the file to stdout with --out - and the summary to stderr', async () => {
    const r = await run('grad', '-w', 'w.json', '-d', 'batch.json', '--out', '-');
    expect(r.code).toBe(0);
    expect(parseGradients(r.stdout).layers).toHaveLength(2);
    expect(r.stderr).toContain('cpu-f64: 3 samples from batch.json');
  });

  it('runs on cpu32 with float32 results close to float64', async () => {
    const r = await run('grad', '-w', 'w.json', '-d', 'batch.json', '--backend', 'cpu32', '--out', 'g32.json');
    expect(r.code, r.stderr).toBe(0);
    const g32 = parseGradients(await read('g32.json'));
    const g64 = parseGradients(await read('g.json'));
    expect(g32.backend).toBe('cpu-f32');
    expect(Math.abs(g32.loss - g64.loss)).toBeLessThan(1e-5 * Math.max(1, g64.loss));
  });

  it('either runs on the GPU or says in one line why it cannot', async () => {
    const r = await run('grad', '-w', 'w.json', '-d', 'batch.json', '--backend', 'gpu', '--out', 'ggpu.json');
    if (r.code === 0) {
      expect(parseGradients(await read('ggpu.json')).backend).toBe('webgpu-f32');
    } else {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^backprop-lens: error: --backend gpu: .*no WebGPU adapter/);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  }, 120_000);
});

describe('gradcheck', () => {
  it('passes on the float64 reference and prints one row per layer', async () => {
    const r = await run('gradcheck', '--weights', 'w.json', '--data', 'batch.json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\n0\s+9\s+9\s+\S+\s+\S+\s+.*\bok\n/);
    expect(r.stdout).toMatch(/\n1\s+4\s+4\s+\S+\s+\S+\s+.*\bok\n/);
    expect(r.stdout).toContain('PASS');
    expect(r.stderr).toBe('');
  });

  it('exits 1 and names the layer when gradients are over tolerance', async () => {
    const good = parseGradients(await read('g.json'));
    const bad = {
      ...good,
      layers: good.layers.map((l, i) =>
        i === 1 ? { ...l, dW: { ...l.dW, data: l.dW.data.map((v, k) => (k === 2 ? v * 1.01 : v)) } } : l,
      ),
    };
    await t.write('bad-g.json', serializeGradients(bad));
    const r = await run('gradcheck', '-w', 'w.json', '-d', 'batch.json', '--gradients', 'bad-g.json');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\n0\s+.*\bok\n/);
    expect(r.stdout).toMatch(/\n1\s+.*W\[2\]\[0\].*FAIL\n/);
    expect(r.stderr).toMatch(
      /^backprop-lens: gradient check failed: layer 1 over tolerance 1e-6 \(max relative error 0\.0099\d*\)\n$/,
    );
    // A looser tolerance lets the same file pass.
    expect(
      (await run('gradcheck', '-w', 'w.json', '-d', 'batch.json', '--gradients', 'bad-g.json', '--tolerance', '0.02'))
        .code,
    ).toBe(0);
  });

  it('accepts the gradients file it wrote itself', async () => {
    const r = await run('gradcheck', '-w', 'w.json', '-d', 'batch.json', '--gradients', 'g.json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('analytic: g.json (cpu-f64)');
  });

  it('refuses gradients computed on another batch', async () => {
    const other = tinyBatch();
    other.X.data[0] = 42;
    await t.write('other.json', serializeBatch(other));
    const r = await run('gradcheck', '-w', 'w.json', '-d', 'other.json', '--gradients', 'g.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'backprop-lens: error: g.json: layers[0].A: is not the X of other.json: these gradients were computed on another batch\n',
    );
  });

  it('says when it checked a sample, and prints JSON on request', async () => {
    const r = await run('gradcheck', '-w', 'w.json', '-d', 'batch.json', '--sample', '3');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n0\s+9\s+3 \(sample\)/);
    expect(r.stdout).toContain('seeded random sample');
    const j = await run('gradcheck', '-w', 'w.json', '-d', 'batch.json', '--json');
    const parsed = JSON.parse(j.stdout) as { passed: boolean; layers: { checked: number }[] };
    expect(parsed.passed).toBe(true);
    expect(parsed.layers.map((l) => l.checked)).toEqual([9, 4]);
  });
});

describe('train', () => {
  it('trains a built-in, reports test error, and exports readable weights', async () => {
    const r = await run(
      'train',
      'xsin',
      '--hidden',
      '2x5',
      '--loss',
      'sse',
      '--batch',
      'full',
      '--steps',
      '30',
      '--seed',
      '3',
      '--export',
      'xs.json',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^trained 30 steps \(30 epochs\)/);
    expect(r.stdout).toContain(
      'model: 1 → 2×[5 tanh] → 1 identity; loss sse; 46 parameters; adam lr 0.001; batch full',
    );
    expect(r.stdout).toMatch(/\ntest\s+1000\s+\S+\s+\S+\n/);
    expect(r.stdout).toContain('wrote xs.json');
    // Progress: plain lines on a non-terminal, the last at 100%.
    expect(r.stderr).toMatch(/step 30\/30 \(100%\)  epoch 30  loss \S+/);
    const w = parseWeights(await read('xs.json'));
    expect(w.model.layers.map((l) => l.units)).toEqual([5, 5, 1]);
    expect(w.training).toMatchObject({
      steps: 30,
      epochs: 30,
      learningRate: 0.001,
      batchSize: 'full',
      seed: 3,
      backend: 'cpu-f64',
    });
    expect(w.dataset).toMatchObject({ name: 'xsin', features: ['x'], targets: ['y'], samples: 100 });
    expect(w.createdWith).toMatch(/^backprop-lens \S+ \(cli\)$/);
  });

  it('is reproducible from its seed and prints a JSON summary', async () => {
    const args = ['train', 'xsin', '--hidden', '4', '--batch', '16', '--epochs', '3', '--seed', '7', '--json'];
    const a = JSON.parse((await run(...args)).stdout) as {
      steps: number;
      metrics: { train: { loss: number }; test: { relativeL2Error: number } };
    };
    const b = JSON.parse((await run(...args)).stdout) as typeof a;
    expect(a.steps).toBe(3 * Math.ceil(100 / 16));
    expect(a.metrics.train.loss).toBe(b.metrics.train.loss);
    expect(a.metrics.test.relativeL2Error).toBeGreaterThan(0);
  });

  it('trains on a CSV with a label column, a validation split and a test file', async () => {
    const r = await run(
      'train',
      'train.csv',
      '--targets',
      'label',
      '--hidden',
      '8',
      '--epochs',
      '20',
      '--validation',
      '0.25',
      '--test',
      'test.csv',
      '--lr',
      '0.05',
      '--export',
      'cls.json',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('loss cross-entropy');
    expect(r.stdout).toMatch(/\ntrain\s+30\s+\S+\s+\d+\.\d%\n/);
    expect(r.stdout).toMatch(/\nvalidation\s+10\s+\S+\s+\d+\.\d%\n/);
    expect(r.stdout).toMatch(/\ntest\s+10\s+\S+\s+\d+\.\d%\n/);
    const w = parseWeights(await read('cls.json'));
    expect(w.model.layers[1]).toEqual({ units: 2, activation: 'softmax' });
    expect(w.dataset?.targets).toEqual(['neg', 'pos']);
    // Inputs of a file are standardised by default, fitted on the training rows, and recorded.
    expect(w.preprocessing).toMatchObject({ version: 1, inputs: { method: 'standardize', names: ['x1', 'x2'] } });
  });

  it('continues from a weights file: same model, same parameters, same preprocessing', async () => {
    // A learning rate of 1e-300 leaves the parameters as they were: the loss on the same rows must
    // be the one the first run recorded, which also needs the recorded standardisation applied.
    const first = parseWeights(await read('cls.json'));
    const r = await run(
      'train',
      'train.csv',
      '--targets',
      'label',
      '--init-from',
      'cls.json',
      '--validation',
      '0.25',
      '--optimizer',
      'sgd',
      '--lr',
      '1e-300',
      '--steps',
      '1',
      '--export',
      'cont.json',
    );
    expect(r.code, r.stderr).toBe(0);
    const cont = parseWeights(await read('cont.json'));
    expect(cont.model).toEqual(first.model);
    expect(cont.preprocessing).toEqual(first.preprocessing);
    expect(cont.training?.['initializedFrom']).toBe('cls.json');
    expect(cont.training?.finalLoss).toBeCloseTo(first.training!.finalLoss!, 12);
    expect(Array.from(cont.parameters.W[0]!.data)).toEqual(Array.from(first.parameters.W[0]!.data));
  });

  it('stops with exit 1 when training diverges', async () => {
    const r = await run(
      'train',
      'plane',
      '--hidden',
      '8',
      '--optimizer',
      'sgd',
      '--lr',
      '1e6',
      '--epochs',
      '50',
      '--export',
      'never.json',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^step .*\n|^/);
    expect(r.stderr).toMatch(/backprop-lens: error: the loss became (NaN|Infinity) at step \d+: training diverged/);
    expect(await readdir(t.dir)).not.toContain('never.json');
  });

  it("--export - writes the weights to standard output and the summary to standard error (no file named '-')", async () => {
    const r = await run('train', 'xsin', '--hidden', '3', '--steps', '5', '--seed', '1', '--quiet', '--export', '-');
    expect(r.code, r.stderr).toBe(0);
    const w = parseWeights(r.stdout);
    expect(w.model.layers.map((l) => l.units)).toEqual([3, 1]);
    expect(w.training).toMatchObject({ steps: 5 });
    expect(r.stderr).toMatch(/^trained 5 steps/);
    expect(r.stderr).toContain('wrote the weights to standard output');
    expect(await readdir(t.dir)).not.toContain('-');
  });

  it('stops cleanly when interrupted, still reporting and exporting', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runCli(['train', 'xsin', '--hidden', '4', '--steps', '1000', '--export', 'partial.json'], t.dir, {
      signal: controller.signal,
    });
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/^interrupted after 0 steps/);
    expect(parseWeights(await read('partial.json')).training?.steps).toBe(0);
  });

  it('draws a progress bar on a terminal and nothing with --quiet', async () => {
    const tty = await runCli(['train', 'xsin', '--hidden', '4', '--steps', '5'], t.dir, { tty: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toContain('train |');
    expect(tty.stderr).toContain('step 5/5');
    const quiet = await run('train', 'xsin', '--hidden', '4', '--steps', '5', '--quiet');
    expect(quiet.stderr).toBe('');
  });
});

describe('info', () => {
  it('describes a weights file', async () => {
    const r = await run('info', 'xs.json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('xs.json: weights file (backprop-lens/weights, version 1)');
    expect(r.stdout).toContain('model: 1 → 2×[5 tanh] → 1 identity; loss sse; 46 parameters');
    expect(r.stdout).toMatch(
      /training: 30 steps, 30 epochs, adam, lr 0\.001, batch full, seed 3, final loss \S+, test rel\. L2 error \S+/,
    );
  });

  it('recognises our files whatever the order of their keys', async () => {
    const d = JSON.parse(await read('xs.json')) as Record<string, unknown>;
    const { format, version, ...rest } = d;
    await t.write('reordered.json', JSON.stringify({ ...rest, pad: 'x'.repeat(5000), version, format }));
    const r = await run('info', 'reordered.json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('reordered.json: weights file');
  });

  it('describes batch and gradients files', async () => {
    const b = await run('info', 'batch.json');
    expect(b.stdout).toContain('3 samples; X is 3×2, Y is 3×1');
    const g = await run('info', 'g.json');
    expect(g.stdout).toMatch(/computed by cpu-f64 on 3 samples; loss \S+/);
    expect(g.stdout).toMatch(/\n1\s+3→1\s/);
  });

  it('describes a dataset file and a built-in', async () => {
    const d = await run('info', 'train.csv');
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toContain('train.csv: dataset (classification), 40 samples, 2 features, 2 target columns');
    expect(d.stdout).toMatch(/\nneg\s+\d+\n/);
    const s = await run('info', 'spiral');
    expect(s.stdout).toContain('spiral: built-in dataset "Spiral" (classification)');
    expect(s.stdout).toMatch(/\nclasses\s+2\s/);
  });

  it('reads back the batch file format it documents', async () => {
    expect(parseBatch(await read('batch.json')).X).toEqual(
      fromRows([
        [0.5, -1],
        [0.1, 0.2],
        [-0.3, 0.9],
      ]),
    );
  });
});

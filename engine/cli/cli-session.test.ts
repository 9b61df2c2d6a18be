import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGradients } from '../io/gradients-file.js';
import { parseWeights } from '../io/weights-file.js';
import { readWeightsAnyFormat } from '../io/interop/node-weight-files.js';
import { runCli, tempDir } from './test-harness.js';

let t: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  t = await tempDir();
});
afterAll(() => t.cleanup());

const run = (...args: string[]) => runCli(args, t.dir);
const COMMON = [
  'spiral',
  '--param',
  'n=60',
  '--hidden',
  '6',
  '--batch',
  '16',
  '--validation',
  '0.2',
  '--normalize',
  'standardize',
  '--seed',
  '5',
];

async function params(file: string): Promise<number[][]> {
  const w = parseWeights(await readFile(join(t.dir, file), 'utf8'));
  return [...w.parameters.W, ...w.parameters.b].map((m) => Array.from(m.data));
}

describe('train --save-session / --resume', () => {
  for (const backend of ['cpu', 'cpu32']) {
    it(`resuming gives the weights of one uninterrupted run, bit for bit (${backend})`, async () => {
      const b = ['--backend', backend, '--quiet'];
      let r = await run('train', ...COMMON, ...b, '--steps', '25', '--export', `straight-${backend}.json`);
      expect(r.code, r.stderr).toBe(0);
      r = await run('train', ...COMMON, ...b, '--steps', '9', '--save-session', `part-${backend}.bplens`);
      expect(r.code, r.stderr).toBe(0);
      r = await run(
        'train',
        '--resume',
        `part-${backend}.bplens`,
        '--steps',
        '16',
        ...b,
        '--export',
        `resumed-${backend}.json`,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`resumed part-${backend}.bplens at step 9; trained 16 steps`);
      expect(await params(`resumed-${backend}.json`)).toEqual(await params(`straight-${backend}.json`));
    });
  }

  it('a resumed run reports and exports what an uninterrupted run of the same length does', async () => {
    let r = await run('train', ...COMMON, '--quiet', '--steps', '20', '--json', '--export', 'whole.json');
    expect(r.code, r.stderr).toBe(0);
    const whole = JSON.parse(r.stdout) as { metrics: object; steps: number; epochs: number };
    r = await run('train', ...COMMON, '--quiet', '--steps', '8', '--save-session', 'half.bplens');
    expect(r.code, r.stderr).toBe(0);
    r = await run('train', '--resume', 'half.bplens', '--steps', '12', '--quiet', '--json', '--export', 'rest.json');
    expect(r.code, r.stderr).toBe(0);
    const rest = JSON.parse(r.stdout) as typeof whole & { resumedFrom: string; fromStep: number };
    // A session file holds no test set: the training and validation rows are measured.
    expect({ ...rest.metrics, test: null }).toEqual({ ...whole.metrics, test: null });
    expect([rest.steps, rest.epochs, rest.resumedFrom, rest.fromStep]).toEqual([whole.steps, whole.epochs, 'half.bplens', 8]);
    const a = parseWeights(await readFile(join(t.dir, 'whole.json'), 'utf8')).training as Record<string, unknown>;
    const b = parseWeights(await readFile(join(t.dir, 'rest.json'), 'utf8')).training as Record<string, unknown>;
    for (const k of ['finalLoss', 'finalValidationLoss', 'steps', 'epochs']) expect(b[k], k).toBe(a[k]);
    expect(b['resumedFrom']).toBe('half.bplens');
    // The text report has the same table of sets.
    r = await run('train', '--resume', 'half.bplens', '--steps', '12', '--quiet');
    expect(r.stdout).toMatch(/resumed half\.bplens at step 8/);
    expect(r.stdout).toMatch(/^train +\d+ +[\d.]+/m);
    expect(r.stdout).toMatch(/^validation +\d+/m);
  });

  it('resume refuses a dataset or training flags, and needs --steps', async () => {
    await run('train', ...COMMON, '--steps', '3', '--quiet', '--save-session', 'flags.bplens');
    let r = await run('train', 'spiral', '--resume', 'flags.bplens', '--steps', '2');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('drop the DATASET argument');
    r = await run('train', '--resume', 'flags.bplens', '--steps', '2', '--lr', '0.1');
    expect(r.stderr).toContain('drop --lr');
    r = await run('train', '--resume', 'flags.bplens');
    expect(r.stderr).toContain('--resume needs --steps');
    r = await run('train', '--resume', 'missing.bplens', '--steps', '2');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('backprop-lens: error: missing.bplens: cannot read: no such file\n');
  });
});

describe('session info / export', () => {
  it('info describes the file; export writes the gradients of a kept step', async () => {
    let r = await run('train', ...COMMON, '--steps', '4', '--quiet', '--save-session', 's.bplens');
    expect(r.code, r.stderr).toBe(0);
    r = await run('session', 'info', 's.bplens');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('s.bplens: Backprop Lens session (version 1)');
    expect(r.stdout).toContain('position: step 4, epoch 1');
    expect(r.stdout).toMatch(/dataset: spiral, 60 samples × 2 → 2, embedded, sha256 [0-9a-f]{64}/);

    // Step 5 is the next step: the saved state and step 5's batch (16 rows).
    r = await run('session', 'export', 's.bplens', '--step', '5', '--out', 'g5.json');
    expect(r.code, r.stderr).toBe(0);
    const g = parseGradients(await readFile(join(t.dir, 'g5.json'), 'utf8'));
    expect(g.layers[0]!.A.rows).toBe(16);
    // Training one more step from the same file reproduces what the gradients predict: the loss of
    // the step equals the gradients file's loss.
    r = await run('train', '--resume', 's.bplens', '--steps', '1', '--json');
    expect(JSON.parse(r.stdout).lastStepLoss).toBe(g.loss);

    // The minimal repro of step 5 holds just that batch and gives the same gradients file.
    r = await run('session', 'repro', 's.bplens', '--step', '5', '--out', 'r5.bplens');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('16 samples; wrote r5.bplens');
    r = await run('session', 'export', 'r5.bplens', '--step', '5', '--out', 'r5.json');
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(t.dir, 'r5.json'), 'utf8')).toBe(await readFile(join(t.dir, 'g5.json'), 'utf8'));

    // The run's history is kept (by default its last 100 steps): every step can be exported.
    r = await run('session', 'export', 's.bplens', '--step', '2', '--out', 'g2.json');
    expect(r.code, r.stderr).toBe(0);
    r = await run('session', 'frobnicate', 's.bplens');
    expect(r.code).toBe(2);
  });

  it('--keep-steps N keeps the last N steps for export and repro; the error names the kept steps', async () => {
    let r = await run('train', ...COMMON, '--steps', '30', '--quiet', '--save-session', 'k.bplens', '--keep-steps', '10');
    expect(r.code, r.stderr).toBe(0);
    r = await run('session', 'info', 'k.bplens');
    expect(r.stdout).toContain('history: 10 steps kept');
    for (const step of ['21', '25', '31']) {
      r = await run('session', 'export', 'k.bplens', '--step', step, '--out', `k${step}.json`);
      expect(r.code, `${step}: ${r.stderr}`).toBe(0);
    }
    r = await run('session', 'repro', 'k.bplens', '--step', '22', '--out', 'k22.bplens');
    expect(r.code, r.stderr).toBe(0);
    r = await run('session', 'export', 'k.bplens', '--step', '20', '--out', 'k20.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('steps that can be: 21…31');
    r = await run('session', 'repro', 'k.bplens', '--step', '20', '--out', 'k20.bplens');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('21…31');
    // Resuming keeps the history going: the resumed run's last 10 steps.
    r = await run('train', '--resume', 'k.bplens', '--steps', '5', '--quiet', '--save-session', 'k2.bplens', '--keep-steps', '10');
    expect(r.code, r.stderr).toBe(0);
    r = await run('session', 'export', 'k2.bplens', '--step', '20', '--out', 'k2-20.json');
    expect(r.stderr).toContain('steps that can be: 26…36');
    r = await run('train', ...COMMON, '--steps', '3', '--quiet', '--save-session', 'k0.bplens', '--keep-steps', '0');
    expect(r.code, r.stderr).toBe(0);
    r = await run('session', 'export', 'k0.bplens', '--step', '3', '--out', 'k0.json');
    expect(r.stderr).toContain('steps that can be: 4');
    r = await run('train', ...COMMON, '--steps', '3', '--keep-steps', '5');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--keep-steps goes with --save-session');
  });

  it('a damaged session file is one clear line naming the entry', async () => {
    await run('train', ...COMMON, '--steps', '2', '--quiet', '--save-session', 'd.bplens');
    const bytes = await readFile(join(t.dir, 'd.bplens'));
    await t.write('cut.bplens', '');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(t.dir, 'cut.bplens'), bytes.subarray(0, bytes.length - 100));
    const r = await run('session', 'info', 'cut.bplens');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^backprop-lens: error: cut\.bplens: /);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });
});

describe('convert and train --export by extension', () => {
  it('train exports .safetensors/.onnx/.npz; convert goes between all formats', async () => {
    for (const ext of ['npz', 'safetensors', 'onnx']) {
      const r = await run('train', 'xsin', '--hidden', '5', '--steps', '5', '--quiet', '--export', `x.${ext}`);
      expect(r.code, r.stderr).toBe(0);
      expect((await readWeightsAnyFormat(join(t.dir, `x.${ext}`))).weights.model.layers[0]!.units).toBe(5);
    }
    let r = await run('convert', 'x.npz', 'x2.safetensors');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('nn.Sequential(nn.Linear(1, 5), nn.Tanh(), nn.Linear(5, 1)).double()');
    r = await run('convert', 'x2.safetensors', 'x2.json');
    expect(r.code, r.stderr).toBe(0);
    const a = (await readWeightsAnyFormat(join(t.dir, 'x.npz'))).weights;
    const b = parseWeights(await readFile(join(t.dir, 'x2.json'), 'utf8'));
    expect(Array.from(b.parameters.W[1]!.data)).toEqual(Array.from(a.parameters.W[1]!.data));
    r = await run('convert', 'x2.json', 'x.pt');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('save_file');
  });
});

describe('info on session and weight files', () => {
  it('describes a .bplens and a .safetensors', async () => {
    await run('train', ...COMMON, '--steps', '2', '--quiet', '--save-session', 'i.bplens', '--export', 'i.safetensors');
    let r = await run('info', 'i.bplens');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('i.bplens: Backprop Lens session (version 1)');
    r = await run('info', 'i.safetensors');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('i.safetensors: weights (safetensors)');
    expect(r.stdout).toContain('model: 2 → 6 tanh → 2 softmax; loss cross-entropy');
  });
});

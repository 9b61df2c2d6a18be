/**
 * Every diagnosis planted in a small hand-written numpy MLP (examples/compare/planted), in the
 * rows and the columns layouts, run through the CLI: exactly that code at the right layer and
 * quantity; the right implementation in float64 → match, in float32 → rounding; bad inputs →
 * exit 2 with one clear line. One python process writes every variant.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/test-harness.js';
import type { CompareReport, DiagnosisCode, QuantityKind } from './types.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const planted = join(root, 'examples/compare/planted');
const weights = join(planted, 'weights.json');
const batch = join(planted, 'batch.json');
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bpl-compare-'));
  const r = spawnSync('/usr/bin/python3', [join(planted, 'planted_bugs.py'), weights, batch, dir], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) {
    throw new Error(`planted_bugs.py failed (needs Debian's python3-numpy: apt-get install python3-numpy): ${r.stderr || r.error?.message}`);
  }
}, 60_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function compare(mine: string, ...extra: string[]): Promise<{ code: number; report: CompareReport | null; stdout: string; stderr: string }> {
  const reportPath = join(dir, `${mine.replace(/[^\w.-]/g, '_')}.report.json`);
  const r = await runCli(['compare', '-w', weights, '-d', batch, '--mine', join(dir, mine), '--report', reportPath, ...extra], dir);
  const report = r.code === 2 ? null : (JSON.parse(await readFile(reportPath, 'utf8')) as CompareReport);
  return { ...r, report };
}

// Where each planted bug sits in this 3 → 4 relu → 4 tanh → 2 identity net (FORMATS' 0-based layers).
const EXPECTED: readonly [DiagnosisCode, number, QuantityKind, number?][] = [
  ['dW-uses-H', 2, 'dW'],
  ['derivative-at-A', 1, 'G'],
  ['wrong-derivative', 1, 'G'],
  ['missing-derivative', 1, 'G'],
  ['relu-at-zero', 0, 'G'],
  ['sign', 2, 'G'],
  ['scale', 2, 'G', 0.5],
  ['transposed', 1, 'dW'],
  ['wrong-weights', 0, 'G'],
  ['db-axis', 0, 'db'],
  ['forward-activation', 2, 'A'],
  ['unknown', 0, 'dW'],
];

describe.each(['rows', 'columns'] as const)('planted bugs in the %s layout', (layout) => {
  const cases = EXPECTED.flatMap(([code, layer, quantity, factor]) =>
    (['', '-f32'] as const).map((suffix) => [`${code}${suffix}`, code, layer, quantity, factor] as const),
  );
  it.each(cases)('%s → exactly %s at layer %i, %s', async (file, code, layer, quantity, factor) => {
    const r = await compare(`${layout}-${file}.npz`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = r.report!;
    expect(report.verdict).toBe('diverges');
    expect(report.layout.name).toBe(layout);
    expect(report.firstError).toEqual({ layer, quantity });
    expect(report.diagnoses.map((d) => [d.code, d.layer, d.quantity])).toEqual([[code, layer, quantity]]);
    if (factor !== undefined) expect(report.diagnoses[0]!.factor).toBe(factor);
    expect(r.stdout).toContain(`diagnosis ${code}`);
  });

  it('the right implementation in float64 → match, exit 0', async () => {
    const r = await compare(`${layout}-correct.npz`);
    expect(r.code).toBe(0);
    expect(r.report!.verdict).toBe('match');
    expect(r.report!.quantities.every((q) => q.status === 'ok')).toBe(true);
  });

  it('the right implementation in float32 → rounding, with the error against the float32 bound', async () => {
    const r = await compare(`${layout}-correct-f32.npz`);
    expect(r.code).toBe(0);
    const report = r.report!;
    expect(report.verdict).toBe('rounding');
    expect(report.rounding!.worstLocalRatio).toBeLessThanOrEqual(1);
    expect(report.rounding!.worstGradientSigmas).toBeLessThanOrEqual(report.rounding!.allowedSigmas);
    expect(report.rounding!.worstGradientSigmas).toBeGreaterThan(0);
    expect(r.stdout).toContain('float32 rounding');
  });
});

describe('other containers and partial sets', () => {
  it('reads a folder of .npy files, and a .safetensors in the columns layout', async () => {
    expect((await compare('rows-npy')).report!.verdict).toBe('match');
    expect((await compare('rows-npy-f32')).report!.verdict).toBe('rounding');
    expect((await compare('columns.safetensors')).report!.verdict).toBe('match');
    expect((await compare('columns-f32.safetensors')).report!.verdict).toBe('rounding');
  });

  it('lists the arrays that were not given and compares the rest', async () => {
    const r = await compare('rows-partial.npz');
    expect(r.code).toBe(0);
    expect(r.report!.missing).toContain('H0');
    expect(r.report!.quantities.find((q) => q.name === 'G1')!.status).toBe('ok');
  });

  it('--layout and --base override detection (and a wrong one is visible in the result)', async () => {
    const r = await compare('columns-correct.npz', '--layout', 'columns', '--base', '1');
    expect(r.report!.layout.orientationFrom).toBe('flag');
    expect(r.report!.verdict).toBe('match');
    const wrong = await compare('rows-correct.npz', '--base', '1');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/H0: there is no layer 0 in this model \(3 layer\(s\), numbered 1…3 in your names\)/);
  });
});

describe('unusable input: exit 2, one clear line, no stack trace', () => {
  it.each([
    ['bad-shape.npz', /dW0: shape \(5, 4\), expected \(3, 4\)/],
    ['bad-nan.npz', /G1\.npy: value NaN at index \[2, 1\]/],
    ['bad-not-a-zip.npz', /bad-not-a-zip\.npz: not an \.npz file: it is not a zip archive/],
    ['bad-bomb.npz', /bad-bomb\.npz: dW0\.npy: expands to \d+ bytes, over the \d+-byte limit/],
    ['bad-pickled.npy', /bad-pickled\.npy: dtype '\|O' is not supported/],
    ['bad-truncated', /dW0\.npy: data is cut short/],
    ['bad-unknown-name.npz', /unknown array name "foo"/],
    ['bad-empty.npz', /no arrays to compare/],
    ['no-such-file.npz', /no-such-file\.npz: cannot read: no such file/],
  ])('%s', async (file, message) => {
    const r = await compare(file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('examples/compare: the first tutorial network with its original bug', () => {
  it('names dW-uses-H at every layer ≥ 1, the first at the last layer (backward order), and nothing else', async () => {
    const example = join(root, 'examples');
    const r = await runCli(
      ['compare', '-w', join(example, 'xsin4pix/weights.json'), '-d', join(example, 'xsin4pix/batch.json'), '--mine', join(example, 'compare/xsin4pix-mine.npz')],
      root,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('first wrong equation: ∂L/∂W_10 = A_10ᵀ G_10');
    const saved = JSON.parse(await readFile(join(example, 'compare/xsin4pix-report.json'), 'utf8')) as CompareReport;
    expect(saved.firstError).toEqual({ layer: 10, quantity: 'dW' });
    expect(saved.diagnoses.map((d) => `${d.code}@${d.layer}`)).toEqual(
      [10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((l) => `dW-uses-H@${l}`),
    );
    expect(saved.quantities.filter((q) => q.status !== 'ok').map((q) => q.name)).toEqual(
      [10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((l) => `dW${l}`),
    );
  });
});

describe('the real executable', () => {
  it('exits 1 on a diverging set and 2 on an unusable one, with no stack trace', () => {
    const run = (mine: string) =>
      spawnSync(process.execPath, ['bin/backprop-lens.js', 'compare', '-w', weights, '-d', batch, '--mine', join(dir, mine)], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      });
    const diverges = run('rows-sign.npz');
    expect(diverges.status).toBe(1);
    expect(diverges.stdout).toContain('diagnosis sign at layer 2, G');
    const unusable = run('bad-pickled.npy');
    expect(unusable.status).toBe(2);
    expect(unusable.stderr).toMatch(/^backprop-lens compare: .*bad-pickled\.npy: dtype '\|O' is not supported.*\n$/);
  }, 60_000);
});

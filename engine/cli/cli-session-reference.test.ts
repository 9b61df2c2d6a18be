import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWeights } from '../io/weights-file.js';
import { readSessionManifest } from '../session-file/index.js';
import { runCli, tempDir } from './test-harness.js';

let t: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  t = await tempDir();
});
afterAll(() => t.cleanup());

const run = (...args: string[]) => runCli(args, t.dir);

/** A small classification CSV with a header and string labels (read with --targets label). */
function csv(n: number): string {
  const rows = ['x1,x2,label'];
  for (let i = 0; i < n; i++) {
    const x = Math.sin(i * 1.3);
    const y = Math.cos(i * 0.7);
    rows.push(`${x.toFixed(4)},${y.toFixed(4)},${x * y > 0 ? 'same' : 'other'}`);
  }
  return `${rows.join('\n')}\n`;
}

const TRAIN = ['--targets', 'label', '--hidden', '4', '--batch', '8', '--seed', '3', '--quiet'];

async function params(file: string): Promise<number[][]> {
  const w = parseWeights(await readFile(join(t.dir, file), 'utf8'));
  return [...w.parameters.W, ...w.parameters.b].map((m) => Array.from(m.data));
}

describe('train --save-session --reference-data', () => {
  it('refers to the data file by relative path, size and hash; resume finds it, checks it and continues exactly', async () => {
    await mkdir(join(t.dir, 'proj', 'data'), { recursive: true });
    await mkdir(join(t.dir, 'proj', 'sessions'), { recursive: true });
    await writeFile(join(t.dir, 'proj', 'data', 'pts.csv'), csv(40));
    let r = await run('train', 'proj/data/pts.csv', ...TRAIN, '--steps', '10', '--export', 'straight.json');
    expect(r.code, r.stderr).toBe(0);
    r = await run(
      'train',
      'proj/data/pts.csv',
      ...TRAIN,
      '--steps',
      '6',
      '--save-session',
      'proj/sessions/ref.bplens',
      '--reference-data',
    );
    expect(r.code, r.stderr).toBe(0);
    const m = readSessionManifest(await readFile(join(t.dir, 'proj', 'sessions', 'ref.bplens')));
    expect(m.dataset!.embedded).toBeUndefined();
    expect(Object.keys(m.blobs)).not.toContain('dataset.safetensors');
    expect(m.dataset!.file).toMatchObject({
      path: '../data/pts.csv',
      bytes: csv(40).length,
      read: { targets: ['label'] },
    });
    expect(m.dataset!.file!.sha256).toMatch(/^[0-9a-f]{64}$/);
    r = await run('session', 'info', 'proj/sessions/ref.bplens');
    expect(r.stdout).toContain('referenced: ../data/pts.csv');

    // Moved together, the relative path still finds the data.
    await rename(join(t.dir, 'proj'), join(t.dir, 'moved'));
    r = await run('train', '--resume', 'moved/sessions/ref.bplens', '--steps', '4', '--export', 'resumed.json');
    expect(r.code, r.stderr).toBe(0);
    expect(await params('resumed.json')).toEqual(await params('straight.json'));

    // session export / repro read the referenced data too.
    r = await run('session', 'export', 'moved/sessions/ref.bplens', '--step', '7', '--out', 'g7.json');
    expect(r.code, r.stderr).toBe(0);
    r = await run('session', 'repro', 'moved/sessions/ref.bplens', '--step', '7', '--out', 'r7.bplens');
    expect(r.code, r.stderr).toBe(0);

    // Re-saving a resumed session keeps referring to the data.
    r = await run('train', '--resume', 'moved/sessions/ref.bplens', '--steps', '1', '--save-session', 'again.bplens');
    expect(r.code, r.stderr).toBe(0);
    const again = readSessionManifest(await readFile(join(t.dir, 'again.bplens')));
    expect(again.dataset!.file!.path).toBe('moved/data/pts.csv');
    expect(again.dataset!.file!.sha256).toBe(m.dataset!.file!.sha256);
  });

  it('a changed or missing data file is a clear error naming dataset.file, the paths and the hash; --data points at it', async () => {
    await mkdir(join(t.dir, 'two'), { recursive: true });
    await writeFile(join(t.dir, 'two', 'pts.csv'), csv(30));
    let r = await run(
      'train',
      'two/pts.csv',
      ...TRAIN,
      '--steps',
      '3',
      '--save-session',
      'two/s.bplens',
      '--reference-data',
    );
    expect(r.code, r.stderr).toBe(0);
    const sha = readSessionManifest(await readFile(join(t.dir, 'two', 's.bplens'))).dataset!.file!.sha256;

    await writeFile(join(t.dir, 'two', 'pts.csv'), csv(31));
    r = await run('train', '--resume', 'two/s.bplens', '--steps', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('two/s.bplens: manifest.json: dataset.file: the data file');
    expect(r.stderr).toContain(`has changed since the session was saved`);
    expect(r.stderr).toContain(`expected ${csv(30).length} bytes, SHA-256 ${sha}`);

    await rm(join(t.dir, 'two', 'pts.csv'));
    r = await run('train', '--resume', 'two/s.bplens', '--steps', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('dataset.file: the data file pts.csv is missing: looked for');
    expect(r.stderr).toContain(join(t.dir, 'two', 'pts.csv'));
    expect(r.stderr).toContain(`SHA-256 ${sha}`);

    // The user points at a copy of it elsewhere: same hash, so it opens.
    await writeFile(join(t.dir, 'copy.csv'), csv(30));
    r = await run('train', '--resume', 'two/s.bplens', '--steps', '1', '--data', 'copy.csv');
    expect(r.code, r.stderr).toBe(0);
    r = await run('train', '--resume', 'two/s.bplens', '--steps', '1', '--data', 'straight.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has changed since the session was saved');
  });

  it('refuses --reference-data without --save-session, with a built-in, and --data without --resume', async () => {
    let r = await run('train', 'spiral', '--steps', '2', '--reference-data');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--reference-data goes with --save-session FILE');
    r = await run('train', 'spiral', '--steps', '2', '--save-session', 'b.bplens', '--reference-data');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a built-in dataset has none');
    r = await run('train', 'spiral', '--steps', '2', '--data', 'x.csv');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--data goes with --resume');
  });
});

describe('train --resume on another backend', () => {
  it('says that bit-exactness holds only on the backend that saved it, and still continues', async () => {
    let r = await run('train', 'xsin', '--hidden', '4', '--steps', '3', '--quiet', '--save-session', 'cpu.bplens');
    expect(r.code, r.stderr).toBe(0);
    r = await run('train', '--resume', 'cpu.bplens', '--steps', '2', '--backend', 'cpu32', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'note: cpu.bplens was saved on cpu-f64; continuing on cpu-f32 works, but bit-exactness with the original run holds only on the same backend',
    );
    expect(r.stdout).toContain('trained 2 steps on cpu-f32 to step 5');
    r = await run('train', '--resume', 'cpu.bplens', '--steps', '2', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('note:');
  });
});

describe('a session saved by the dashboard with the data referenced', () => {
  it('resumes in the CLI when its data file lies beside it; --data on a session that holds its data is refused', async () => {
    const { config, setup } = await import('../host/host-test-kit.js');
    const csvText = csv(24);
    const a = await setup();
    a.send({
      type: 'load-dataset',
      id: 1,
      source: {
        kind: 'file',
        fileName: 'pts.csv',
        bytes: new TextEncoder().encode(csvText),
        options: { targets: ['label'] },
      },
    });
    const model = {
      inputSize: 2,
      layers: [{ units: 2, activation: 'softmax' as const }],
      loss: 'cross-entropy' as const,
    };
    a.send({ type: 'configure', config: { ...config, model, batchSize: 6 } });
    a.send({ type: 'step', count: 4, id: 2 });
    await a.waitFor('state', (s) => s.replyTo === 2);
    a.send({ type: 'export', what: 'session', id: 3, embedData: false });
    const bytes = (await a.waitFor('export', (e) => e.replyTo === 3)).bytes!;
    await mkdir(join(t.dir, 'dash'), { recursive: true });
    await writeFile(join(t.dir, 'dash', 'run.bplens'), bytes);
    await writeFile(join(t.dir, 'dash', 'pts.csv'), csvText);
    let r = await run('train', '--resume', 'dash/run.bplens', '--steps', '3', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ fromStep: 4, steps: 7 });

    r = await run('train', 'xsin', '--hidden', '3', '--steps', '2', '--quiet', '--save-session', 'emb.bplens');
    expect(r.code, r.stderr).toBe(0);
    r = await run('train', '--resume', 'emb.bplens', '--steps', '1', '--data', 'dash/pts.csv');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--data is for a session that refers to its data file; emb.bplens holds its data');
  });
});

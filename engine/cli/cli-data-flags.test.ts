/** The data-reading flags of `info` and `train` (--task, --delimiter, --header, --skip-lines, --encoding, limits). */
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runCli, tempDir } from './test-harness.js';

let t: Awaited<ReturnType<typeof tempDir>>;
const run = (...args: string[]): Promise<CliRun> => runCli(args, t.dir);

beforeAll(async () => {
  t = await tempDir();
  const iris = ['150,4,setosa,versicolor,virginica'];
  for (let i = 0; i < 30; i++) iris.push(`${5 + (i % 7) / 10},${3 + (i % 5) / 10},${1 + (i % 3)},0.${i % 9},${i % 3}`);
  await t.write('iris.csv', `${iris.join('\n')}\n`);
  await t.write('spaces.csv', '1.5 2.5 3\n4.5 5.5 6\n7 8 9.5\n');
  await t.write('preamble.txt', 'Exported by a tool\n\nx;y\n1;2\n3;4\n');
  const labels = 'x,label\n1,café\n2,cafè\n3,café\n4,cafè\n';
  await writeFile(`${t.dir}/latin1.csv`, Uint8Array.from([...labels].map((c) => c.charCodeAt(0))));
  await t.write('escape.csv', 'x,\u001b[31mred\u001b[0m\n1,a\n2,b\n');
  await t.write('ints.csv', `x,y\n${Array.from({ length: 40 }, (_, i) => `${i},${i % 2}`).join('\n')}\n`);
});
afterAll(() => t.cleanup());

describe('info shows how a file was read', () => {
  it('a scikit-learn counts header: classification with its class names, and why', async () => {
    const r = await run('info', 'iris.csv');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('iris.csv: dataset (classification), 30 samples, 4 features, 3 target columns');
    expect(r.stdout).toContain(
      'scikit-learn counts header (150 rows, 4 features, classes setosa, versicolor, virginica)',
    );
    expect(r.stdout).toMatch(/task: classification, because the first line is a scikit-learn counts header/);
    expect(r.stdout).toMatch(/setosa\s+10/);
  });

  it('--task regression overrides the guess', async () => {
    const r = await run('info', 'ints.csv', '--task', 'regression');
    expect(r.stdout).toContain('dataset (regression)');
    expect(r.stdout).toContain('task: regression, because task "regression" was chosen');
    expect((await run('info', 'ints.csv')).stdout).toContain('dataset (classification)');
  });

  it('a space-separated .csv is sniffed and says so', async () => {
    const r = await run('info', 'spaces.csv');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('delimiter spaces');
    expect(r.stdout).toContain('2 features');
  });

  it('--skip-lines, --delimiter and --header', async () => {
    const r = await run('info', 'preamble.txt', '--skip-lines', '2', '--delimiter', ';', '--header', 'yes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('delimiter semicolon; header line; encoding utf-8; 2 lines skipped');
  });

  it('Latin-1 labels stay apart, with a notice; --encoding utf-8 refuses with the byte offset', async () => {
    const r = await run('info', 'latin1.csv');
    expect(r.stdout).toMatch(/notice: the file is not valid UTF-8 \(first at byte 13\)/);
    expect(r.stdout).toMatch(/café\s+2/);
    expect(r.stdout).toMatch(/cafè\s+2/);
    const strict = await run('info', 'latin1.csv', '--encoding', 'utf-8');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/latin1\.csv.*invalid UTF-8 at byte 13/);
  });

  it('escape codes from a file are printed as visible escapes', async () => {
    const r = await run('info', 'escape.csv');
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('\\x1b[31mred\\x1b[0m');
  });

  it.each([
    [['--task', 'cluster'], "--task must be one of auto, classification, regression; got 'cluster'"],
    [['--delimiter', 'x'], "--delimiter must be one of auto, ',', ';', '|', tab, space; got 'x'"],
    [['--header', 'maybe'], '--header must be one of auto, yes, no'],
    [['--skip-lines=-1'], '--skip-lines needs a non-negative integer'],
    [['--encoding', 'ebcdic'], '--encoding must be one of auto, utf-8, latin1, windows-1252'],
    [['--max-columns', '0'], '--max-columns needs a positive integer'],
  ])('a bad value: %j', async (flags, message) => {
    const r = await run('info', 'iris.csv', ...flags);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('a limit flag raises or lowers the limit', async () => {
    const r = await run('info', 'iris.csv', '--max-columns', '3');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/over the limit of 3 columns; raise maxColumns \(--max-columns\)/);
  });
});

describe('train takes the same flags', () => {
  it('trains on a counts-header file as classification', async () => {
    const r = await run('train', 'iris.csv', '--steps', '2', '--hidden', '4');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/accuracy/);
  });
  it('refuses a model that cannot fit, with the estimate, before allocating it', async () => {
    const r = await run('train', 'xsin', '--hidden', '20000,20000', '--steps', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^backprop-lens: error: model\.layers: too large: one matrix needs 2\.98 GiB.*400,080,001 parameters/,
    );
  });
  it('refuses reading flags for a built-in', async () => {
    const r = await run('train', 'xsin', '--skip-lines', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--skip-lines says how to read a data file; a built-in dataset has none');
  });
});

describe('special files and pipes', () => {
  it('info /dev/zero: refused as binary data in one line, without reading it all', async () => {
    const r = await run('info', '/dev/zero');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^backprop-lens: error: \/dev\/zero: binary data, not text/);
  });

  it('grad -w /dev/zero: a capped read, then a JSON error (not a crash)', async () => {
    const r = await run('grad', '-w', '/dev/zero', '-d', 'iris.csv');
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('info on a pipe reads it once and sniffs the format from the content', async () => {
    const { execFileSync } = await import('node:child_process');
    const fifo = `${t.dir}/pipe`;
    execFileSync('mkfifo', [fifo]);
    const writing = writeFile(fifo, 'x,y\n1,2\n3,4\n');
    const r = await run('info', 'pipe');
    await writing;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('pipe: dataset (regression), 2 samples');
  });
});

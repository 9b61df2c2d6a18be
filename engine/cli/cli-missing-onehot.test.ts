/** `--missing COL=HOW` and `--one-hot COLS`: tables with gaps and text columns from the command line. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runCli, tempDir } from './test-harness.js';

let t: Awaited<ReturnType<typeof tempDir>>;
const run = (...args: string[]): Promise<CliRun> => runCli(args, t.dir);

beforeAll(async () => {
  t = await tempDir();
  // JSON records as vega-datasets' cars.json writes them: nulls and a text column.
  const origins = ['USA', 'Japan', 'Europe'];
  const records = Array.from({ length: 30 }, (_, i) => ({
    Name: `car ${i}`,
    Horsepower: i % 7 === 3 ? null : 60 + 5 * i,
    Origin: origins[i % 3],
    Miles_per_Gallon: i % 11 === 5 ? null : 40 - i / 2,
  }));
  await t.write('cars.json', JSON.stringify(records));
});
afterAll(() => t.cleanup());

const COLUMNS = ['--targets', 'Miles_per_Gallon', '--features', 'Horsepower,Origin'];

describe('--missing and --one-hot', () => {
  it('without them the first gap is an error that names the flag', async () => {
    const out = await run('info', 'cars.json', ...COLUMNS);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      /field \[3\]\.Horsepower\): empty cell in feature column "Horsepower": .*--missing COL=HOW/,
    );
  });

  it('info shows what was dropped, filled and encoded; train trains on it', async () => {
    const flags = [
      ...COLUMNS,
      '--missing',
      'Horsepower=median',
      '--missing',
      'Miles_per_Gallon=drop',
      '--one-hot',
      'Origin',
    ];
    const info = await run('info', 'cars.json', ...flags);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toContain('27 samples, 4 features');
    expect(info.stdout).toMatch(
      /cleaning: 3 rows with missing values dropped; 4 missing cells of Horsepower filled with median \S+; Origin one-hot encoded \(Europe, Japan, USA\)/,
    );
    const train = await run('train', 'cars.json', ...flags, '--steps', '5', '-q', '--json');
    expect(train.code, train.stderr).toBe(0);
  });

  it('a fill constant is a number; a malformed spec is a usage error', async () => {
    const ok = await run(
      'info',
      'cars.json',
      ...COLUMNS,
      '--missing',
      'Horsepower=0',
      '--missing',
      'Miles_per_Gallon=drop',
      '--one-hot',
      'Origin',
    );
    expect(ok.stdout).toMatch(/4 missing cells of Horsepower filled with constant 0/);
    for (const bad of ['Horsepower', 'Horsepower=avg', '=drop']) {
      const out = await run('info', 'cars.json', ...COLUMNS, '--missing', bad);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(/--missing/);
    }
  });

  it('--test is encoded with the training file\'s categories; an unknown one is an error naming it', async () => {
    await t.write('tr.csv', 'x,color,y\n1,red,1\n2,green,2\n3,blue,3\n4,red,4\n5,green,5\n');
    await t.write('te.csv', 'x,color,y\n1.5,red,1.5\n2.5,green,2.5\n');
    await t.write('te-bad.csv', 'x,color,y\n1.5,red,1.5\n2.5,purple,2.5\n');
    const flags = ['--targets', 'y', '--one-hot', 'color', '--steps', '3', '-q', '--json'];
    const ok = await run('train', 'tr.csv', '--test', 'te.csv', ...flags);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).metrics.test.samples).toBe(2);
    const bad = await run('train', 'tr.csv', '--test', 'te-bad.csv', ...flags);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/te-bad\.csv, line 3.*"purple" is not one of the categories of "color" in the training data \(blue, green, red\)/);
  });
});

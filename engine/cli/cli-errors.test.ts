/**
 * Every way a command line can be wrong gets one clear line on stderr and exit code 2; every
 * way a file or a run can fail gets one line and exit code 1; never a stack trace (without --debug).
 */
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeBatch } from '../io/batch-file.js';
import { serializeWeights } from '../io/weights-file.js';
import { fromRows } from '../core/matrix.js';
import { tinyBatch, tinyWeights } from '../io/test-fixtures.js';
import { type CliRun, runCli, tempDir } from './test-harness.js';

let t: Awaited<ReturnType<typeof tempDir>>;
const run = (...args: string[]): Promise<CliRun> => runCli(args, t.dir);

beforeAll(async () => {
  t = await tempDir();
  await t.write('w.json', serializeWeights(tinyWeights()));
  await t.write('batch.json', serializeBatch(tinyBatch()));
  await t.write('wide-batch.json', serializeBatch({ X: fromRows([[1, 2, 3]]), Y: fromRows([[1]]) }));
  await t.write('two-out-batch.json', serializeBatch({ X: fromRows([[1, 2]]), Y: fromRows([[1, 2]]) }));
  await t.write('bad.json', '{\n  "format": "backprop-lens/weights",\n  "version": 1,\n  "model": {,}\n}\n');
  await t.write('data.csv', 'x1,x2,y\n1,2,3\n4,5,6\n');
  await t.write('bad.csv', 'x1,x2,y\n1,2,3\n4,abc,6\n');
  await mkdir(`${t.dir}/folder`);
});
afterAll(() => t.cleanup());

/** A user mistake: exit `code`, exactly one `backprop-lens:` line (plus the usage hint for code 2), no stack. */
function expectOneLine(r: CliRun, code: number, pattern: RegExp | string): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(
    typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern,
  );
  expect(lines.length).toBe(code === 2 ? 2 : 1);
  if (code === 2) expect(lines[1]).toMatch(/^Run 'backprop-lens .*--help' for usage\.$/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
}

describe('global usage errors (exit 2)', () => {
  it('no command prints the help on stderr', async () => {
    const r = await run();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: backprop-lens <command>');
  });
  it('unknown command suggests the closest', async () => {
    expectOneLine(await run('trian'), 2, "backprop-lens: unknown command 'trian' (did you mean 'train'?)");
  });
  it('an option before any command', async () => {
    expectOneLine(await run('--frobnicate'), 2, "unknown option '--frobnicate'");
  });
  it('help for an unknown command', async () => {
    expectOneLine(await run('help', 'nope'), 2, "unknown command 'nope'");
  });
});

describe('grad and gradcheck command lines (exit 2)', () => {
  it.each([
    [['grad', '--data', 'batch.json'], 'missing --weights FILE'],
    [['grad', '--weights', 'w.json'], 'missing --data FILE'],
    [['gradcheck', '--data', 'batch.json'], 'missing --weights FILE'],
    [
      ['grad', '-w', 'w.json', '-d', 'batch.json', '--wieghts', 'x'],
      "unknown option '--wieghts' for 'grad' (did you mean --weights?)",
    ],
    [['grad', '-w', 'w.json', '-d', 'batch.json', 'extra'], "'grad' takes no arguments, got 'extra'"],
    [['grad', '-w', 'w.json', '-d', 'batch.json', '--out'], '--out needs a value (FILE)'],
    [['grad', '-w', '', '-d', 'batch.json'], '--weights needs a value, got an empty string'],
    [['grad', '-w', 'w.json', '-w', 'w.json', '-d', 'batch.json'], '--weights is given more than once'],
    [
      ['grad', '-w', 'w.json', '-d', 'batch.json', '--backend', 'cuda'],
      "--backend must be one of cpu, cpu32, gpu; got 'cuda'",
    ],
    [['grad', '-w', 'w.json', '-d', 'batch.json', '--backend', 'cpu3'], '(did you mean cpu?)'],
    [['gradcheck', '-w', 'w.json', '-d', 'batch.json', '--tolerance', '0'], "--tolerance needs a number > 0, got '0'"],
    [
      ['gradcheck', '-w', 'w.json', '-d', 'batch.json', '--tolerance', 'tiny'],
      "--tolerance needs a number > 0, got 'tiny'",
    ],
    [['gradcheck', '-w', 'w.json', '-d', 'batch.json', '--sample', '0'], "--sample needs a positive integer, got '0'"],
    [
      ['gradcheck', '-w', 'w.json', '-d', 'batch.json', '--sample', '2.5'],
      "--sample needs a positive integer, got '2.5'",
    ],
    [
      ['gradcheck', '-w', 'w.json', '-d', 'batch.json', '--eps', '0x10'],
      "--eps needs a number > 0 and ≤ 1, got '0x10'",
    ],
    [
      ['gradcheck', '-w', 'w.json', '-d', 'batch.json', '--backend', 'cpu', '--gradients', 'g.json'],
      'give either --backend',
    ],
    [['gradcheck', '-w', 'w.json', '-d', 'batch.json', '--json=yes'], '--json does not take a value'],
    [['info'], 'info needs a FILE'],
    [['info', 'a', 'b'], "unexpected argument 'b'"],
  ])('%j', async (args, message) => {
    expectOneLine(await run(...args), 2, message);
  });
});

describe('train command lines (exit 2)', () => {
  it.each([
    [['train'], 'train needs a DATASET'],
    [['train', 'xsin', '--layers', '10,1', '--hidden', '10'], 'give either --layers'],
    [['train', 'xsin', '--layers', '10,3'], '--layers ends with 3 units but xsin has 1 target column'],
    [['train', 'xsin', '--layers', '10,,1'], "--layers: empty entry in '10,,1'"],
    [['train', 'xsin', '--hidden', '10xa'], "--hidden: '10xa' is not a positive whole number of units"],
    [['train', 'xsin', '--hidden', '0x10'], "--hidden: '0x10' asks for 0 layers"],
    [
      ['train', 'xsin', '--activation', 'tnah'],
      "--activation must be one of identity, tanh, sigmoid, relu; got 'tnah' (did you mean tanh?)",
    ],
    [['train', 'xsin', '--activation', 'softmax'], '--activation must be one of identity, tanh, sigmoid, relu'],
    [['train', 'xsin', '--loss', 'l1'], '--loss must be one of sse, mse, cross-entropy'],
    [['train', 'xsin', '--output-activation', 'softmax'], '--loss: a softmax output needs the cross-entropy loss'],
    [['train', 'xsin', '--loss', 'cross-entropy'], '--output-activation: cross-entropy needs a softmax output layer'],
    [['train', 'xsin', '--epochs', '3', '--steps', '3'], 'give either --epochs or --steps'],
    [['train', 'xsin', '--steps', '0'], "--steps needs a positive integer, got '0'"],
    [['train', 'xsin', '--lr=-1'], "--lr needs a number > 0, got '-1'"],
    [['train', 'xsin', '--lr', '-1'], "--lr needs a value; for one that starts with '-', write --lr=-…"],
    [['train', 'xsin', '--lr', 'fast'], "--lr needs a number > 0, got 'fast'"],
    [['train', 'xsin', '--batch', '0'], "--batch needs a positive integer, got '0'"],
    [['train', 'xsin', '--batch', 'half'], "--batch needs a positive integer, got 'half'"],
    [['train', 'xsin', '--validation', '1'], "--validation needs a number ≥ 0 and < 1, got '1'"],
    [['train', 'xsin', '--seed=-3'], "--seed needs a non-negative integer, got '-3'"],
    [['train', 'xsin', '--momentum', '0.9'], '--momentum applies to --optimizer sgd'],
    [['train', 'xsin', '--optimizer', 'sgd', '--momentum', '1'], "--momentum needs a number ≥ 0 and < 1, got '1'"],
    [['train', 'xsin', '--optimizer', 'rmsprop'], '--optimizer must be one of sgd, adam'],
    [['train', 'xsin', '--param', 'n'], '--param needs KEY=VALUE'],
    [['train', 'data.csv', '--param', 'n=3'], "--param sets a built-in dataset's parameters"],
    [['train', 'xsin', '--features', 'x'], '--features and --targets choose columns of a file'],
    [['train', 'xsin', '--normalize', 'zscore'], '--normalize must be one of standardize, min-max, none'],
    [['train', 'spiral', '--normalize-targets', 'standardize'], '--normalize-targets applies to regression only'],
    [['train', 'xsin', '--backend', 'tpu'], '--backend must be one of cpu, cpu32, gpu'],
    [['train', 'a', 'b'], "unexpected argument 'b'"],
    [
      ['train', 'xsin', '--init-from', 'w.json', '--hidden', '3', '--loss', 'mse'],
      '--init-from takes the model and its preprocessing from the weights file; drop --hidden, --loss',
    ],
  ])('%j', async (args, message) => {
    expectOneLine(await run(...args), 2, message);
  });
});

describe('failures (exit 1)', () => {
  it.each([
    [
      ['grad', '-w', 'missing.json', '-d', 'batch.json'],
      'backprop-lens: error: missing.json: cannot read: no such file',
    ],
    [['grad', '-w', 'folder', '-d', 'batch.json'], 'folder: cannot read: is a folder, not a file'],
    [['grad', '-w', 'bad.json', '-d', 'batch.json'], 'bad.json: invalid JSON: expected a value (line 4, column 13)'],
    [
      ['grad', '-w', 'batch.json', '-d', 'batch.json'],
      'batch.json: format: expected "backprop-lens/weights", got "backprop-lens/batch" (this is a batch file, not a weights file)',
    ],
    [
      ['grad', '-w', 'w.json', '-d', 'wide-batch.json'],
      'wide-batch.json: X: has 3 columns but model.inputSize in w.json is 2',
    ],
    [
      ['gradcheck', '-w', 'w.json', '-d', 'two-out-batch.json'],
      'two-out-batch.json: Y: has 2 columns but the output layer in w.json has 1 unit',
    ],
    [['grad', '-w', 'w.json', '-d', 'data.csv'], 'data.csv: invalid JSON'],
    [
      ['grad', '-w', 'w.json', '-d', 'w.json'],
      'w.json: format: expected "backprop-lens/batch", got "backprop-lens/weights"',
    ],
    [
      ['grad', '-w', 'w.json', '-d', 'batch.json', '--out', 'nowhere/g.json'],
      /nowhere\/g\.json: cannot write: the folder .*nowhere does not exist/,
    ],
    [
      ['gradcheck', '-w', 'w.json', '-d', 'batch.json', '--gradients', 'missing.json'],
      'missing.json: cannot read: no such file',
    ],
    [['train', 'nosuchset'], "'nosuchset' is neither a file nor a built-in dataset (built-ins: "],
    [['train', 'missing.csv'], 'missing.csv: cannot read: no such file'],
    [['train', 'bad.csv'], /bad\.csv.*line 3.*abc/],
    [['train', 'xsin', '--param', 'n=0'], 'n must be between 1 and 100000, got 0'],
    [['train', 'xsin', '--param', 'size=3'], '"xsin" has no parameter "size"'],
    [['train', 'xsin', '--export', 'nowhere/w.json'], '--export nowhere/w.json: the folder nowhere does not exist'],
    [
      ['train', 'xsin', '--init-from', 'w.json'],
      'xsin has 1 feature and 1 target column, the model in --init-from has inputSize 2 and 1 output',
    ],
    [['train', 'xsin', '--init-from', 'bad.json'], 'bad.json: invalid JSON'],
    [['info', 'missing.json'], /missing\.json/],
    [['info', 'bad.json'], 'bad.json: invalid JSON'],
    [['info', 'bad.csv'], /bad\.csv.*abc/],
  ])('%j', async (args, message) => {
    expectOneLine(await run(...(args as string[])), 1, message as string | RegExp);
  });

  it('a JSON dataset passed as --data says what a batch file is', async () => {
    await t.write('xy.json', '{"X": [[1, 2]], "Y": [[1]]}');
    const r = await run('grad', '-w', 'w.json', '-d', 'xy.json');
    expectOneLine(
      r,
      1,
      'xy.json: format: missing (expected "backprop-lens/batch": is this a Backprop Lens batch file?). --data takes a batch file',
    );
  });

  it('--debug adds the stack trace', async () => {
    const r = await run('grad', '-w', 'missing.json', '-d', 'batch.json', '--debug');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('an output that is one of the inputs (exit 2, the input untouched)', () => {
  it.each([
    [
      ['grad', '-w', 'w.json', '-d', 'batch.json', '--out', 'w.json'],
      '--out w.json is the same file as --weights w.json',
    ],
    [
      ['grad', '-w', 'w.json', '-d', 'batch.json', '--out', 'w-link.json'],
      '--out w-link.json is the same file as --weights w.json',
    ],
    [
      ['grad', '-w', 'w.json', '-d', 'batch.json', '-o', 'batch.json'],
      '--out batch.json is the same file as --data batch.json',
    ],
    [['train', 'data.csv', '--export', 'data.csv'], '--export data.csv is the same file as the dataset data.csv'],
    [
      ['train', 'xsin', '--init-from', 'w.json', '--export', 'w-link.json'],
      '--export w-link.json is the same file as --init-from w.json',
    ],
  ])('%j', async (args, message) => {
    const { symlink, readFile } = await import('node:fs/promises');
    await symlink('w.json', `${t.dir}/w-link.json`).catch(() => undefined);
    const before = await readFile(`${t.dir}/w.json`, 'utf8');
    expectOneLine(await run(...args), 2, message);
    expect(await readFile(`${t.dir}/w.json`, 'utf8')).toBe(before);
  });
});

/**
 * `backprop-lens compare`: diff a hand-written backprop against the float64 reference, find the
 * first equation that is wrong on the user's own inputs, and name the mistake (engine/compare).
 * Exit 0: match or rounding; 1: diverges; 2: the input cannot be used (one clear line).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ArrayFileError } from '../../io/arrays/index.js';
import { FormatError } from '../../io/format-error.js';
import { FileAccessError, writeFileAtomic } from '../../io/node-files.js';
import { DatasetError } from '../../data/errors.js';
import { ModelSpecError } from '../../model/spec.js';
import { ParameterError } from '../../train/init.js';
import { CompareInputError, compareArrays, formatCompareReport, parseMapOption, type NamedArray } from '../../compare/index.js';
import { readArraysFile, readOneNpy } from '../../compare/read-arrays.js';
import { type CommandSpec, choiceOption, parseCommandArgs, str } from '../args.js';
import type { CliIo } from '../cli-io.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from '../errors.js';
import { commandHelp } from '../help.js';
import { WEIGHTS_AND_BATCH_OPTIONS, loadWeightsAndBatch } from '../inputs.js';
import { displayPath, resolvePath } from '../paths.js';

export const compareSpec: CommandSpec = {
  name: 'compare',
  brief: "Diff your own backprop's arrays against the reference and name the first wrong equation.",
  summary:
    'Load the arrays your own implementation produced for a weights file and a batch (H, A, G, dW, db, dX, loss, output: any you have), recompute every quantity in float64, and report for each equation whether it is ok, wrong only because its inputs were (inherited), or wrong on your own inputs (a new error, with a diagnosis of the mistake: dW-uses-H, derivative-at-A, wrong-derivative, missing-derivative, relu-at-zero, sign, scale, transposed, wrong-weights, db-axis, forward-activation, or unknown).',
  usage: '--weights W.json --data BATCH.json --mine ARRAYS [--report REPORT.json] [--layout rows|columns|pytorch] [--base 0|1] [--map yours=ours,...]',
  maxPositionals: 0,
  options: [
    ...WEIGHTS_AND_BATCH_OPTIONS,
    {
      name: 'mine',
      short: 'm',
      type: 'string',
      value: 'ARRAYS',
      description: 'Your arrays: an .npz, a folder of .npy files, one .npy, a .safetensors, a gradients file or a JSON object of named arrays.',
      required: true,
    },
    { name: 'report', short: 'r', type: 'string', value: 'FILE', description: 'Also write the report as JSON (backprop-lens/compare-report).' },
    {
      name: 'layout',
      type: 'string',
      value: 'NAME',
      description: 'rows (FORMATS: sample per row, W in×out), columns (sample per column, W out×in, the course convention) or pytorch (sample per row, W out×in). Detected when not given.',
    },
    { name: 'base', type: 'string', value: '0|1', description: 'Number of your first layer (0 in rows, 1 in the course convention). Detected when not given.' },
    {
      name: 'map',
      type: 'string',
      value: 'LIST',
      description: 'Rename your arrays to ours, e.g. grad_w1=dW0,out=output (ours: H0 A1 G0 dW0 db0 W0 b0 output loss dX X Y, 0-based).',
    },
  ],
  notes: [
    'Exit status: 0 when your arrays match the float64 reference or differ only by float32 rounding, 1 when an equation is wrong, 2 when the input cannot be used.',
    'Missing arrays are fine: each is taken as its equation evaluated on your other arrays.',
  ],
  examples: [
    ['backprop-lens compare -w weights.json -d batch.json --mine mine.npz', 'find the first wrong equation in your arrays'],
    ['backprop-lens compare -w weights.json -d batch.json --mine arrays/ --layout columns --report report.json', 'a folder of .npy files in the course convention'],
  ],
};

export async function runCompare(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(compareSpec, argv);
  if (values['help']) {
    io.stdout.write(commandHelp(compareSpec));
    return EXIT_OK;
  }
  const layoutRaw = str(values, 'layout');
  const layout = layoutRaw === undefined ? undefined : choiceOption(layoutRaw, 'layout', 'compare', ['rows', 'columns', 'pytorch'] as const);
  const baseRaw = str(values, 'base');
  if (baseRaw !== undefined && baseRaw !== '0' && baseRaw !== '1') throw new UsageError(`--base must be 0 or 1, got '${baseRaw}'`, 'compare');
  try {
    const map = str(values, 'map') === undefined ? undefined : parseMapOption(str(values, 'map')!);
    const { weights, batch } = await loadWeightsAndBatch(io, str(values, 'weights')!, str(values, 'data')!);
    const arrays = await readMine(io, str(values, 'mine')!);
    const { report } = await compareArrays({
      model: weights.model,
      parameters: weights.parameters,
      X: batch.X,
      Y: batch.Y,
      arrays,
      options: {
        ...(layout !== undefined ? { layout } : {}),
        ...(baseRaw !== undefined ? { base: Number(baseRaw) as 0 | 1 } : {}),
        ...(map !== undefined ? { map } : {}),
      },
    });
    io.stdout.write(formatCompareReport(report));
    const out = str(values, 'report');
    if (out !== undefined) {
      await writeFileAtomic(resolvePath(io, out), `${JSON.stringify(report, null, 2)}\n`);
      io.stdout.write(`wrote ${displayPath(io, out)}\n`);
    }
    return report.verdict === 'diverges' ? EXIT_FAILURE : EXIT_OK;
  } catch (e) {
    if (isUnusableInput(e)) {
      io.stderr.write(`backprop-lens compare: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

function isUnusableInput(e: unknown): e is Error {
  return (
    e instanceof CompareInputError ||
    e instanceof ArrayFileError ||
    e instanceof FormatError ||
    e instanceof FileAccessError ||
    e instanceof DatasetError ||
    e instanceof ModelSpecError ||
    e instanceof ParameterError
  );
}

/** A file of any supported kind, or a folder of .npy files (one array per file, named after it). */
async function readMine(io: CliIo, arg: string): Promise<NamedArray[]> {
  const path = resolvePath(io, arg);
  const name = displayPath(io, arg);
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new FileAccessError(name, e.code ?? 'EUNKNOWN', e.code === 'ENOENT' ? 'cannot read: no such file or folder' : `cannot read: ${e.message}`);
  });
  if (info.isDirectory()) {
    const files = (await readdir(path)).filter((f) => /\.npy$/i.test(f)).sort();
    if (files.length === 0) throw new CompareInputError(`${name}: the folder holds no .npy files`);
    const out: NamedArray[] = [];
    for (const f of files) out.push(readOneNpy(await readFile(join(path, f)), join(name, f)));
    return out;
  }
  return readArraysFile(new Uint8Array(await readFile(path)), name);
}

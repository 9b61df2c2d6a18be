/** `backprop-lens info`: describe a weights, batch, gradients or dataset file (or a built-in dataset). */
import { open, stat } from 'node:fs/promises';
import { type Matrix, frobenius } from '../../core/matrix.js';
import { builtinInfo, builtinNames, generateBuiltin } from '../../data/registry.js';
import { createReadStream } from 'node:fs';
import { DatasetError } from '../../data/errors.js';
import { readArrayPairFiles, readDatasetFile, resolveIdxPair } from '../../data/node-files.js';
import { loadDataset, type LoadOptions } from '../../data/load.js';
import { checkByteLimit, concatBytes } from '../../data/parsers/input.js';
import { loadDatasetStream } from '../../data/stream.js';
import { resolveLimits } from '../../data/types.js';
import { FormatError } from '../../io/format-error.js';
import type { LabeledDataset, LoadInference } from '../../data/types.js';
import { type AnyFile, parseAnyFile } from '../../io/any-file.js';
import { readAnyFile, readTextFile } from '../../io/node-files.js';
import type { BatchFile } from '../../io/batch-file.js';
import type { GradientsFile } from '../../io/gradients-file.js';
import type { WeightsFile } from '../../io/weights-file.js';
import { FORMAT_IDS, claimedKind } from '../../io/envelope.js';
import { layerWidths, parameterCount } from '../../model/spec.js';
import { type CommandSpec, parseCommandArgs, str } from '../args.js';
import { DATA_FILE_OPTIONS, datasetReadOptions } from '../dataset-flags.js';
import type { CliIo } from '../cli-io.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { architecture, num, plural, printable, printableLines, table } from '../format.js';
import { commandHelp } from '../help.js';
import { displayPath, resolvePath } from '../paths.js';

export const infoSpec: CommandSpec = {
  name: 'info',
  brief: 'Describe a weights, batch, gradients or dataset file, or a built-in dataset.',
  summary:
    'Describe a file: a weights file (model, parameter norms, how it was trained), a batch or gradients file (shapes, norms), or a dataset file (CSV/TSV/text, JSON, .npy, IDX, gzipped or not). A built-in dataset name describes that dataset and its parameters.',
  usage: 'FILE | BUILTIN',
  positionals: [
    [
      'FILE',
      'the file to describe; a name that is not a file but a built-in dataset (e.g. xsin) describes the built-in',
    ],
  ],
  maxPositionals: 1,
  options: [
    {
      name: 'features',
      type: 'string',
      value: 'COLS',
      description: 'Feature columns of a data file, by name or 0-based index (default: all but the targets).',
    },
    {
      name: 'targets',
      type: 'string',
      value: 'COLS',
      description: 'Target column(s) of a data file (default: the last column).',
    },
    ...DATA_FILE_OPTIONS,
  ],
  examples: [
    ['backprop-lens info weights.json', 'what a weights file holds'],
    ['backprop-lens info data/iris.csv', 'columns, sizes and ranges of a dataset'],
    ['backprop-lens info spiral', 'a built-in dataset and its parameters'],
  ],
};

import { describeOtherFormat } from './info-formats.js';

export async function runInfo(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(infoSpec, argv);
  if (values['help']) {
    io.stdout.write(commandHelp(infoSpec));
    return EXIT_OK;
  }
  const target = positionals[0];
  if (target === undefined) throw new UsageError('info needs a FILE (or a built-in dataset name)', 'info');
  const path = resolvePath(io, target);
  const name = displayPath(io, target);
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (!exists && builtinNames().includes(target.trim().toLowerCase())) {
    io.stdout.write(describeBuiltin(target));
    return EXIT_OK;
  }
  const { labelsFile, ...read } = datasetReadOptions(values, 'info');
  // MNIST's IDX images + labels (a folder, the images file with its labels beside it, or --labels).
  const pair = await resolveIdxPair(path, labelsFile === undefined ? undefined : resolvePath(io, labelsFile));
  if (pair) {
    const ds = await readArrayPairFiles(pair.images, pair.labels, {
      name,
      fileName: name,
      ...(read.task ? { task: read.task } : {}),
      ...(read.limits ? { limits: read.limits } : {}),
    });
    const files = `images ${displayPath(io, pair.images)}, labels ${displayPath(io, pair.labels)}`;
    io.stdout.write(printableLines(`${describeDataset(name, ds)}IDX pair: ${files}\n`));
    return EXIT_OK;
  }
  // Session files and the binary weight formats have their own readers.
  if (exists && (await describeOtherFormat(path, name, io))) return EXIT_OK;
  const cols = (flag: string): { [k: string]: string[] } => {
    const v = str(values, flag);
    return v === undefined ? {} : { [flag]: v.split(',').map((c) => c.trim()) };
  };
  // Everything echoed from a file goes through printableLines: no escape codes reach the terminal.
  const options: LoadOptions = { fileName: name, ...read, ...cols('features'), ...cols('targets') };
  if (!(await isRegularFile(path))) {
    io.stdout.write(printableLines(await describeSpecialFile(path, name, options)));
    return EXIT_OK;
  }
  if (await claimsOurFormat(path)) {
    io.stdout.write(printableLines(describeOurFile(name, await readAnyFile(path, name))));
  } else {
    const ds = await readDatasetFile(path, options);
    io.stdout.write(printableLines(describeDataset(name, ds)));
  }
  return EXIT_OK;
}

/**
 * A pipe (`<(cat x.csv)`) can be read once and a device (/dev/zero) may never end: read it once,
 * deciding what it is from its first bytes. A JSON object is gathered (under the byte limit) to
 * see whether it is one of our files; anything else streams into the dataset loader, which
 * refuses binary data within its first 64 KiB.
 */
async function describeSpecialFile(path: string, name: string, options: LoadOptions): Promise<string> {
  const stream = createReadStream(path, { highWaterMark: 1 << 16 });
  try {
    const it = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    const first = await it.next();
    const head: Uint8Array = first.done ? new Uint8Array(0) : first.value;
    async function* all(): AsyncGenerator<Uint8Array> {
      yield head;
      if (first.done) return;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    }
    const startsJson = new TextDecoder()
      .decode(head.subarray(0, 64))
      .replace(/^\uFEFF/, '')
      .trimStart()
      .startsWith('{');
    if (!startsJson) return describeDataset(name, await loadDatasetStream(all(), null, options));
    const { maxBytes } = resolveLimits(options.limits);
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of all()) {
      size += chunk.length;
      checkByteLimit(size, { ...options, limits: { maxBytes } });
      parts.push(chunk);
    }
    const bytes = concatBytes(parts, size);
    const text = ourFormatText(bytes);
    return text !== null
      ? describeOurFile(
          name,
          withFileName(() => parseAnyFile(text), name),
        )
      : describeDataset(name, loadDataset(bytes, options));
  } catch (e) {
    throw e instanceof DatasetError ? e.withFile(name) : e;
  } finally {
    stream.destroy();
  }
}

const isRegularFile = (path: string): Promise<boolean> =>
  stat(path).then(
    (s) => s.isFile() || s.isDirectory(), // a folder gets the usual "is a folder" message
    () => true,
  );

/** The text of `bytes` when they are one of our JSON files (an object naming a backprop-lens format). */
function ourFormatText(bytes: Uint8Array): string | null {
  const text = new TextDecoder().decode(bytes);
  if (
    !text
      .replace(/^\uFEFF/, '')
      .trimStart()
      .startsWith('{')
  )
    return null;
  return Object.values(FORMAT_IDS).some((id) => text.includes(`"${id}"`)) ? text : null;
}

function withFileName<T>(parse: () => T, name: string): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof FormatError) throw e.at({ file: name });
    throw e;
  }
}

/**
 * Our files are JSON objects with a backprop-lens `format` key; anything else is a dataset. Only
 * a file that starts with `{` is read whole to decide (the key may come after big matrices).
 */
async function claimsOurFormat(path: string): Promise<boolean> {
  let head = '';
  try {
    const fh = await open(path, 'r');
    try {
      const buf = new Uint8Array(4096);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = new TextDecoder().decode(buf.subarray(0, bytesRead));
    } finally {
      await fh.close();
    }
  } catch {
    return true; // let readAnyFile report the access error in its own words
  }
  if (
    !head
      .replace(/^\uFEFF/, '')
      .trimStart()
      .startsWith('{')
  )
    return false;
  const mentionsUs = (text: string): boolean => Object.values(FORMAT_IDS).some((id) => text.includes(`"${id}"`));
  if (mentionsUs(head)) return true;
  let text: string;
  try {
    text = await readTextFile(path);
  } catch {
    return false; // too big for one string: a dataset, which the data loader streams
  }
  try {
    return claimedKind(JSON.parse(text.replace(/^\uFEFF/, ''))) !== null;
  } catch {
    return mentionsUs(text);
  }
}

function describeOurFile(name: string, any: AnyFile): string {
  const title = `${name}: ${any.kind} file (${FORMAT_IDS[any.kind]}, version ${any.version})\n`;
  switch (any.kind) {
    case 'weights':
      return title + describeWeights(any.file);
    case 'batch':
      return title + describeBatch(any.file);
    case 'gradients':
      return title + describeGradients(any.file);
  }
}

function range(m: Matrix): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of m.data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return m.data.length === 0 ? '-' : `[${num(lo)}, ${num(hi)}]`;
}

function describeWeights(w: WeightsFile): string {
  const p = layerWidths(w.model);
  const arch = architecture(w.model);
  const lines = [`model: ${arch}; loss ${w.model.loss}; ${plural(parameterCount(w.model), 'parameter')}`, ''];
  const rows = w.model.layers.map((l, i) => [
    String(i),
    `${p[i]}×${p[i + 1]}`,
    l.activation,
    String(p[i]! * p[i + 1]! + p[i + 1]!),
    num(frobenius(w.parameters.W[i]!)),
    range(w.parameters.W[i]!),
    num(frobenius(w.parameters.b[i]!)),
  ]);
  lines.push(
    table(['layer', 'W shape', 'activation', 'params', '‖W‖', 'W range', '‖b‖'], rows, [
      'l',
      'r',
      'l',
      'r',
      'r',
      'r',
      'r',
    ]),
  );
  const t = w.training;
  if (t) {
    const parts: string[] = [];
    if (t.steps !== undefined) parts.push(plural(t.steps, 'step'));
    if (t.epochs !== undefined) parts.push(plural(t.epochs, 'epoch'));
    if (t.optimizer !== undefined) parts.push(typeof t.optimizer === 'string' ? t.optimizer : String(t.optimizer.kind));
    if (t.learningRate !== undefined) parts.push(`lr ${num(t.learningRate)}`);
    if (t.batchSize !== undefined) parts.push(`batch ${t.batchSize}`);
    if (t.seed !== undefined) parts.push(`seed ${t.seed}`);
    if (t.finalLoss !== undefined) parts.push(`final loss ${num(t.finalLoss)}`);
    if (t.finalValidationLoss !== undefined && t.finalValidationLoss !== null)
      parts.push(`validation loss ${num(t.finalValidationLoss)}`);
    if (typeof t['testRelativeL2Error'] === 'number') parts.push(`test rel. L2 error ${num(t['testRelativeL2Error'])}`);
    if (typeof t['testAccuracy'] === 'number') parts.push(`test accuracy ${(100 * t['testAccuracy']).toFixed(1)}%`);
    lines.push(`training: ${parts.join(', ') || '(no details)'}`);
  }
  const d = w.dataset;
  if (d) {
    const parts = [d.name ?? '(unnamed)'];
    if (d.features) parts.push(`features ${d.features.join(', ')}`);
    if (d.targets) parts.push(`targets ${d.targets.join(', ')}`);
    lines.push(`dataset: ${parts.join('; ')}`);
  }
  if (w.preprocessing) lines.push(`preprocessing: ${describePreprocessing(w.preprocessing)}`);
  if (w.createdWith !== undefined) {
    lines.push(`created with: ${typeof w.createdWith === 'string' ? w.createdWith : JSON.stringify(w.createdWith)}`);
  }
  if (w.extra) lines.push(`other keys: ${Object.keys(w.extra).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function describePreprocessing(pre: Record<string, unknown>): string {
  const part = (key: string): string | null => {
    const t = pre[key] as { method?: unknown; names?: unknown } | null | undefined;
    if (t === undefined) return null;
    if (t === null) return `${key} raw`;
    const names = Array.isArray(t.names) ? ` (${t.names.join(', ')})` : '';
    return `${key} ${typeof t.method === 'string' ? t.method : 'transformed'}${names}`;
  };
  const parts = [part('inputs'), part('outputs')].filter((s): s is string => s !== null);
  return parts.length > 0 ? parts.join('; ') : JSON.stringify(pre);
}

function columnTable(m: Matrix, names: readonly string[], limit = 12): string {
  const rows: string[][] = [];
  for (let j = 0; j < Math.min(m.cols, limit); j++) {
    let lo = Infinity;
    let hi = -Infinity;
    let sum = 0;
    for (let i = 0; i < m.rows; i++) {
      const v = m.data[i * m.cols + j]!;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      sum += v;
    }
    rows.push([names[j] ?? `column ${j}`, num(lo), num(hi), num(sum / Math.max(m.rows, 1))]);
  }
  const more = m.cols > limit ? `… and ${m.cols - limit} more columns\n` : '';
  return table(['column', 'min', 'max', 'mean'], rows) + more;
}

function describeBatch(b: BatchFile): string {
  return [
    `${plural(b.X.rows, 'sample')}; X is ${b.X.rows}×${b.X.cols}, Y is ${b.Y.rows}×${b.Y.cols}`,
    '',
    'X:',
    columnTable(b.X, []),
    'Y:',
    columnTable(b.Y, []),
  ].join('\n');
}

function describeGradients(g: GradientsFile): string {
  const n = g.layers[0]!.A.rows;
  const rows = g.layers.map((l, i) => [
    String(i),
    `${l.A.cols}→${l.H.cols}`,
    num(frobenius(l.A)),
    num(frobenius(l.G)),
    num(frobenius(l.dW)),
    num(frobenius(l.db)),
  ]);
  return [
    `computed by ${g.backend} on ${plural(n, 'sample')}; loss ${num(g.loss, 8)}`,
    '',
    table(['layer', 'shape', '‖A‖', '‖G‖', '‖∂L/∂W‖', '‖∂L/∂b‖'], rows) +
      `output F is ${g.output.rows}×${g.output.cols}, range ${range(g.output)}; ‖∂L/∂X‖ = ${num(frobenius(g.dX))}`,
    '',
  ].join('\n');
}

function describeDataset(name: string, ds: LabeledDataset): string {
  const m = ds.meta;
  const lines = [
    `${name}: dataset (${m.task}), ${plural(ds.X.rows, 'sample')}, ${plural(ds.X.cols, 'feature')}, ${plural(ds.Y.cols, 'target column')}`,
  ];
  if (m.inferred) lines.push(...describeInference(m.inferred));
  lines.push('', 'features:', columnTable(ds.X, m.featureNames.map(printable)));
  if (m.classNames) {
    const counts = new Array<number>(m.classNames.length).fill(0);
    for (let i = 0; i < ds.Y.rows; i++) {
      let best = 0;
      for (let j = 1; j < ds.Y.cols; j++)
        if (ds.Y.data[i * ds.Y.cols + j]! > ds.Y.data[i * ds.Y.cols + best]!) best = j;
      counts[best]!++;
    }
    lines.push('classes (one-hot columns of Y, in this order):');
    lines.push(
      table(
        ['class', 'samples'],
        m.classNames.map((c, k) => [printable(c), String(counts[k])]),
      ),
    );
  } else {
    lines.push('targets:', columnTable(ds.Y, m.targetNames.map(printable)));
  }
  if (m.image) lines.push(`images: ${m.image.width}×${m.image.height}, row-major in X`);
  return `${lines.join('\n')}\n`;
}

const DELIMITER_NAMES: Record<string, string> = {
  ',': 'comma',
  ';': 'semicolon',
  '|': 'pipe',
  '\t': 'tab',
  whitespace: 'spaces',
};

/** What the loader chose or found, so nothing about how the file was read is hidden. */
function describeInference(inf: LoadInference): string[] {
  const parts = [`format ${inf.format}`];
  if (inf.delimiter !== undefined) parts.push(`delimiter ${DELIMITER_NAMES[inf.delimiter] ?? inf.delimiter}`);
  if (inf.countsHeader) {
    const c = inf.countsHeader;
    parts.push(
      `scikit-learn counts header (${c.rows} rows, ${c.features} features${c.classes.length ? `, classes ${c.classes.join(', ')}` : ''})`,
    );
  } else if (inf.header !== undefined) parts.push(inf.header === 'yes' ? 'header line' : 'no header');
  if (inf.encoding !== undefined) parts.push(`encoding ${inf.encoding}`);
  if (inf.skippedLines) parts.push(`${plural(inf.skippedLines, 'line')} skipped`);
  return [
    `read as: ${parts.join('; ')}`,
    `task: ${inf.task}, because ${inf.taskReason}`,
    ...describeCleaning(inf.cleaning),
    ...inf.notices.map((n) => `notice: ${n}`),
  ];
}

/** What --missing and --one-hot did: rows dropped, cells filled, columns encoded. */
function describeCleaning(c: LoadInference['cleaning']): string[] {
  if (!c) return [];
  const parts: string[] = [];
  if (c.droppedRows > 0) parts.push(`${plural(c.droppedRows, 'row')} with missing values dropped`);
  for (const f of c.filled)
    parts.push(`${plural(f.count, 'missing cell')} of ${f.column} filled with ${f.how} ${num(f.value)}`);
  for (const e of c.encoded) parts.push(`${e.column} one-hot encoded (${e.categories.join(', ')})`);
  return parts.length > 0 ? [`cleaning: ${parts.join('; ')}`] : [];
}

function describeBuiltin(name: string): string {
  const info = builtinInfo(name);
  const { train, test } = generateBuiltin(name);
  const lines = [
    `${info.name}: built-in dataset "${info.title}" (${info.task})`,
    info.description,
    `${info.inputSize} input${info.inputSize === 1 ? '' : 's'}, ${info.outputSize} output${info.outputSize === 1 ? '' : 's'}; with the defaults ${plural(train.X.rows, 'training sample')} and ${plural(test.X.rows, 'test sample')}`,
    '',
    'parameters (train NAME --param KEY=VALUE):',
    table(
      ['name', 'default', 'range', 'meaning'],
      info.params.map((p) => [
        p.name,
        String(p.default),
        `${p.min}…${p.max}${p.integer ? ' (integer)' : ''}`,
        p.description,
      ]),
      ['l', 'r', 'r', 'l'],
    ),
  ];
  return `${lines.join('\n')}`;
}

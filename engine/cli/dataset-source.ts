/**
 * Where `train` gets its data: a built-in generator (by name, with --param KEY=VALUE) or a file
 * (CSV/TSV/text, JSON, .npy, IDX; optionally a --test file). The data stays as loaded: the
 * normalisation is part of the training configuration (TrainConfig.normalize), fitted by the
 * Session on its own training rows (engine/train/normalization.ts, the same place the engine host
 * uses), so nothing about the validation rows leaks into training.
 */
import { stat } from 'node:fs/promises';
import { readArrayPairFiles, readDatasetFile, resolveIdxPair } from '../data/node-files.js';
import { applyPreprocessing, type NormalizationMethod, type Preprocessing } from '../data/preprocessing.js';
import { builtinNames, generateBuiltin, type BuiltinParams } from '../data/registry.js';
import type { LabeledDataset } from '../data/types.js';
import type { LossKind } from '../model/spec.js';
import type { NormalizationConfig } from '../train/types.js';
import type { CliIo } from './cli-io.js';
import type { DatasetReadOptions } from './dataset-flags.js';
import { CliFailure, UsageError } from './errors.js';
import { displayPath, resolvePath } from './paths.js';

export interface DataRequest {
  readonly dataset: string;
  /** KEY=VALUE strings for a built-in's parameters. */
  readonly params: readonly string[];
  readonly testFile: string | undefined;
  /** How to read a data file (--task, --delimiter, --header, --skip-lines, --encoding, limits). */
  readonly read?: DatasetReadOptions;
  readonly features: readonly string[] | undefined;
  readonly targets: readonly string[] | undefined;
  /** Input normalisation; undefined: standardize for files, none for built-ins (already well scaled). */
  readonly normalize: NormalizationMethod | 'none' | undefined;
  readonly normalizeTargets: NormalizationMethod | 'none';
  readonly loss: LossKind | undefined;
  /**
   * Continuing from a weights file: its recorded preprocessing (null: none) replaces fitting a
   * new one, so the network sees its inputs scaled exactly as when it was trained.
   */
  readonly fixedPreprocessing?: Preprocessing | null;
}

export interface TrainingData {
  /** How the data is named in messages and in the weights file. */
  readonly name: string;
  readonly kind: 'builtin' | 'file';
  /** As loaded (or, continuing from a weights file, with that file's preprocessing applied). */
  readonly train: LabeledDataset;
  readonly test: LabeledDataset | null;
  /** The normalisation to fit on the session's training rows (TrainConfig.normalize); none when continuing. */
  readonly normalize: NormalizationConfig;
  /** The built-in's full parameter set (enough to regenerate it). */
  readonly builtinParams: BuiltinParams | null;
}

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

function parseParams(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of raw.flatMap((r) => r.split(','))) {
    const m = /^\s*([A-Za-z][\w-]*)\s*=\s*(.+?)\s*$/.exec(item);
    if (!m)
      throw new UsageError(`--param needs KEY=VALUE (e.g. --param n=200 --param noise=0.1), got '${item}'`, 'train');
    out[m[1]!] = m[2]!;
  }
  return out;
}

export async function loadTrainingData(io: CliIo, req: DataRequest): Promise<TrainingData> {
  const path = resolvePath(io, req.dataset);
  const isFile = await exists(path);
  const builtin = builtinNames().includes(req.dataset.trim().toLowerCase());
  if (!isFile && !builtin) {
    const looksLikePath = /[/\\.]/.test(req.dataset);
    throw new CliFailure(
      looksLikePath
        ? `${displayPath(io, req.dataset)}: cannot read: no such file`
        : `'${req.dataset}' is neither a file nor a built-in dataset (built-ins: ${builtinNames().join(', ')})`,
    );
  }
  return isFile ? loadFile(io, req, path) : loadBuiltin(req);
}

/**
 * The normalisation for the training configuration (defaults: standardize for files, none for
 * built-ins, which are well scaled already). Continuing from a weights file, its recorded
 * preprocessing is applied as it is (nothing is fitted), so the network sees its inputs scaled
 * exactly as when it was trained.
 */
function normalisation(
  ds: LabeledDataset,
  req: DataRequest,
  method: NormalizationMethod | 'none',
): { data: LabeledDataset; normalize: NormalizationConfig } {
  if (req.fixedPreprocessing !== undefined)
    return { data: req.fixedPreprocessing ? applyPreprocessing(ds, req.fixedPreprocessing) : ds, normalize: {} };
  if (req.normalizeTargets !== 'none' && ds.meta.task !== 'regression') {
    throw new UsageError('--normalize-targets applies to regression only (class targets are one-hot)', 'train');
  }
  return { data: ds, normalize: { inputs: method, targets: req.normalizeTargets } };
}

function loadBuiltin(req: DataRequest): TrainingData {
  if (req.features || req.targets)
    throw new UsageError('--features and --targets choose columns of a file; a built-in has fixed columns', 'train');
  // The limits are harmless for a built-in; the read options would silently do nothing.
  const readFlags = Object.keys(req.read ?? {}).filter((k) => k !== 'limits');
  if (readFlags.length > 0) {
    const flag =
      readFlags[0] === 'labelsFile' ? 'labels' : readFlags[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new UsageError(`--${flag} says how to read a data file; a built-in dataset has none`, 'train');
  }
  if (req.testFile !== undefined)
    throw new UsageError(
      '--test takes a file for file datasets; a built-in brings its own test set (--param testN=…)',
      'train',
    );
  const name = req.dataset.trim().toLowerCase();
  const generated = generateBuiltin(name, parseParams(req.params));
  const { data: train, normalize } = normalisation(generated.train, req, req.normalize ?? 'none');
  const pre = train.meta.preprocessing;
  const test = pre ? applyPreprocessing(generated.test, pre) : generated.test;
  return { name, kind: 'builtin', train, test, normalize, builtinParams: generated.params };
}

async function loadFile(io: CliIo, req: DataRequest, path: string): Promise<TrainingData> {
  if (req.params.length > 0)
    throw new UsageError("--param sets a built-in dataset's parameters; it does not apply to a file", 'train');
  const name = displayPath(io, req.dataset);
  const { labelsFile, ...read } = req.read ?? {};
  const pair = await resolveIdxPair(path, labelsFile === undefined ? undefined : resolvePath(io, labelsFile));
  if (pair) return loadIdxPair(io, req, name, pair, read);
  const columns = {
    ...read,
    ...(req.features ? { features: req.features } : {}),
    ...(req.targets ? { targets: req.targets } : {}),
    ...(req.loss ? { loss: req.loss } : {}),
  };
  const raw = await readDatasetFile(path, { fileName: name, name, ...columns });
  const { data: train, normalize } = normalisation(raw, req, req.normalize ?? 'standardize');
  let test: LabeledDataset | null = null;
  if (req.testFile !== undefined) {
    const testName = displayPath(io, req.testFile);
    const rawTest = await readDatasetFile(resolvePath(io, req.testFile), {
      fileName: testName,
      name: testName,
      ...columns,
      // The test set's one-hot columns must be the training set's, in the same order: its class
      // targets and its one-hot encoded features alike.
      ...(encodedFeatures(raw) ? { oneHotCategories: encodedFeatures(raw) } : {}),
      ...(raw.meta.classNames
        ? { classes: raw.meta.classNames, task: 'classification' as const }
        : { task: 'regression' as const }),
    });
    if (rawTest.X.cols !== raw.X.cols || rawTest.Y.cols !== raw.Y.cols) {
      throw new CliFailure(
        `${testName}: has ${rawTest.X.cols} features and ${rawTest.Y.cols} targets, the training file ${name} has ${raw.X.cols} and ${raw.Y.cols}`,
      );
    }
    test = train.meta.preprocessing ? applyPreprocessing(rawTest, train.meta.preprocessing) : rawTest;
  }
  return { name, kind: 'file', train, test, normalize, builtinParams: null };
}

/** The categories each one-hot encoded feature column of a loaded file was encoded with, if any. */
function encodedFeatures(ds: LabeledDataset): Record<string, readonly string[]> | undefined {
  const encoded = ds.meta.inferred?.cleaning?.encoded ?? [];
  return encoded.length ? Object.fromEntries(encoded.map((e) => [e.column, e.categories])) : undefined;
}

/** MNIST-style data: images + labels IDX files (a folder may bring its t10k pair as the test set). */
async function loadIdxPair(
  io: CliIo,
  req: DataRequest,
  name: string,
  pair: NonNullable<Awaited<ReturnType<typeof resolveIdxPair>>>,
  read: Omit<DatasetReadOptions, 'labelsFile'>,
): Promise<TrainingData> {
  if (req.features || req.targets)
    throw new UsageError(
      '--features and --targets choose columns of a table; IDX images and labels have none',
      'train',
    );
  const options = {
    name,
    ...(read.task ? { task: read.task } : {}),
    ...(read.limits ? { limits: read.limits } : {}),
  };
  const raw = await readArrayPairFiles(pair.images, pair.labels, { ...options, fileName: name });
  // Pixels come scaled to [0, 1] (recorded preprocessing): no further normalisation by default.
  const { data: train, normalize } = normalisation(raw, req, req.normalize ?? 'none');
  let test: LabeledDataset | null = null;
  if (pair.test && req.testFile === undefined) {
    const rawTest = await readArrayPairFiles(pair.test.images, pair.test.labels, {
      ...options,
      ...(raw.meta.classNames ? { classes: raw.meta.classNames, task: 'classification' as const } : {}),
    });
    test = train.meta.preprocessing ? applyPreprocessing(rawTest, train.meta.preprocessing) : rawTest;
  } else if (req.testFile !== undefined) {
    throw new UsageError('--test takes a table file; for IDX data put the t10k pair in the same folder', 'train');
  }
  return { name: displayPath(io, req.dataset), kind: 'file', train, test, normalize, builtinParams: null };
}

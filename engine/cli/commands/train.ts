/** `backprop-lens train`: train a dense network on a built-in or file dataset, with progress and an export. */
import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname } from 'node:path';
import { applyPreprocessing, parsePreprocessing } from '../../data/preprocessing.js';
import { readWeightsFile } from '../../io/node-files.js';
import type { WeightsFile } from '../../io/weights-file.js';
import { LOSSES, parameterCount } from '../../model/spec.js';
import { asTrained } from '../../train/normalization.js';
import { Session } from '../../train/session.js';
import type { TrainConfig } from '../../train/types.js';
import { type CommandSpec, choiceOption, flag, integerOption, list, numberOption, parseCommandArgs, str } from '../args.js';
import { BACKEND_CHOICES, openBackend } from '../backends.js';
import type { CliIo } from '../cli-io.js';
import { DATA_FILE_OPTIONS, datasetReadOptions } from '../dataset-flags.js';
import { loadTrainingData } from '../dataset-source.js';
import { cliMemoryLimits, refuseOutputOverInput, writeWeightsExport } from '../outputs.js';
import { CliFailure, EXIT_OK, UsageError } from '../errors.js';
import { commandHelp } from '../help.js';
import { displayPath, resolvePath } from '../paths.js';
import { createProgress } from '../progress.js';
import { MODEL_OPTIONS, backendOption } from '../model-options.js';
import { MODEL_FLAGS, parseOptions } from './train-options.js';
import { type Summary, describe, measure, rowsOf, weightsFor } from './train-report.js';
import {
  TRAIN_SESSION_OPTIONS,
  checkReferenceFlags,
  historySizeFor,
  keepLastSteps,
  keepStepsFor,
  runResume,
  saveTrainSession,
} from './train-session.js';

export const trainSpec: CommandSpec = {
  name: 'train',
  brief: 'Train a network on a built-in dataset or a data file; export its weights.',
  summary:
    'Train a dense network on a built-in dataset or a data file, showing the loss as it goes; report training, validation and test loss (and the relative L2 error ‖F−Y‖/‖Y‖ for regression, accuracy for classification) and optionally export the weights.',
  usage: 'DATASET [options]',
  positionals: [
    [
      'DATASET',
      'a built-in dataset (circles, xor, gaussians, spiral, moons, plane, gaussian-regression, xsin, sine, digits; see `backprop-lens info NAME`) or a data file (CSV/TSV/text, JSON, .npy, IDX, optionally gzipped)',
    ],
  ],
  maxPositionals: 1,
  options: [
    {
      name: 'param',
      short: 'p',
      type: 'string',
      value: 'KEY=VALUE',
      multiple: true,
      description: "A built-in dataset's parameter, e.g. -p n=500 -p noise=0.1 (repeatable; see `info NAME`).",
    },
    {
      name: 'test',
      type: 'string',
      value: 'FILE',
      description: 'Test set for a file dataset (same columns); built-ins bring their own.',
    },
    {
      name: 'features',
      type: 'string',
      value: 'COLS',
      description:
        'Feature columns of a file, by name or 0-based index, comma-separated (default: all but the targets).',
    },
    {
      name: 'targets',
      type: 'string',
      value: 'COLS',
      description: 'Target column(s) of a file (default: the last column).',
    },
    ...DATA_FILE_OPTIONS,
    {
      name: 'normalize',
      type: 'string',
      value: 'METHOD',
      description: 'Input normalisation, fitted on the training rows: standardize, min-max or none.',
      defaultText: 'standardize for files, none for built-ins',
    },
    {
      name: 'normalize-targets',
      type: 'string',
      value: 'METHOD',
      description: 'Regression target normalisation: standardize, min-max or none.',
      defaultText: 'none',
    },
    ...MODEL_OPTIONS,
    {
      name: 'init-from',
      type: 'string',
      value: 'FILE',
      description:
        'Start from a weights file (continue or fine-tune): its model, parameters and preprocessing are used, so the model flags and --normalize do not apply.',
    },
    { name: 'optimizer', short: 'O', type: 'string', value: 'NAME', description: 'sgd or adam.', defaultText: 'adam' },
    {
      name: 'lr',
      type: 'string',
      value: 'RATE',
      description: 'Learning rate.',
      defaultText: '0.001 for adam, 0.01 for sgd',
    },
    {
      name: 'momentum',
      type: 'string',
      value: 'MU',
      description: 'SGD heavy-ball momentum in [0, 1).',
      defaultText: '0',
    },
    { name: 'beta1', type: 'string', value: 'B1', description: 'Adam β1.', defaultText: '0.9' },
    { name: 'beta2', type: 'string', value: 'B2', description: 'Adam β2.', defaultText: '0.999' },
    {
      name: 'weight-decay',
      type: 'string',
      value: 'LAMBDA',
      description: 'L2 weight decay on the weights (not the biases).',
      defaultText: '0',
    },
    {
      name: 'batch',
      short: 'B',
      type: 'string',
      value: 'N|full',
      description: 'Mini-batch size, or full for full-batch gradient descent.',
      defaultText: '32',
    },
    {
      name: 'epochs',
      short: 'e',
      type: 'string',
      value: 'N',
      description: 'Passes over the training set.',
      defaultText: '100',
    },
    {
      name: 'steps',
      short: 's',
      type: 'string',
      value: 'N',
      description: 'Optimizer steps instead of epochs (with --batch full, one step per epoch).',
    },
    {
      name: 'seed',
      type: 'string',
      value: 'N',
      description: 'Seeds initialisation, the validation split and shuffling.',
      defaultText: '1',
    },
    {
      name: 'validation',
      type: 'string',
      value: 'FRACTION',
      description: 'Fraction of the samples held out for validation, in [0, 1).',
      defaultText: '0',
    },
    backendOption('cpu (float64), cpu32 (float32) or gpu (WebGPU).'),
    {
      name: 'export',
      short: 'x',
      type: 'string',
      value: 'FILE',
      description:
        "Write the trained weights to FILE, atomically; the format follows the extension: .json (backprop-lens/weights), .npz (numpy), .safetensors (PyTorch nn.Sequential names), .onnx. '-' writes the JSON weights to standard output (the summary then goes to standard error).",
    },
    ...TRAIN_SESSION_OPTIONS,
    { name: 'json', type: 'boolean', description: 'Print the summary as JSON on standard output (for scripts).' },
    { name: 'quiet', short: 'q', type: 'boolean', description: 'No progress output.' },
  ],
  notes: [
    'Progress goes to standard error (a bar on a terminal, about ten plain lines otherwise); the summary goes to standard output. Ctrl-C stops after the current steps and still prints the summary and writes --export.',
  ],
  examples: [
    [
      'backprop-lens train spiral --hidden 16,16 --activation relu --epochs 300 --export spiral.json',
      'a classifier on a built-in set',
    ],
    [
      'backprop-lens train xsin --hidden 10x10 --activation tanh --loss sse --batch full --optimizer adam --lr 0.001 --steps 20000',
      "the first tutorial's experiment: y = x·sin(4πx), [1]+10×[10]+[1]",
    ],
    [
      'backprop-lens train iris.csv --targets species --validation 0.2 --test iris-test.csv',
      'a CSV file with a named label column',
    ],
  ],
};

export async function runTrain(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(trainSpec, argv);
  if (values['help']) {
    io.stdout.write(commandHelp(trainSpec));
    return EXIT_OK;
  }
  if (str(values, 'resume') !== undefined) return runResume(values, positionals, io);
  const dataset = positionals[0];
  if (dataset === undefined)
    throw new UsageError('train needs a DATASET: a built-in name (e.g. spiral, xsin) or a data file', 'train');
  const validationFraction = numberOption(str(values, 'validation') ?? '0', 'validation', 'train', {
    min: 0,
    max: 1,
    maxExclusive: true,
  });
  const seed = integerOption(str(values, 'seed') ?? '1', 'seed', 'train', 0, 2 ** 32 - 1);
  const normalizeChoices = ['standardize', 'min-max', 'none'] as const;
  const normalize = str(values, 'normalize');
  const lossFlag = str(values, 'loss');
  const cols = (name: string): string[] | undefined =>
    str(values, name)
      ?.split(',')
      .map((s) => s.trim());
  // Check the flags that need no data first, so a typo fails before a big file is read.
  checkReferenceFlags(values, null);
  const backendChoice = choiceOption(str(values, 'backend') ?? 'cpu', 'backend', 'train', BACKEND_CHOICES);
  const exportPath = str(values, 'export');
  const initFrom = str(values, 'init-from');
  if (exportPath !== undefined) {
    if (exportPath !== '-') await checkWritableFolder(io, exportPath);
    await refuseOutputOverInput(io, 'train', { flag: '--export', path: exportPath }, [
      { flag: 'the dataset', path: dataset },
      { flag: '--test', path: str(values, 'test') ?? '-' },
      { flag: '--init-from', path: initFrom ?? '-' },
    ]);
  }
  let start: WeightsFile | null = null;
  if (initFrom !== undefined) {
    const given = MODEL_FLAGS.filter((f) => values[f] !== undefined);
    if (given.length > 0) {
      throw new UsageError(
        `--init-from takes the model and its preprocessing from the weights file; drop ${given.map((f) => `--${f}`).join(', ')}`,
        'train',
      );
    }
    start = await readWeightsFile(resolvePath(io, initFrom), displayPath(io, initFrom));
  }
  const data = await loadTrainingData(io, {
    dataset,
    params: list(values, 'param'),
    testFile: str(values, 'test'),
    read: datasetReadOptions(values, 'train'),
    features: cols('features'),
    targets: cols('targets'),
    normalize: normalize === undefined ? undefined : choiceOption(normalize, 'normalize', 'train', normalizeChoices),
    normalizeTargets: choiceOption(
      str(values, 'normalize-targets') ?? 'none',
      'normalize-targets',
      'train',
      normalizeChoices,
    ),
    loss: lossFlag === undefined ? undefined : choiceOption(lossFlag, 'loss', 'train', LOSSES),
    ...(start ? { fixedPreprocessing: start.preprocessing ? parsePreprocessing(start.preprocessing) : null } : {}),
  });
  checkReferenceFlags(values, data);
  const opts = parseOptions(values, data, start);
  const config: TrainConfig = {
    model: opts.model,
    init: opts.init,
    optimizer: opts.optimizer,
    batchSize: opts.batchSize,
    seed,
    validationFraction,
    normalize: data.normalize,
    historySize: historySizeFor(values),
  };
  const backend = await openBackend(backendChoice);
  let session: Session | null = null;
  try {
    session = await Session.create(config, data.train, backend, {
      recordEvery: 0,
      histogramBins: null,
      memoryLimits: cliMemoryLimits(),
    });
    const totalSteps = opts.length.unit === 'steps' ? opts.length.n : opts.length.n * session.batchesPerEpoch;
    keepLastSteps(session, totalSteps, keepStepsFor(values));
    const quiet = flag(values, 'quiet') || flag(values, 'json');
    const progress = createProgress(io.stderr, totalSteps, quiet ? 'none' : 'auto', io.now);
    const started = io.now();
    // Chunks keep the per-call overhead low and the bar fresh (about 200 updates a run).
    const chunk = Math.max(1, Math.floor(totalSteps / 200));
    let done = 0;
    let interrupted = false;
    try {
      while (done < totalSteps) {
        if (io.signal?.aborted) {
          interrupted = true;
          break;
        }
        const r = await session.runSteps(Math.min(chunk, totalSteps - done));
        done += r.stepsCompleted;
        const s = r.summary;
        if (s) {
          if (!Number.isFinite(s.loss)) {
            throw new CliFailure(
              `the loss became ${s.loss} at step ${s.step}: training diverged. Try a smaller --lr${opts.optimizer.kind === 'sgd' ? ' or --optimizer adam' : ''}, or normalise the data (--normalize standardize).`,
            );
          }
          progress.update({ step: s.step, epoch: s.epoch, loss: s.loss, validationLoss: s.validationLoss });
        }
        // Let Ctrl-C and stream writes through between chunks.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      progress.stop();
    }
    const seconds = (io.now() - started) / 1000;

    // The rows as the session trained on them (normalised by it), and the test set scaled the same way.
    const trained = asTrained(data.train, session);
    const fitted = session.preprocessing;
    const test = data.test && fitted ? applyPreprocessing(data.test, fitted) : data.test;
    const metrics: Summary['metrics'] = {
      train: await measure(session, rowsOf(trained, session.trainRows)),
      validation:
        session.validationRows.length > 0 ? await measure(session, rowsOf(trained, session.validationRows)) : null,
      test: test ? await measure(session, test) : null,
    };
    const position = session.position;
    const summary: Summary = {
      dataset: data.name,
      model: opts.model,
      parameters: parameterCount(opts.model),
      optimizer: opts.optimizer,
      batch: opts.batchSize,
      backend: backend.name,
      steps: position.step,
      epochs: position.epoch,
      seconds,
      interrupted,
      metrics,
      exported: exportPath === undefined ? null : displayPath(io, exportPath),
    };
    if (exportPath !== undefined) {
      const w = weightsFor(
        summary,
        { ...data, train: trained },
        await session.parameters(),
        seed,
        initFrom === undefined ? null : displayPath(io, initFrom),
      );
      await writeWeightsExport(io, exportPath, w);
    }
    const sessionPath = str(values, 'save-session');
    if (sessionPath !== undefined) {
      const meta = data.train.meta;
      const read = datasetReadOptions(values, 'train');
      await saveTrainSession(
        io,
        sessionPath,
        session,
        {
          name: data.name,
          X: data.train.X,
          Y: data.train.Y,
          features: meta.featureNames,
          targets: meta.targetNames,
        },
        flag(values, 'reference-data')
          ? {
              dataFile: resolvePath(io, dataset),
              read: {
                ...(read.task !== undefined ? { task: read.task } : {}),
                ...(read.delimiter !== undefined ? { delimiter: read.delimiter } : {}),
                ...(read.header !== undefined ? { header: read.header } : {}),
                ...(read.skipLines !== undefined ? { skipLines: read.skipLines } : {}),
                ...(read.encoding !== undefined ? { encoding: read.encoding } : {}),
                ...(cols('features') ? { features: cols('features') } : {}),
                ...(cols('targets') ? { targets: cols('targets') } : {}),
                ...(lossFlag !== undefined ? { loss: choiceOption(lossFlag, 'loss', 'train', LOSSES) } : {}),
              },
            }
          : undefined,
      );
    }
    // With the weights on standard output, the summary goes to standard error.
    const report = exportPath === '-' ? io.stderr : io.stdout;
    report.write(flag(values, 'json') ? `${JSON.stringify(summary, null, 2)}\n` : describe(summary));
    return interrupted ? 130 : EXIT_OK;
  } finally {
    if (session) await session.dispose();
    backend.dispose();
  }
}

/** A long run must not end in "cannot write": check the export's folder before training. */
async function checkWritableFolder(io: CliIo, file: string): Promise<void> {
  const folder = dirname(resolvePath(io, file));
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory())
    throw new CliFailure(
      `--export ${displayPath(io, file)}: the folder ${displayPath(io, folder) || '.'} does not exist`,
    );
  try {
    await access(folder, constants.W_OK);
  } catch {
    throw new CliFailure(
      `--export ${displayPath(io, file)}: the folder ${displayPath(io, folder) || '.'} is not writable`,
    );
  }
}

/** `backprop-lens train`: train a dense network on a built-in or file dataset, with progress and an export. */
import { type Matrix, gatherRows } from '../../core/matrix.js';
import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname } from 'node:path';
import { applyPreprocessing, invertTransform, parsePreprocessing } from '../../data/preprocessing.js';
import type { LabeledDataset } from '../../data/types.js';
import type { JsonObject } from '../../io/decode.js';
import { readWeightsFile } from '../../io/node-files.js';
import { writeWeightsAnyFormat } from '../../io/interop/node-weight-files.js';
import type { WeightsFile } from '../../io/weights-file.js';
import {
  ACTIVATIONS,
  type Activation,
  LOSSES,
  type LossKind,
  type ModelSpec,
  ModelSpecError,
  parameterCount,
  validateModelSpec,
} from '../../model/spec.js';
import { checkTargetsForLoss } from '../../data/prepare.js';
import { DEFAULT_ADAM } from '../../train/optimizer.js';
import { asTrained } from '../../train/normalization.js';
import { Session } from '../../train/session.js';
import type { OptimizerConfig, TrainConfig } from '../../train/types.js';
import {
  type CommandSpec,
  choiceOption,
  flag,
  integerOption,
  list,
  numberOption,
  parseCommandArgs,
  str,
} from '../args.js';
import { BACKEND_CHOICES, openBackend } from '../backends.js';
import type { CliIo } from '../cli-io.js';
import { DATA_FILE_OPTIONS, datasetReadOptions } from '../dataset-flags.js';
import { type TrainingData, loadTrainingData } from '../dataset-source.js';
import { cliMemoryLimits, refuseOutputOverInput } from '../outputs.js';
import { CliFailure, EXIT_OK, UsageError } from '../errors.js';
import { architecture, duration, num, plural, table } from '../format.js';
import { commandHelp } from '../help.js';
import { hiddenWidths } from '../model-options.js';
import { displayPath, resolvePath } from '../paths.js';
import { createProgress } from '../progress.js';
import { packageVersion } from '../version.js';
import { TRAIN_SESSION_OPTIONS, historySizeFor, runResume, saveTrainSession } from './train-session.js';

const HIDDEN_ACTIVATIONS = ACTIVATIONS.filter((a) => a !== 'softmax');

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
    {
      name: 'layers',
      short: 'l',
      type: 'string',
      value: 'W,W,…',
      description: 'Width of every layer after the input, output last, e.g. 10,10,1.',
    },
    {
      name: 'hidden',
      type: 'string',
      value: 'SPEC',
      description:
        "Hidden layers only: 16,8 or CxW for C layers of W units (10x10 is the tutorial's [1]+10×[10]+[1]); none for a linear model.",
      defaultText: '16,16',
    },
    {
      name: 'activation',
      short: 'a',
      type: 'string',
      value: 'NAME',
      description: `Hidden-layer activation: ${HIDDEN_ACTIVATIONS.join(', ')}.`,
      defaultText: 'tanh',
    },
    {
      name: 'output-activation',
      type: 'string',
      value: 'NAME',
      description: `Output activation: ${ACTIVATIONS.join(', ')}.`,
      defaultText: 'softmax for classification, identity for regression',
    },
    {
      name: 'loss',
      type: 'string',
      value: 'NAME',
      description: `Loss: ${LOSSES.join(', ')}.`,
      defaultText: 'cross-entropy for classification, mse for regression',
    },
    {
      name: 'init',
      type: 'string',
      value: 'SCHEME',
      description: 'Weight initialisation: xavier or he.',
      defaultText: 'he for relu hidden layers, else xavier',
    },
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
    {
      name: 'backend',
      short: 'b',
      type: 'string',
      value: 'NAME',
      description: 'cpu (float64), cpu32 (float32) or gpu (WebGPU).',
      defaultText: 'cpu',
    },
    {
      name: 'export',
      short: 'x',
      type: 'string',
      value: 'FILE',
      description:
        'Write the trained weights to FILE, atomically; the format follows the extension: .json (backprop-lens/weights), .npz (numpy), .safetensors (PyTorch nn.Sequential names), .onnx.',
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

interface Summary {
  readonly dataset: string;
  readonly model: ModelSpec;
  readonly parameters: number;
  readonly optimizer: OptimizerConfig;
  readonly batch: number | 'full';
  readonly backend: string;
  readonly steps: number;
  readonly epochs: number;
  readonly seconds: number;
  readonly interrupted: boolean;
  readonly metrics: Record<'train' | 'validation' | 'test', Metrics | null>;
  readonly exported: string | null;
}

interface Metrics {
  readonly samples: number;
  readonly loss: number;
  /** Regression: ‖F − Y‖ / ‖Y‖ in the targets' original units. */
  readonly relativeL2Error?: number;
  /** Classification: fraction of samples whose largest output is the true class. */
  readonly accuracy?: number;
}

/** Flags that describe a model or its input scaling, which a weights file already fixes. */
const MODEL_FLAGS = [
  'layers',
  'hidden',
  'activation',
  'output-activation',
  'loss',
  'init',
  'normalize',
  'normalize-targets',
] as const;

function parseOptions(values: Record<string, unknown>, data: TrainingData, start: WeightsFile | null) {
  const v = values as Parameters<typeof str>[0];
  const task = data.train.meta.task;
  const training = parseTrainingOptions(v);
  if (start) {
    const m = start.model;
    const pL = m.layers[m.layers.length - 1]!.units;
    if (m.inputSize !== data.train.X.cols || pL !== data.train.Y.cols) {
      throw new CliFailure(
        `${data.name} has ${plural(data.train.X.cols, 'feature')} and ${plural(data.train.Y.cols, 'target column')}, the model in --init-from has inputSize ${m.inputSize} and ${plural(pL, 'output')}`,
      );
    }
    checkTargetsForLoss(data.train, m.loss, (r) => ({ file: data.name, field: `Y[${r}]` }));
    const init: TrainConfig['init'] = { parameters: start.parameters };
    return { model: m, init, ...training };
  }
  const activation = choiceOption(str(v, 'activation') ?? 'tanh', 'activation', 'train', HIDDEN_ACTIVATIONS);
  const outputActivation = choiceOption(
    str(v, 'output-activation') ?? (task === 'classification' ? 'softmax' : 'identity'),
    'output-activation',
    'train',
    ACTIVATIONS,
  ) as Activation;
  const loss = choiceOption(
    str(v, 'loss') ?? (task === 'classification' ? 'cross-entropy' : 'mse'),
    'loss',
    'train',
    LOSSES,
  ) as LossKind;
  const hidden = hiddenWidths(str(v, 'layers'), str(v, 'hidden'), data.train.Y.cols, data.name);
  const model: ModelSpec = {
    inputSize: data.train.X.cols,
    layers: [
      ...hidden.map((units) => ({ units, activation })),
      { units: data.train.Y.cols, activation: outputActivation },
    ],
    loss,
  };
  checkModelFlags(model);
  checkTargetsForLoss(data.train, loss, (r) => ({ file: data.name, field: `Y[${r}]` }));
  if (data.test) checkTargetsForLoss(data.test, loss, (r) => ({ file: `${data.name} (test set)`, field: `Y[${r}]` }));
  const init: TrainConfig['init'] = choiceOption(
    str(v, 'init') ?? (activation === 'relu' ? 'he' : 'xavier'),
    'init',
    'train',
    ['xavier', 'he'] as const,
  );
  return { model, init, ...training };
}

/** Optimizer, batching and run length: the same whether the model is new or continued. */
function parseTrainingOptions(v: Parameters<typeof str>[0]) {
  const kind = choiceOption(str(v, 'optimizer') ?? 'adam', 'optimizer', 'train', ['sgd', 'adam'] as const);
  const lrRaw = str(v, 'lr');
  const lr =
    lrRaw === undefined
      ? kind === 'adam'
        ? 0.001
        : 0.01
      : numberOption(lrRaw, 'lr', 'train', { min: 0, minExclusive: true });
  const weightDecay = numberOption(str(v, 'weight-decay') ?? '0', 'weight-decay', 'train', { min: 0 });
  if (kind === 'adam' && str(v, 'momentum') !== undefined)
    throw new UsageError('--momentum applies to --optimizer sgd (Adam has --beta1)', 'train');
  if (kind === 'sgd' && (str(v, 'beta1') !== undefined || str(v, 'beta2') !== undefined)) {
    throw new UsageError('--beta1/--beta2 apply to --optimizer adam', 'train');
  }
  const unit = { min: 0, max: 1, maxExclusive: true };
  const optimizer: OptimizerConfig =
    kind === 'sgd'
      ? { kind, lr, momentum: numberOption(str(v, 'momentum') ?? '0', 'momentum', 'train', unit), weightDecay }
      : {
          kind,
          lr,
          beta1: numberOption(str(v, 'beta1') ?? String(DEFAULT_ADAM.beta1), 'beta1', 'train', unit),
          beta2: numberOption(str(v, 'beta2') ?? String(DEFAULT_ADAM.beta2), 'beta2', 'train', unit),
          eps: DEFAULT_ADAM.eps,
          weightDecay,
        };
  const batchRaw = str(v, 'batch') ?? '32';
  const batchSize: number | 'full' =
    batchRaw.trim().toLowerCase() === 'full' ? 'full' : integerOption(batchRaw, 'batch', 'train', 1);
  if (str(v, 'epochs') !== undefined && str(v, 'steps') !== undefined)
    throw new UsageError('give either --epochs or --steps, not both', 'train');
  const length: { readonly unit: 'steps' | 'epochs'; readonly n: number } =
    str(v, 'steps') !== undefined
      ? { unit: 'steps', n: integerOption(str(v, 'steps')!, 'steps', 'train', 1, 100_000_000) }
      : { unit: 'epochs', n: integerOption(str(v, 'epochs') ?? '100', 'epochs', 'train', 1, 100_000_000) };
  return { optimizer, batchSize, length };
}

/** The spec's cross-field rules (softmax ⇔ cross-entropy), reported in terms of the flags. */
function checkModelFlags(model: ModelSpec): void {
  try {
    validateModelSpec(model);
  } catch (e) {
    if (!(e instanceof ModelSpecError)) throw e;
    const reason = e.message.slice(e.path.length + 2);
    const flagName = e.path.endsWith('.loss')
      ? '--loss'
      : e.path.includes(`layers[${model.layers.length - 1}]`)
        ? '--output-activation'
        : '--activation';
    throw new UsageError(`${flagName}: ${reason}`, 'train');
  }
}

/** Loss on a set plus the task's natural metric, in the targets' original units. */
async function measure(session: Session, ds: LabeledDataset): Promise<Metrics> {
  const { loss, output } = await session.evaluate(ds.X, ds.Y);
  if (ds.meta.task === 'classification') {
    let correct = 0;
    for (let i = 0; i < ds.Y.rows; i++) if (argmax(output, i) === argmax(ds.Y, i)) correct++;
    return { samples: ds.X.rows, loss, accuracy: correct / ds.Y.rows };
  }
  const t = ds.meta.preprocessing?.outputs ?? null;
  const F = t ? invertTransform(output, t) : output;
  const Y = t ? invertTransform(ds.Y, t) : ds.Y;
  let diff = 0;
  let norm = 0;
  for (let k = 0; k < Y.data.length; k++) {
    diff += (F.data[k]! - Y.data[k]!) ** 2;
    norm += Y.data[k]! ** 2;
  }
  return { samples: ds.X.rows, loss, relativeL2Error: norm > 0 ? Math.sqrt(diff / norm) : Math.sqrt(diff) };
}

function argmax(m: Matrix, row: number): number {
  let best = 0;
  for (let j = 1; j < m.cols; j++) if (m.data[row * m.cols + j]! > m.data[row * m.cols + best]!) best = j;
  return best;
}

function rowsOf(ds: LabeledDataset, rows: Int32Array): LabeledDataset {
  return { X: gatherRows(ds.X, rows), Y: gatherRows(ds.Y, rows), meta: ds.meta };
}

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
  const backendChoice = choiceOption(str(values, 'backend') ?? 'cpu', 'backend', 'train', BACKEND_CHOICES);
  const exportPath = str(values, 'export');
  const initFrom = str(values, 'init-from');
  if (exportPath !== undefined) {
    await checkWritableFolder(io, exportPath);
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
      await writeWeightsAnyFormat(resolvePath(io, exportPath), w, displayPath(io, exportPath), {
        producerVersion: packageVersion(),
      });
    }
    const sessionPath = str(values, 'save-session');
    if (sessionPath !== undefined) {
      const meta = data.train.meta;
      await saveTrainSession(io, sessionPath, session, {
        name: data.name,
        X: data.train.X,
        Y: data.train.Y,
        features: meta.featureNames,
        targets: meta.targetNames,
      });
    }
    io.stdout.write(flag(values, 'json') ? `${JSON.stringify(summary, null, 2)}\n` : describe(summary));
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

function weightsFor(
  s: Summary,
  data: TrainingData,
  parameters: WeightsFile['parameters'],
  seed: number,
  initFrom: string | null,
): WeightsFile {
  const m = s.metrics;
  const meta = data.train.meta;
  return {
    model: s.model,
    parameters,
    ...(meta.preprocessing ? { preprocessing: meta.preprocessing as unknown as JsonObject } : {}),
    training: {
      steps: s.steps,
      epochs: s.epochs,
      optimizer: { ...s.optimizer },
      learningRate: s.optimizer.lr,
      batchSize: s.batch,
      seed,
      finalLoss: m.train!.loss,
      finalValidationLoss: m.validation?.loss ?? null,
      backend: s.backend,
      seconds: Number(s.seconds.toFixed(3)),
      ...(m.test ? { testLoss: m.test.loss } : {}),
      ...(m.test?.relativeL2Error !== undefined ? { testRelativeL2Error: m.test.relativeL2Error } : {}),
      ...(m.test?.accuracy !== undefined ? { testAccuracy: m.test.accuracy } : {}),
      ...(initFrom !== null ? { initializedFrom: initFrom } : {}),
    },
    dataset: {
      name: data.name,
      features: [...meta.featureNames],
      targets: [...meta.targetNames],
      samples: data.train.X.rows,
      ...(data.builtinParams ? { builtin: { ...data.builtinParams } } : {}),
    },
    createdWith: `backprop-lens ${packageVersion()} (cli)`,
  };
}

function describe(s: Summary): string {
  const arch = architecture(s.model);
  const opt =
    s.optimizer.kind === 'adam'
      ? `adam lr ${num(s.optimizer.lr)}`
      : `sgd lr ${num(s.optimizer.lr)}${s.optimizer.momentum > 0 ? ` momentum ${s.optimizer.momentum}` : ''}`;
  const lines = [
    `${s.interrupted ? 'interrupted after' : 'trained'} ${plural(s.steps, 'step')} (${plural(s.epochs, 'epoch')}) in ${duration(s.seconds * 1000)} on ${s.backend}` +
      ` (${num(s.steps / Math.max(s.seconds, 1e-9), 3)} steps/s)`,
    `model: ${arch}; loss ${s.model.loss}; ${plural(s.parameters, 'parameter')}; ${opt}; batch ${s.batch}`,
    `data: ${s.dataset}`,
    '',
  ];
  const regression = s.metrics.train?.relativeL2Error !== undefined;
  const header = ['set', 'samples', 'loss', regression ? 'rel. L2 error' : 'accuracy'];
  const rows = (['train', 'validation', 'test'] as const)
    .filter((k) => s.metrics[k] !== null)
    .map((k) => {
      const m = s.metrics[k]!;
      const extra = regression ? num(m.relativeL2Error!) : `${(100 * m.accuracy!).toFixed(1)}%`;
      return [k, String(m.samples), num(m.loss), extra];
    });
  lines.push(table(header, rows));
  if (s.exported) lines.push(`wrote ${s.exported}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `train`'s flags → the training options: the model (from the model flags, or from an
 * --init-from weights file), the optimizer, batching and the run length, each flag checked with a
 * message that names it. The model flags themselves are declared in ../model-options.ts.
 */
import type { WeightsFile } from '../../io/weights-file.js';
import {
  ACTIVATIONS,
  type Activation,
  LOSSES,
  type LossKind,
  type ModelSpec,
  ModelSpecError,
  validateModelSpec,
} from '../../model/spec.js';
import { checkTargetsForLoss } from '../../data/prepare.js';
import { DEFAULT_ADAM } from '../../train/optimizer.js';
import type { OptimizerConfig, TrainConfig } from '../../train/types.js';
import { choiceOption, integerOption, numberOption, str } from '../args.js';
import type { TrainingData } from '../dataset-source.js';
import { CliFailure, UsageError } from '../errors.js';
import { plural } from '../format.js';
import { HIDDEN_ACTIVATIONS, hiddenWidths } from '../model-options.js';

/** Flags that describe a model or its input scaling, which a weights file already fixes. */
export const MODEL_FLAGS = [
  'layers',
  'hidden',
  'activation',
  'output-activation',
  'loss',
  'init',
  'normalize',
  'normalize-targets',
] as const;

/** The training options from the parsed flags, the loaded data and, with --init-from, the weights file to start from. */
export function parseOptions(values: Record<string, unknown>, data: TrainingData, start: WeightsFile | null) {
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


/**
 * Normalisation as part of the training configuration: fitted on the session's own training rows
 * (the seeded split the Session makes), never on its validation rows, and applied to every row.
 * This is the one place that fits it; the CLI and the engine host both reach it through
 * Session.create, so the statistics of the held-out rows cannot leak into training on either path.
 */
import { applyTransform, fitTransform, type NormalizationMethod, type Preprocessing } from '../data/preprocessing.js';
import type { LabeledDataset } from '../data/types.js';
import type { Dataset, NormalizationConfig, TrainConfig } from './types.js';

/** What a session trains on: the dataset after the normalisation, and the normalisation itself (null: raw). */
export interface TrainingData {
  readonly data: Dataset;
  readonly preprocessing: Preprocessing | null;
}

const METHODS: readonly string[] = ['standardize', 'min-max', 'none'];

/** Throws a RangeError naming the key of a bad normalisation setting (before anything is uploaded). */
export function validateNormalization(config: TrainConfig): void {
  const n = config.normalize;
  if (n === undefined) return;
  for (const key of ['inputs', 'targets'] as const) {
    const m = n[key];
    if (m !== undefined && !METHODS.includes(m))
      throw new RangeError(`normalize.${key}: must be "standardize", "min-max" or "none", got ${JSON.stringify(m)}`);
  }
  if ((n.targets ?? 'none') !== 'none' && config.model.loss === 'cross-entropy')
    throw new RangeError('normalize.targets: cross-entropy targets are probabilities and cannot be normalised');
}

function method(m: NormalizationMethod | 'none' | undefined): NormalizationMethod | null {
  return m === undefined || m === 'none' ? null : m;
}

function columnNames(dataset: Dataset, key: 'featureNames' | 'targetNames', count: number, prefix: string): string[] {
  const meta = (dataset as { meta?: { featureNames?: readonly string[]; targetNames?: readonly string[] } }).meta;
  const given = meta?.[key];
  return given && given.length === count ? [...given] : Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

/**
 * Fits the configured normalisation on `trainRows` of the dataset and applies it to all rows.
 * Without one (or with 'none' for both), the dataset is returned as it is.
 */
export function normalizeForTraining(
  dataset: Dataset,
  normalize: NormalizationConfig | undefined,
  trainRows: Int32Array,
): TrainingData {
  const inputs = method(normalize?.inputs);
  const targets = method(normalize?.targets);
  if (inputs === null && targets === null) return { data: dataset, preprocessing: null };
  const pre: Preprocessing = {
    version: 1,
    inputs: inputs && fitTransform(dataset.X, inputs, columnNames(dataset, 'featureNames', dataset.X.cols, 'x'), trainRows),
    outputs:
      targets && fitTransform(dataset.Y, targets, columnNames(dataset, 'targetNames', dataset.Y.cols, 'y'), trainRows),
  };
  return {
    data: {
      X: pre.inputs ? applyTransform(dataset.X, pre.inputs) : dataset.X,
      Y: pre.outputs ? applyTransform(dataset.Y, pre.outputs) : dataset.Y,
    },
    preprocessing: pre,
  };
}

/**
 * A loaded dataset as a session trains on it: the session's rows (normalised) under the loaded
 * metadata, with the normalisation recorded (for metrics in target units and the weights file).
 */
export function asTrained(loaded: LabeledDataset, trained: TrainingData): LabeledDataset {
  return {
    X: trained.data.X,
    Y: trained.data.Y,
    meta: { ...loaded.meta, preprocessing: trained.preprocessing ?? loaded.meta.preprocessing },
  };
}

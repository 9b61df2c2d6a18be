/**
 * Everything a Session is made from, checked and prepared before anything reaches a backend:
 * the configuration and options validated, the seeded train/validation split and batch schedule,
 * the normalisation fitted on the training rows (normalization.ts), the initial parameters.
 */
import { validateModelSpec } from '../model/spec.js';
import { DEFAULT_HISTOGRAM_BINS } from '../telemetry/stats.js';
import { BatchSchedule, splitTrainValidation } from './batching.js';
import { type HistoryEntry, RingBuffer } from './history.js';
import { resolveInitialParameters } from './init.js';
import { normalizeForTraining, validateNormalization } from './normalization.js';
import { validateOptimizerConfig } from './optimizer.js';
import type { SessionOptions } from './session-types.js';
import type { Preprocessing } from '../data/types.js';
import type { BreakpointCondition, Dataset, ParameterSet, TrainConfig } from './types.js';
import { checkBreakpoints, checkSessionSettings, validateDataset } from './validate.js';

export const DEFAULT_HISTORY_SIZE = 100;
export const DEFAULT_HISTORY_MATRIX_SIZE = 64;
/** Training state (parameters, optimizer buffers) the history may hold by default: 256 MiB. */
export const DEFAULT_HISTORY_BYTES = 256 * 2 ** 20;

export interface SessionSetup {
  readonly config: TrainConfig;
  /** The dataset after the normalisation fitted on the training rows. */
  readonly data: Dataset;
  readonly preprocessing: Preprocessing | null;
  readonly options: Required<Omit<SessionOptions, 'breakpoints'>>;
  readonly breakpoints: readonly BreakpointCondition[];
  readonly trainRows: Int32Array;
  readonly validationRows: Int32Array;
  readonly schedule: BatchSchedule;
  readonly params: ParameterSet;
  readonly history: RingBuffer<HistoryEntry>;
}

/** Validates the configuration, the dataset and the options (RangeErrors naming the key) and prepares the session's data. */
export function prepareSession(config: TrainConfig, dataset: Dataset, options: SessionOptions = {}): SessionSetup {
  validateModelSpec(config.model);
  validateDataset(config, dataset);
  const recordEvery = options.recordEvery ?? 1;
  checkSessionSettings(config, recordEvery);
  validateOptimizerConfig(config.optimizer);
  validateNormalization(config);
  const breakpoints = options.breakpoints ?? [];
  checkBreakpoints(config, breakpoints);
  const split = splitTrainValidation(dataset.X.rows, config.validationFraction, config.seed);
  const prepared = normalizeForTraining(dataset, config.normalize, split.train);
  return {
    config,
    data: prepared.data,
    preprocessing: prepared.preprocessing,
    options: {
      recordEvery,
      histogramBins: options.histogramBins === undefined ? DEFAULT_HISTOGRAM_BINS : options.histogramBins,
      historyMatrixSize: options.historyMatrixSize ?? DEFAULT_HISTORY_MATRIX_SIZE,
    },
    breakpoints,
    trainRows: split.train,
    validationRows: split.validation,
    schedule: new BatchSchedule(split.train, config.batchSize, config.seed),
    params: resolveInitialParameters(config.model, config.init, config.seed),
    history: new RingBuffer<HistoryEntry>(config.historySize ?? DEFAULT_HISTORY_SIZE),
  };
}

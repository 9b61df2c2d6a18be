/**
 * Everything a Session is made from, checked and prepared before anything reaches a backend:
 * the configuration and options validated, the seeded train/validation split and batch schedule,
 * the normalisation fitted on the training rows (normalization.ts), the initial parameters.
 */
import type { Backend } from '../backends/backend.js';
import {
  DEFAULT_MEMORY_LIMITS,
  type MemoryEstimate,
  type MemoryEstimateInput,
  type MemoryLimits,
  checkMemoryFits,
  estimateMemory,
} from '../model/memory-estimate.js';
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

/** The memory a session of `config` on `trainRows` rows will need (engine/model/memory-estimate.ts). */
export function estimateSessionMemory(
  config: Pick<TrainConfig, 'model' | 'batchSize' | 'historySize' | 'historyBytes'> & {
    readonly optimizer?: MemoryEstimateInput['optimizer'];
  },
  trainRows: number,
  backend: Pick<Backend, 'precision'> = { precision: 'f64' },
): MemoryEstimate {
  const batch = config.batchSize === 'full' ? trainRows : Math.min(config.batchSize, trainRows);
  const base = estimateMemory({ model: config.model, batchSize: batch, optimizer: config.optimizer, precision: backend.precision });
  // The history keeps whole training states, up to its byte budget.
  const entries = config.historySize ?? DEFAULT_HISTORY_SIZE;
  const state = base.parameterBytes + base.optimizerBytes;
  const historyBytes = Math.min(config.historyBytes ?? DEFAULT_HISTORY_BYTES, entries * state);
  return estimateMemory({
    model: config.model,
    batchSize: batch,
    optimizer: config.optimizer,
    precision: backend.precision,
    historyBytes,
  });
}

function memoryLimitsFor(backend: Pick<Backend, 'maxBufferBytes'>, options: SessionOptions): MemoryLimits {
  const limits = options.memoryLimits ?? DEFAULT_MEMORY_LIMITS;
  const buffer = backend.maxBufferBytes;
  return buffer === undefined ? limits : { ...limits, maxMatrixBytes: Math.min(limits.maxMatrixBytes, buffer) };
}

export interface SessionSetup {
  readonly config: TrainConfig;
  /** The dataset after the normalisation fitted on the training rows. */
  readonly data: Dataset;
  readonly preprocessing: Preprocessing | null;
  readonly options: Required<Omit<SessionOptions, 'breakpoints' | 'memoryLimits'>>;
  readonly breakpoints: readonly BreakpointCondition[];
  readonly trainRows: Int32Array;
  readonly validationRows: Int32Array;
  readonly schedule: BatchSchedule;
  readonly params: ParameterSet;
  readonly history: RingBuffer<HistoryEntry>;
}

/**
 * Validates the configuration, the dataset and the options (RangeErrors naming the key), refuses
 * what cannot fit the backend's memory, and prepares the session's data.
 */
export function prepareSession(
  config: TrainConfig,
  dataset: Dataset,
  backend: Pick<Backend, 'precision' | 'maxBufferBytes'>,
  options: SessionOptions = {},
): SessionSetup {
  validateModelSpec(config.model);
  validateDataset(config, dataset);
  const recordEvery = options.recordEvery ?? 1;
  checkSessionSettings(config, recordEvery);
  validateOptimizerConfig(config.optimizer);
  validateNormalization(config);
  const breakpoints = options.breakpoints ?? [];
  checkBreakpoints(config, breakpoints);
  const split = splitTrainValidation(dataset.X.rows, config.validationFraction, config.seed);
  // Refuse what cannot fit before the first parameter is allocated, with the estimate.
  checkMemoryFits(estimateSessionMemory(config, split.train.length, backend), memoryLimitsFor(backend, options));
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

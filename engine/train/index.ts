/** Public API of the training core (the lead re-exports this from engine/index.ts). */
export * from './types.js';
export {
  ParameterError,
  cloneParameters,
  initParameters,
  resolveInitialParameters,
  validateParameters,
} from './init.js';
export { forwardBackward, validateBatch } from './forward-backward.js';
export type { ForwardBackwardResult, LayerPass } from './forward-backward.js';
export { validateDataset, checkProbabilityTargets, PROBABILITY_ROW_TOLERANCE } from './validate.js';
export {
  Session,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_HISTORY_MATRIX_SIZE,
  DEFAULT_HISTORY_BYTES,
  estimateSessionMemory,
  LOSS_LOG_SIZE,
} from './session.js';
export type { LayerMatrices, OpResult, RunResult, SessionOptions, SessionPosition } from './session.js';
export { Optimizer, validateOptimizerConfig, DEFAULT_ADAM } from './optimizer.js';
export type { OptimizerSnapshot } from './optimizer.js';
export { BatchSchedule, deriveSeed, splitTrainValidation } from './batching.js';
export type { BatchSlot, Split } from './batching.js';
export { stepOps, forwardEquation, lossEquation, backwardEquation, updateEquation } from './equations.js';
export {
  evaluateBreakpoints,
  neededProducts,
  opProducts,
  productKey,
  validateBreakpoints,
  MAX_HIT_CELLS,
  LOSS_SPIKE_WARMUP,
  DEFAULT_LOSS_SPIKE_WINDOW,
} from './breakpoints.js';
export type { MatrixName, Product, ProductRef, BreakpointContext } from './breakpoints.js';
export { RingBuffer, enforceStateBudget, isRestorable, stateBytes } from './history.js';
export type { HistoryEntry, RestorableEntry } from './history.js';

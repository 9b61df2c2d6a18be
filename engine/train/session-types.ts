/** What a Session is given (SessionOptions) and what its calls return. */
import type { Matrix } from '../core/matrix.js';
import type { MemoryLimits } from '../model/memory-estimate.js';
import type { BreakpointCondition, BreakpointHit, OpRef, StepSummary } from './types.js';

export interface SessionOptions {
  /** What a configuration may need in all and per matrix (default DEFAULT_MEMORY_LIMITS, capped by the backend's buffer size). */
  readonly memoryLimits?: MemoryLimits;
  /** Compute per-layer stats and push a history entry every k-th step (default 1; 0: never). */
  readonly recordEvery?: number;
  /** Histogram bins in the stats (default 32; null: no histograms). */
  readonly histogramBins?: number | null;
  /** History keeps matrices decimated to at most this many rows and columns (default 64). */
  readonly historyMatrixSize?: number;
  readonly breakpoints?: readonly BreakpointCondition[];
}

export interface OpResult {
  readonly op: OpRef;
  /** 1-based number of the step the op belongs to. */
  readonly step: number;
  readonly hits: readonly BreakpointHit[];
  /** True when this op was the step's update (the step is complete). */
  readonly stepCompleted: boolean;
  /** The finished step's summary when stepCompleted, else null. */
  readonly summary: StepSummary | null;
}

export interface RunResult {
  /** Steps finished by this call (a step begun earlier and finished here counts). */
  readonly stepsCompleted: number;
  /** The hits of the op that stopped the run; empty when it ran to the end. */
  readonly hits: readonly BreakpointHit[];
  /** Summary of the last step finished by this call, or null. */
  readonly summary: StepSummary | null;
  /** The op a further runOp would run. */
  readonly next: OpRef;
}

export interface SessionPosition {
  /** Steps completed so far. */
  readonly step: number;
  /** Index in ops() of the next op; 0 at a step boundary. */
  readonly opIndex: number;
  /** Epoch and batch of the step in progress (or of the next one at a step boundary). */
  readonly epoch: number;
  readonly batchInEpoch: number;
}

/** Host copies of one layer's current matrices (null where the current step has not produced it yet). */
export interface LayerMatrices {
  /** A_i: the layer's input (A_0 = X, the batch). */
  readonly A: Matrix | null;
  readonly H: Matrix | null;
  /** A_{i+1} = act_i(H_i): the layer's output. */
  readonly out: Matrix | null;
  readonly G: Matrix | null;
  readonly W: Matrix;
  readonly b: Matrix;
  readonly dW: Matrix | null;
  readonly db: Matrix | null;
}

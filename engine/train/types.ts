/**
 * The training session's public types: what callers (CLI, engine host, tests) configure and get
 * back. The Session itself lives in session.ts. Kept in one small file so that every consumer
 * codes against the same shapes.
 */
import type { Matrix } from '../core/matrix.js';
import type { BackendName } from '../backends/backend.js';
import type { ModelSpec } from '../model/spec.js';
import type { LayerStats } from '../telemetry/types.js';

// The statistics of a step are telemetry's (engine/telemetry/types.ts); re-exported for callers of train.
export type { Histogram, LayerHistograms, LayerStats } from '../telemetry/types.js';

export type InitScheme = 'xavier' | 'he';

/** standardize: (x − mean) / std; min-max: (x − min) / (max − min) → [0, 1]; none: raw. */
export type NormalizationChoice = 'standardize' | 'min-max' | 'none';

/**
 * Normalisation of the data the session trains on, fitted on the session's own training rows
 * (never its validation rows) and applied to every row (engine/train/normalization.ts).
 */
export interface NormalizationConfig {
  /** The inputs X (default none). */
  readonly inputs?: NormalizationChoice;
  /** Regression targets Y (default none; not with cross-entropy, whose targets are probabilities). */
  readonly targets?: NormalizationChoice;
}

/** User-given parameters, in the layout of the weights file (W_i: fan-in rows). */
export interface ParameterSet {
  readonly W: Matrix[];
  readonly b: Matrix[]; // each 1 × p_{i+1}
}

export type OptimizerConfig =
  | { readonly kind: 'sgd'; readonly lr: number; readonly momentum: number; readonly weightDecay: number }
  | {
      readonly kind: 'adam';
      readonly lr: number;
      readonly beta1: number;
      readonly beta2: number;
      readonly eps: number;
      readonly weightDecay: number;
    };

export interface TrainConfig {
  readonly model: ModelSpec;
  /** Xavier/Glorot or He initialisation from `seed`, or user-given parameters. */
  readonly init: InitScheme | { readonly parameters: ParameterSet };
  readonly optimizer: OptimizerConfig;
  /** Samples per mini-batch; 'full' (or ≥ the training size) is full-batch gradient descent. */
  readonly batchSize: number | 'full';
  /** Seeds initialisation, the train/validation split and the shuffling of every epoch. */
  readonly seed: number;
  /** Fraction of the samples held out for validation, in [0, 1). */
  readonly validationFraction: number;
  /** Normalisation fitted on the training rows of this split (default: none, the data as given). */
  readonly normalize?: NormalizationConfig;
  /** How many past steps to keep for time travel (bounded ring buffer). */
  readonly historySize?: number;
  /**
   * Bytes of training state (float64 parameters and optimizer buffers) the history may hold
   * (default DEFAULT_HISTORY_BYTES, 256 MiB); older entries past it keep only what time travel
   * shows and can no longer be restored (engine/train/history.ts).
   */
  readonly historyBytes?: number;
}

// The training data, X and Y, is a data type (engine/data/types.ts); re-exported for callers of train.
export type { Dataset } from '../data/types.js';

/** The named ops of one training step, in order: forward 0…L-1, loss, backward L-1…0, update. */
export type OpKind = 'forward' | 'loss' | 'backward' | 'update';

export interface OpRef {
  readonly kind: OpKind;
  /** The layer the op works on; null for loss and update. */
  readonly layer: number | null;
  /** Position in the step's op list. */
  readonly index: number;
  /** e.g. "forward layer 1", "backward layer 0". */
  readonly label: string;
  /** The equation the op applies, in LaTeX, in the notation of FORMATS.md. */
  readonly equation: string;
}

export type BreakpointCondition =
  | { readonly kind: 'non-finite' }
  | { readonly kind: 'vanishing'; readonly layer?: number; readonly threshold: number } // ‖G_i‖ below
  | { readonly kind: 'exploding'; readonly layer?: number; readonly threshold: number } // ‖G_i‖ above
  | { readonly kind: 'saturation'; readonly layer?: number; readonly fraction: number } // tanh/sigmoid |deriv| tiny
  | { readonly kind: 'dead-relu'; readonly layer?: number; readonly fraction: number }
  /** loss > factor × the mean loss of the previous `window` steps (default 20; needs 3 steps of history). */
  | { readonly kind: 'loss-spike'; readonly factor: number; readonly window?: number };

export interface BreakpointHit {
  readonly condition: BreakpointCondition;
  readonly step: number;
  readonly op: OpRef;
  readonly layer: number | null;
  /** Which matrix tripped it ("A", "H", "G", "W", "dW", "db", "loss") and the offending flat indices (capped). */
  readonly matrix: string;
  /**
   * The FORMATS.md subscript of that matrix (e.g. 2 for A_2, the output of layer 1; 1 for G_1); null for the loss.
   * Session.getMatrix(matrixIndex, matrix) fetches it.
   */
  readonly matrixIndex?: number | null;
  readonly cells: readonly number[];
  readonly message: string;
}

export interface StepSummary {
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
  readonly validationLoss: number | null;
  readonly layers: readonly LayerStats[];
}

export type { BackendName };

/**
 * What the data module hands to the rest of the engine: the training session's `Dataset`
 * (X n×p0, Y n×pL) plus the metadata the dashboard, the CLI and the weights export need.
 */
import type { Matrix } from '../core/matrix.js';

/** What a training session trains on: one sample per row (FORMATS.md). */
export interface Dataset {
  readonly X: Matrix; // n × p_0
  readonly Y: Matrix; // n × p_L
}

export type TaskKind = 'regression' | 'classification';

/** Normalisation records (engine/data/preprocessing.ts fits and applies them). */
export type NormalizationMethod = 'standardize' | 'min-max';

export interface ColumnTransform {
  /** standardize: offset = mean, scale = population std; min-max: offset = min, scale = max − min (→ [0, 1]). */
  readonly method: NormalizationMethod;
  readonly names: readonly string[];
  readonly offset: readonly number[];
  /** Never 0: a constant column gets scale 1, so it maps to 0 instead of dividing by zero. */
  readonly scale: readonly number[];
}

export interface Preprocessing {
  readonly version: 1;
  /** Apply to raw inputs before the network: x' = (x − offset) / scale. */
  readonly inputs: ColumnTransform | null;
  /** The network predicts normalised targets; raw prediction y = y' · scale + offset. */
  readonly outputs: ColumnTransform | null;
}


export interface DatasetMeta {
  /** A built-in's name or the file it came from. */
  readonly name: string;
  readonly task: TaskKind;
  /** One per column of X. */
  readonly featureNames: readonly string[];
  /** One per column of Y; for classification these are the class names. */
  readonly targetNames: readonly string[];
  /** Classification only: class k is one-hot column k. Null for regression. */
  readonly classNames: readonly string[] | null;
  /** How X (and for regression possibly Y) was normalised; null when raw. */
  readonly preprocessing: Preprocessing | null;
  /** For image sets: X rows are row-major images of this size (the dashboard can draw them). */
  readonly image?: { readonly width: number; readonly height: number };
}

export interface LabeledDataset extends Dataset {
  readonly meta: DatasetMeta;
}

/** Limits that turn a file too big for memory into a clear error instead of a crash. */
export interface DatasetLimits {
  /** Bytes of input (after gunzip). */
  readonly maxBytes: number;
  /** rows × columns of the parsed table or array. */
  readonly maxCells: number;
}

export const DEFAULT_LIMITS: DatasetLimits = {
  maxBytes: 512 * 1024 * 1024,
  maxCells: 64_000_000, // 512 MB as float64: MNIST's 60 000 × 784 training images fit
};

export interface Progress {
  readonly bytesDone: number;
  /** Null when the total is not known (a stream without a length). */
  readonly bytesTotal: number | null;
}

/** Options every parser takes. */
export interface ParseOptions {
  /** Used in error messages. */
  readonly fileName?: string;
  readonly limits?: Partial<DatasetLimits>;
  readonly onProgress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
}

export function resolveLimits(l: Partial<DatasetLimits> | undefined): DatasetLimits {
  return { ...DEFAULT_LIMITS, ...(l ?? {}) };
}

/**
 * A session file's contents as the engine uses them (typed arrays, not blobs). The writer turns
 * this into manifest.json plus safetensors blobs; the reader gives it back, checked.
 */
import type { Matrix } from '../core/matrix.js';
import type { ModelSpec } from '../model/spec.js';
import type { StoredParameters } from '../train/history.js';
import type { OptimizerSnapshot } from '../train/optimizer.js';
import type { BreakpointCondition, NormalizationConfig, OptimizerConfig } from '../train/types.js';
import type { Precision } from './container.js';

export interface SessionTrainingSettings {
  /** The settings in effect (with the learning rate last set). */
  readonly optimizer: OptimizerConfig;
  readonly batchSize: number | 'full';
  readonly validationFraction: number;
  /** How the parameters were initialised: from the seed, or given (a weights file, an attached model). */
  readonly init: 'xavier' | 'he' | 'given';
  readonly historySize?: number;
  readonly historyBytes?: number;
  /** Normalisation the session fits on its training rows (the stored data is raw). */
  readonly normalize?: NormalizationConfig;
}

/** Parameters and optimizer state after `step` steps: enough to continue exactly. */
export interface SessionState {
  readonly step: number;
  readonly epoch: number;
  readonly parameters: StoredParameters;
  /** Null where the optimizer's state is unknown (an attached run) or the optimizer keeps none. */
  readonly optimizer: OptimizerSnapshot | null;
}

/** One kept step of the history. Without parameters it is kept for its losses only. */
export interface SessionHistoryStep {
  readonly step: number;
  readonly epoch: number;
  readonly loss: number | null;
  readonly validationLoss: number | null;
  readonly parameters: StoredParameters | null;
  readonly optimizer: OptimizerSnapshot | null;
}

export interface SessionDataset {
  readonly name: string;
  readonly features?: readonly string[];
  readonly targets?: readonly string[];
  /** X (n × p_0) and Y (n × p_L) as given to the session (before its normalisation); null when only referenced and not loaded. */
  readonly data: { readonly X: Matrix; readonly Y: Matrix } | null;
  /** Store a reference to this file (checked by size and hash on open) instead of embedding the data. */
  readonly file?: {
    /** Relative to the session file's folder when it can be, else absolute. */
    readonly path: string;
    readonly absolutePath?: string;
    readonly bytes: number;
    /** SHA-256 of the file's bytes. */
    readonly sha256: string;
    /** The reader options it was read with (features, targets, task, delimiter, …). */
    readonly read?: Readonly<Record<string, unknown>>;
  };
  /** Identity of X and Y (see docs/formats.md); filled in by the reader. */
  readonly sha256?: string;
  /** Shape when `data` is null. */
  readonly samples?: number;
}

export interface LossPoint {
  readonly step: number;
  readonly loss: number;
  readonly validationLoss: number | null;
}

export interface SessionContents {
  readonly createdWith?: { readonly name: string; readonly version: string };
  readonly createdAt?: string;
  readonly source: { readonly kind: 'local' | 'attached'; readonly description?: string };
  readonly seed: number;
  readonly model: ModelSpec;
  readonly training: SessionTrainingSettings;
  /** Precision of the stored state (the backend's: f32 on cpu-f32 and webgpu-f32). */
  readonly precision: Precision;
  readonly backend: string;
  readonly position: { readonly step: number; readonly epoch: number };
  readonly state: SessionState | null;
  readonly breakpoints: readonly BreakpointCondition[];
  readonly dataset: SessionDataset | null;
  readonly preprocessing?: Readonly<Record<string, unknown>>;
  readonly notes: string;
  readonly view?: Readonly<Record<string, unknown>>;
  readonly lossCurve: readonly LossPoint[];
  readonly history: readonly SessionHistoryStep[];
  /** Set on a minimal repro: the hit it reproduces. */
  readonly repro?: { readonly step: number; readonly op: string; readonly message: string };
}

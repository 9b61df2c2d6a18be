/**
 * The events that answer the analysis commands: classification metrics (request-metrics), the
 * float32-vs-float64 backend comparison, the gradient check and the compare report. Part of the
 * EngineEvent union of events.ts, which re-exports them.
 */
import type { BackendName } from '../backends/backend.js';
import type { CompareReport } from '../compare/types.js';
import type { EventBase as Base } from './event-base.js';
import type { MatrixPayload } from './matrix-payload.js';

/** Classification metrics of one set (training or validation rows); see engine/telemetry/classification.ts. */
export interface ClassMetricsPayload {
  readonly samples: number;
  /** Rows of the set left out (beyond `maxRows`). */
  readonly omitted: number;
  readonly accuracy: number;
  readonly classes: number;
  /** k × k, row-major: [true class t][predicted class p]. */
  readonly confusion: readonly number[];
  readonly classCounts: readonly number[];
  readonly predictedCounts: readonly number[];
  /** Per confusion cell, the first dataset rows (0-based indices into the loaded data set) that fall in it. */
  readonly examples: readonly (readonly number[])[];
}

export interface MetricsEvent extends Base {
  readonly type: 'metrics';
  /** Steps completed when measured. */
  readonly step: number;
  readonly task: 'classification' | 'regression';
  /** Class names in output-column order (null for regression). */
  readonly classNames: readonly string[] | null;
  readonly train: ClassMetricsPayload | null;
  readonly validation: ClassMetricsPayload | null;
}

export interface BackendLayerComparison {
  readonly layer: number;
  /** Element-wise |fast − reference| / max(|reference|, 1e-12), decimated (largest wins), for G_i, ∂L/∂W_i, ∂L/∂b_i. */
  readonly G: MatrixPayload;
  readonly dW: MatrixPayload;
  readonly db: MatrixPayload;
  /** Largest relative difference of each (full matrices, not the decimated ones). */
  readonly maxRelError: { readonly G: number; readonly dW: number; readonly db: number };
  readonly maxAbsError: { readonly G: number; readonly dW: number; readonly db: number };
}

export interface BackendComparisonEvent extends Base {
  readonly type: 'backend-comparison';
  readonly reference: 'cpu-f64';
  /** The float32 backend that was compared. */
  readonly backend: BackendName;
  readonly step: number;
  readonly batchRows: number;
  readonly loss: { readonly fast: number; readonly reference: number };
  readonly layers: readonly BackendLayerComparison[];
  /** Largest relative difference over every layer's G, ∂W, ∂b. */
  readonly maxRelError: number;
}

export interface GradcheckParam {
  /** Largest relative error over the checked elements. */
  readonly maxRelError: number;
  readonly checked: number;
  readonly total: number;
  /** Per-element relative error (NaN where an element was not checked). */
  readonly relError: MatrixPayload;
}

export interface GradcheckLayer {
  readonly layer: number;
  readonly W: GradcheckParam;
  readonly b: GradcheckParam;
  readonly passed: boolean;
}

export interface BackendDiff {
  readonly maxAbsDiff: number;
  /** |fast − reference| / max(|reference|, 1e-12), largest over the matrix. */
  readonly maxRelDiff: number;
  /** Per-element |fast − reference|. */
  readonly diff: MatrixPayload;
}

export interface GradcheckResultEvent extends Base {
  readonly type: 'gradcheck-result';
  /** The backend whose analytic gradients were checked (the session's). */
  readonly backend: BackendName;
  readonly eps: number;
  readonly tolerance: number;
  readonly loss: number;
  readonly batchRows: number;
  readonly passed: boolean;
  /** True when some layer was checked on a seeded sample of its elements. */
  readonly sampled: boolean;
  readonly maxRelError: number;
  readonly layers: readonly GradcheckLayer[];
  /** When the session runs on a fast backend: its ∂L/∂W_i, ∂L/∂b_i against the cpu-f64 reference on the same batch. */
  readonly reference: {
    readonly layers: readonly { readonly layer: number; readonly dW: BackendDiff; readonly db: BackendDiff }[];
  } | null;
}

/** One quantity of a compare, in FORMATS' rows layout: theirs (null when missing or misshapen), the float64 reference, theirs − reference. */
export interface CompareQuantityValues {
  readonly name: string;
  readonly theirs: { readonly rows: number; readonly cols: number; readonly data: Float64Array } | null;
  readonly reference: { readonly rows: number; readonly cols: number; readonly data: Float64Array };
  readonly difference: { readonly rows: number; readonly cols: number; readonly data: Float64Array } | null;
}

export interface CompareResultEvent extends Base {
  readonly type: 'compare-result';
  /** The `backprop-lens/compare-report` (docs/formats.md). */
  readonly report: CompareReport;
  /** Every quantity of report.quantities, same order. */
  readonly values: readonly CompareQuantityValues[];
}

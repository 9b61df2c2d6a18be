/**
 * The statistics telemetry computes for a recorded step: per layer, norms, ranges, saturation and
 * dead units, and fixed-bin histograms (engine/telemetry/stats.ts). They travel in StepSummary,
 * history entries and frames.
 */
export interface LayerStats {
  readonly layer: number;
  readonly normG: number;
  readonly normW: number;
  readonly normDW: number;
  readonly normDb: number;
  /** ‖∂L/∂W_i‖ / ‖W_i‖: the relative update size. */
  readonly gradToWeight: number;
  readonly minA: number;
  readonly maxA: number;
  readonly nonFinite: number;
  /** tanh/sigmoid units whose derivative is below 1e-2; null for other activations. */
  readonly saturatedFraction: number | null;
  /** relu units that are 0 for every sample of the batch; null for other activations. */
  readonly deadFraction: number | null;
  /** Fixed-bin histograms of this layer's output A_{i+1}, G_i, W_i and ∂L/∂W_i (engine/telemetry). */
  readonly histograms?: LayerHistograms;
}

/** `counts.length` equal-width bins over [min, max] of the finite values; non-finite ones counted apart. */
export interface Histogram {
  readonly min: number;
  readonly max: number;
  readonly counts: readonly number[];
  readonly nonFinite: number;
}

export interface LayerHistograms {
  readonly A: Histogram;
  readonly G: Histogram;
  readonly W: Histogram;
  readonly dW: Histogram;
}


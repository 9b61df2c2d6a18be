/** Public API of engine/telemetry: per-layer statistics and spike-preserving decimation. */
export {
  DEFAULT_HISTOGRAM_BINS,
  SATURATION_DERIVATIVE,
  countNonFinite,
  deadUnits,
  finiteRange,
  frobeniusNorm,
  histogram,
  isSaturated,
  layerStats,
  nonFiniteCells,
  saturatedCells,
  saturatedFraction,
} from './stats.js';
export type { LayerStatsInput } from './stats.js';
export { decimate, decimateSeries, sourceRange } from './decimate.js';
export type { DecimatedMatrix, DecimatedSeries } from './decimate.js';
export { classificationMetrics, EXAMPLES_PER_CELL } from './classification.js';
export type { ClassificationMetrics } from './classification.js';

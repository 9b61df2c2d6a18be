/** Public API of engine/telemetry: per-layer statistics, spike-preserving decimation of matrices and series. */
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
export { decimate, redecimate } from './decimate.js';
export type { DecimatedMatrix, MatrixSource } from './decimate.js';
export { decimateSeries, keptIndices, thinSeries } from './series.js';
export type { DecimatedSeries, SeriesChannel } from './series.js';
export type { Histogram, LayerHistograms, LayerStats } from './types.js';
export { classificationMetrics, EXAMPLES_PER_CELL } from './classification.js';
export type { ClassificationMetrics } from './classification.js';

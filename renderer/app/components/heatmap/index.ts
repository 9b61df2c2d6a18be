/** The canvas heatmap: the component, its pure painting/hit-testing, the colour scale and scaling modes. */
export { default as HeatmapCanvas } from './HeatmapCanvas.vue';
export { paintMatrix, diffMatrix, cellAt, formatValue, blockOf, type Cell, type HeatmapMatrix, type MatrixView } from './paint.js';
export { divergingLut, divergingRgb, cssColour, packRgba, unpackRgba, LUT_SIZE, LUT_CENTER, NAN_RGB, POS_INF_RGB, NEG_INF_RGB, type ColourLut, type Rgb } from './colour-scale.js';
export { ScaleTracker, maxAbsFinite, type ScaleMode } from './scaling.js';

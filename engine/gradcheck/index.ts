/** Public API of engine/gradcheck: analytic gradients of any backend against float64 finite differences. */
export { gradcheck, gradcheckDefaults, chooseIndices, DEFAULT_EPS, DEFAULT_MAX_PER_LAYER } from './gradcheck.js';
export type { ElementCheck, GradcheckOptions, GradcheckResult, LayerGradcheck } from './gradcheck.js';
export { PreActivationBugBackend } from './planted-bug-backend.js';
export { roundingScale, F32_UNIT_ROUNDOFF } from './rounding-scale.js';
export type { RoundingScale } from './rounding-scale.js';

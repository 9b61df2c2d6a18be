/** Compare mode: diff a user's own backprop against the float64 reference and name the first bug. */
export { compareArrays, ALLOWED_SIGMAS } from './compare.js';
export type { CompareInputs, CompareResult, QuantityValues } from './compare.js';
export type { LayoutOptions } from './layout.js';
export { formatCompareReport } from './format.js';
export { parseMapOption } from './options.js';
export { namedArraysFromJson } from './json-arrays.js';
export * from './types.js';

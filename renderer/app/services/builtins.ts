/**
 * The built-in data sets, straight from the engine's registry (reached through the engine's
 * public entry): names, titles, parameters with defaults and ranges. What the Data view shows of
 * a loaded set is the engine's `dataset-loaded` preview.
 */
import { BUILTIN_DATASETS, type BuiltinInfo } from '../../../engine/index.js';

export type { BuiltinInfo };

export function builtinCatalog(): readonly BuiltinInfo[] {
  return BUILTIN_DATASETS;
}

export function defaultParams(b: BuiltinInfo): Record<string, number> {
  return Object.fromEntries(b.params.map((p) => [p.name, p.default]));
}

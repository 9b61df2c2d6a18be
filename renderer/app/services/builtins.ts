/**
 * The built-in data sets, straight from the engine's registry (reached through the engine's
 * public entry): names, titles, parameters with defaults and ranges. The engine's
 * `dataset-loaded` preview is what the Data view shows; `generatePreview` is the fallback for
 * engines without one (same registry, same seed: exactly the rows the engine trains on).
 */
import { BUILTIN_DATASETS, generateBuiltin, type BuiltinInfo } from '../../../engine/index.js';

export type { BuiltinInfo };

export function builtinCatalog(): readonly BuiltinInfo[] {
  return BUILTIN_DATASETS;
}

export function defaultParams(b: BuiltinInfo): Record<string, number> {
  return Object.fromEntries(b.params.map((p) => [p.name, p.default]));
}

/** The training split of a built-in, generated from its parameters (deterministic by seed). */
export function generatePreview(name: string, params: Readonly<Record<string, number | string | boolean>>) {
  return generateBuiltin(name, params).train;
}

/** Decoding the `model` object of a weights file into a ModelSpec (FORMATS.md rules included). */
import {
  ACTIVATIONS,
  LOSSES,
  type LayerSpec,
  type ModelSpec,
  ModelSpecError,
  validateModelSpec,
} from '../model/spec.js';
import { FormatError, type PathSegment } from './format-error.js';
import { expectArray, expectInteger, expectObject, expectOneOf, requireKey } from './decode.js';

export function decodeModel(value: unknown, at: readonly PathSegment[]): ModelSpec {
  const obj = expectObject(value, at);
  const inputSize = expectInteger(requireKey(obj, 'inputSize', at), [...at, 'inputSize'], 1);
  const layersAt = [...at, 'layers'];
  const rawLayers = expectArray(requireKey(obj, 'layers', at), layersAt);
  if (rawLayers.length === 0) throw new FormatError('expected at least one layer, got an empty array', layersAt);
  const layers = rawLayers.map((raw, i): LayerSpec => {
    const layerAt = [...layersAt, i];
    const layer = expectObject(raw, layerAt);
    return {
      units: expectInteger(requireKey(layer, 'units', layerAt), [...layerAt, 'units'], 1),
      activation: expectOneOf(requireKey(layer, 'activation', layerAt), ACTIVATIONS, [...layerAt, 'activation']),
    };
  });
  const loss = expectOneOf(requireKey(obj, 'loss', at), LOSSES, [...at, 'loss']);
  const spec: ModelSpec = { inputSize, layers, loss };
  try {
    // The cross-field rules (softmax only on the output, softmax ⇔ cross-entropy) live with the spec.
    validateModelSpec(spec, 'model');
  } catch (e) {
    if (e instanceof ModelSpecError)
      throw new FormatError(e.message.slice(e.path.length + 2), [...at, ...parsePath(e.path).slice(1)]);
    throw e;
  }
  return spec;
}

/** `model.layers[1].activation` → ['model', 'layers', 1, 'activation']. */
export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

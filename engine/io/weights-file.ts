/**
 * The weights file (`backprop-lens/weights`, FORMATS.md): a model and its parameters, plus
 * optional `preprocessing`, `training`, `dataset` and `createdWith`. Keys this build does not
 * know are kept in `extra` and written back unchanged.
 */
import { type Matrix, toRows } from '../core/matrix.js';
import { type ModelSpec, layerWidths } from '../model/spec.js';
import type { ParameterSet } from '../train/types.js';
import { FormatError } from './format-error.js';
import {
  type JsonObject,
  expectArray,
  expectMatrix,
  expectObject,
  expectVector,
  requireKey,
  unknownKeys,
} from './decode.js';
import { FORMAT_IDS, LATEST_VERSION, checkEnvelope } from './envelope.js';
import { decodeModel } from './model-decode.js';
import {
  type CreatedWith,
  type DatasetInfo,
  type TrainingInfo,
  createdWithSchema,
  datasetInfoSchema,
  decodePreprocessing,
  decodeWithSchema,
  expectFiniteJson,
  trainingInfoSchema,
} from './metadata.js';
import { assertWritable, jsonChunks } from './json-writer.js';
import { decodeText } from './json-text.js';

export interface WeightsFile {
  readonly model: ModelSpec;
  /** W_i is p_i × p_{i+1} (fan-in rows), b_i is 1 × p_{i+1}. */
  readonly parameters: ParameterSet;
  /** How inputs (and targets) were normalised, so the weights can be used on raw data. */
  readonly preprocessing?: JsonObject;
  readonly training?: TrainingInfo;
  readonly dataset?: DatasetInfo;
  readonly createdWith?: CreatedWith;
  /** Top-level keys unknown to this build, preserved on a round trip. */
  readonly extra?: JsonObject;
}

const KNOWN_KEYS = [
  'format',
  'version',
  'model',
  'parameters',
  'preprocessing',
  'training',
  'dataset',
  'createdWith',
] as const;

function decodeParameters(value: unknown, model: ModelSpec): ParameterSet {
  const at = ['parameters'];
  const list = expectArray(value, at);
  const L = model.layers.length;
  if (list.length !== L) {
    throw new FormatError(
      `expected ${L} entr${L === 1 ? 'y' : 'ies'} (one per model.layers entry), got ${list.length}`,
      at,
    );
  }
  const p = layerWidths(model);
  const W: Matrix[] = [];
  const b: Matrix[] = [];
  list.forEach((raw, i) => {
    const layerAt = [...at, i];
    const obj = expectObject(raw, layerAt);
    const fanIn = { n: p[i]!, why: i === 0 ? 'model.inputSize' : `model.layers[${i - 1}].units` };
    const fanOut = { n: p[i + 1]!, why: `model.layers[${i}].units` };
    W.push(expectMatrix(requireKey(obj, 'W', layerAt), [...layerAt, 'W'], { rows: fanIn, cols: fanOut }));
    b.push(expectVector(requireKey(obj, 'b', layerAt), [...layerAt, 'b'], fanOut));
  });
  return { W, b };
}

function decodeV1(obj: Record<string, unknown>): WeightsFile {
  const model = decodeModel(requireKey(obj, 'model', []), ['model']);
  const parameters = decodeParameters(requireKey(obj, 'parameters', []), model);
  const has = (k: string): boolean => Object.hasOwn(obj, k) && obj[k] !== undefined;
  const extra = unknownKeys(obj, KNOWN_KEYS);
  if (extra) for (const [k, v] of Object.entries(extra)) expectFiniteJson(v, [k]);
  return {
    model,
    parameters,
    ...(has('preprocessing') ? { preprocessing: decodePreprocessing(obj['preprocessing'], ['preprocessing']) } : {}),
    ...(has('training') ? { training: decodeWithSchema(trainingInfoSchema, obj['training'], ['training']) } : {}),
    ...(has('dataset') ? { dataset: decodeWithSchema(datasetInfoSchema, obj['dataset'], ['dataset']) } : {}),
    ...(has('createdWith')
      ? { createdWith: decodeWithSchema(createdWithSchema, obj['createdWith'], ['createdWith']) }
      : {}),
    ...(extra ? { extra } : {}),
  };
}

const READERS: Record<number, (obj: Record<string, unknown>) => WeightsFile> = { 1: decodeV1 };

/** A parsed JSON document → WeightsFile; throws FormatError naming the key path. */
export function decodeWeights(doc: unknown): WeightsFile {
  const { obj, version } = checkEnvelope(doc, 'weights', Object.keys(READERS).map(Number));
  return READERS[version]!(obj);
}

/** Weights file text → WeightsFile; errors name the key path, line and column. */
export function parseWeights(text: string): WeightsFile {
  return decodeText(text, decodeWeights);
}

/** The JSON document of the latest version, checked: shapes must fit the model, numbers be finite. */
export function encodeWeights(w: WeightsFile): JsonObject {
  const extra = Object.fromEntries(
    Object.entries(w.extra ?? {}).filter(([k]) => !(KNOWN_KEYS as readonly string[]).includes(k)),
  );
  const doc = {
    format: FORMAT_IDS.weights,
    version: LATEST_VERSION.weights,
    model: {
      inputSize: w.model.inputSize,
      layers: w.model.layers.map((l) => ({ units: l.units, activation: l.activation })),
      loss: w.model.loss,
    },
    parameters: w.model.layers.map((_, i) => {
      const W = w.parameters.W[i];
      const b = w.parameters.b[i];
      return { W: W ? toRows(W) : undefined, b: b ? Array.from(b.data) : undefined };
    }),
    preprocessing: w.preprocessing,
    training: w.training,
    dataset: w.dataset,
    createdWith: w.createdWith,
    ...extra,
  } as JsonObject;
  if (w.parameters.W.length !== w.model.layers.length || w.parameters.b.length !== w.model.layers.length) {
    throw new FormatError(
      `expected ${w.model.layers.length} layers of parameters (one per model.layers entry), got ${w.parameters.W.length} W and ${w.parameters.b.length} b`,
      ['parameters'],
    );
  }
  assertWritable(doc);
  decodeWeights(doc);
  return doc;
}

/** The file's text in chunks (for streaming to disk); validation happens before the first chunk. */
export function weightsChunks(w: WeightsFile): Iterable<string> {
  return jsonChunks(encodeWeights(w));
}

export function serializeWeights(w: WeightsFile): string {
  return Array.from(weightsChunks(w)).join('');
}

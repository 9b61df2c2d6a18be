/**
 * Weights ⇄ numpy and PyTorch array files, exact (float64 throughout):
 *
 * - `.npz`: `W0, b0, W1, …` in FORMATS.md layout (W_i fan-in × fan-out, b_i a vector) plus
 *   `model_json`, the model as UTF-8 JSON bytes (`json.loads(bytes(z["model_json"]))`), and
 *   `preprocessing_json` when the weights file has `preprocessing` (a network trained on
 *   normalised inputs is useless without it, so every format but ONNX's graph keeps it).
 * - `.safetensors` with PyTorch nn.Sequential names: `0.weight` is W_0ᵀ (out × in, as nn.Linear
 *   stores it), `0.bias`; every activation module takes an index as in PyTorch, so a
 *   tanh network is `0.weight, 0.bias, 2.weight, 2.bias` (index 1 is the Tanh). The model and a
 *   ten-line PyTorch snippet travel in `__metadata__`.
 *
 * A PyTorch state_dict from elsewhere holds no activations: the reader then needs them given
 * (`WeightsHint`) and says so.
 */
import { type Matrix, matrix } from '../../core/matrix.js';
import { type Activation, type LossKind, type ModelSpec, ModelSpecError, validateModelSpec } from '../../model/spec.js';
import {
  ArrayFileError,
  type NamedArray,
  readNpz,
  readSafetensors,
  writeNpz,
  writeSafetensors,
} from '../arrays/index.js';
import type { JsonObject } from '../decode.js';
import { FormatError } from '../format-error.js';
import { decodePreprocessing } from '../metadata.js';
import { decodeModel } from '../model-decode.js';
import type { WeightsFile } from '../weights-file.js';
import { pytorchSnippet } from './pytorch-snippet.js';

/** What a weights file without a model needs to be told. */
export interface WeightsHint {
  /** Activation of the hidden layers (default tanh). */
  readonly activation?: Activation;
  /** Activation of the output layer (default identity). */
  readonly outputActivation?: Activation;
  readonly loss?: LossKind;
}

export interface ArrayWeightsImport {
  readonly weights: WeightsFile;
  readonly notes: readonly string[];
}

const MODEL_KEY = 'backprop_lens_model';
const PREPROCESSING_KEY = 'backprop_lens_preprocessing';

function modelJson(model: ModelSpec): string {
  return JSON.stringify({ inputSize: model.inputSize, layers: model.layers, loss: model.loss });
}

function parseModelJson(text: string, where: string): ModelSpec {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw entryError(where, 'is not valid JSON');
  }
  try {
    return decodeModel(doc, [where]);
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError((e as Error).message, [where]);
  }
}

function parsePreprocessingJson(text: string, where: string): JsonObject {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw entryError(where, 'is not valid JSON');
  }
  return decodePreprocessing(doc, [where]);
}

/** Errors about one array read `W1.npy: …` (the entry as the container names it). */
function entryError(entry: string, reason: string): FormatError {
  return new FormatError(`${entry}: ${reason}`);
}

function rethrowArrays<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ArrayFileError) {
      const at = e.offset !== undefined ? ` (byte ${e.offset})` : '';
      throw e.entry !== undefined ? entryError(e.entry, `${e.detail}${at}`) : new FormatError(`${e.detail}${at}`);
    }
    throw e;
  }
}

// ---- .npz ----------------------------------------------------------------------------------------

export function encodeWeightsNpz(w: WeightsFile): Uint8Array {
  const arrays = w.model.layers.flatMap((_, i) => {
    const W = w.parameters.W[i]!;
    const b = w.parameters.b[i]!;
    return [
      { name: `W${i}`, shape: [W.rows, W.cols], data: W.data },
      { name: `b${i}`, shape: [b.cols], data: b.data },
    ];
  });
  const bytes = (name: string, text: string): Parameters<typeof writeNpz>[0][number] => {
    const data = new TextEncoder().encode(text);
    return { name, shape: [data.length], data, dtype: '|u1' };
  };
  return writeNpz([
    ...arrays,
    bytes('model_json', modelJson(w.model)),
    ...(w.preprocessing ? [bytes('preprocessing_json', JSON.stringify(w.preprocessing))] : []),
  ]);
}

export function decodeWeightsNpz(bytes: Uint8Array, hint: WeightsHint = {}): ArrayWeightsImport {
  const arrays = rethrowArrays(() => readNpz(bytes));
  const byName = new Map(arrays.map((a) => [a.name, a]));
  const notes: string[] = [];
  const layers = countLayers(byName, (i) => `W${i}`, 'W0.npy');
  const W: Matrix[] = [];
  const b: Matrix[] = [];
  for (let i = 0; i < layers; i++) {
    const Wa = need(byName, `W${i}`, `W${i}.npy`);
    if (Wa.shape.length !== 2)
      throw entryError(`W${i}.npy`, `expected a 2-D array (fan-in × fan-out), got shape (${Wa.shape.join(', ')})`);
    W.push(matrix(Wa.shape[0]!, Wa.shape[1]!, Wa.data));
    b.push(vectorOf(need(byName, `b${i}`, `b${i}.npy`), Wa.shape[1]!, `b${i}.npy`));
  }
  const json = byName.get('model_json');
  const model = json
    ? parseModelJson(new TextDecoder().decode(Uint8Array.from(json.data)), 'model_json.npy')
    : modelFromHint(W, null, hint, notes);
  const pre = byName.get('preprocessing_json');
  const preprocessing = pre
    ? parsePreprocessingJson(new TextDecoder().decode(Uint8Array.from(pre.data)), 'preprocessing_json.npy')
    : undefined;
  return { weights: { model, parameters: { W, b }, ...(preprocessing ? { preprocessing } : {}) }, notes };
}

// ---- .safetensors (PyTorch nn.Sequential names) -----------------------------------------------

/** nn.Sequential index of each Linear: activation modules take an index too. */
export function sequentialIndices(model: ModelSpec): number[] {
  const out: number[] = [];
  let k = 0;
  for (const layer of model.layers) {
    out.push(k);
    k += layer.activation === 'identity' ? 1 : 2;
  }
  return out;
}

export function encodeWeightsSafetensors(w: WeightsFile, fileName = 'weights.safetensors'): Uint8Array {
  const idx = sequentialIndices(w.model);
  const arrays = w.model.layers.flatMap((_, i) => {
    const W = w.parameters.W[i]!;
    const t = new Float64Array(W.rows * W.cols);
    for (let r = 0; r < W.rows; r++) for (let c = 0; c < W.cols; c++) t[c * W.rows + r] = W.data[r * W.cols + c]!;
    return [
      { name: `${idx[i]}.weight`, shape: [W.cols, W.rows], data: t, dtype: 'F64' as const },
      { name: `${idx[i]}.bias`, shape: [W.cols], data: w.parameters.b[i]!.data, dtype: 'F64' as const },
    ];
  });
  return writeSafetensors(arrays, {
    format: 'pt',
    [MODEL_KEY]: modelJson(w.model),
    ...(w.preprocessing ? { [PREPROCESSING_KEY]: JSON.stringify(w.preprocessing) } : {}),
    pytorch: pytorchSnippet(w.model, fileName, w.preprocessing),
  });
}

export function decodeWeightsSafetensors(bytes: Uint8Array, hint: WeightsHint = {}): ArrayWeightsImport {
  const file = rethrowArrays(() => readSafetensors(bytes));
  const byName = new Map(file.arrays.map((a) => [a.name, a]));
  const notes: string[] = [];
  // Our own layout (W0, b0, …) is accepted too.
  if (byName.has('W0')) {
    const layers = countLayers(byName, (i) => `W${i}`, 'W0');
    const W = Array.from({ length: layers }, (_, i) => {
      const a = need(byName, `W${i}`, `W${i}`);
      if (a.shape.length !== 2) throw entryError(`W${i}`, `expected a 2-D tensor, got shape [${a.shape.join(', ')}]`);
      return matrix(a.shape[0]!, a.shape[1]!, a.data);
    });
    const b = W.map((m, i) => vectorOf(need(byName, `b${i}`, `b${i}`), m.cols, `b${i}`));
    const saved = file.metadata[MODEL_KEY];
    const model =
      saved !== undefined ? parseModelJson(saved, `__metadata__.${MODEL_KEY}`) : modelFromHint(W, null, hint, notes);
    return { weights: { model, parameters: { W, b }, ...preprocessingOf(file.metadata) }, notes };
  }
  // PyTorch names, possibly under a common prefix ("model.0.weight", "net.2.bias").
  const linear = [...byName.keys()]
    .map((name) => /^(.*?)(\d+)\.weight$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null);
  if (linear.length === 0)
    throw new FormatError(
      `no weights found: expected PyTorch nn.Sequential names (0.weight, 0.bias, 2.weight, …) or W0, b0, …; the file holds ${[...byName.keys()].slice(0, 8).join(', ') || 'nothing'}`,
    );
  const prefix = linear[0]![1]!;
  const indices = linear
    .filter((m) => m[1] === prefix)
    .map((m) => Number(m[2]))
    .sort((a, b) => a - b);
  for (const name of byName.keys())
    if (!new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\d+\\.(weight|bias)$`).test(name))
      throw entryError(
        name,
        'cannot be read: only the weights and biases of nn.Linear layers in an nn.Sequential are supported',
      );
  const W: Matrix[] = [];
  const b: Matrix[] = [];
  indices.forEach((k) => {
    const name = `${prefix}${k}.weight`;
    const a = byName.get(name)!;
    if (a.shape.length !== 2)
      throw entryError(name, `expected an nn.Linear weight (out × in), got shape [${a.shape.join(', ')}]`);
    const [out, inp] = a.shape as [number, number];
    const m = matrix(inp, out);
    for (let r = 0; r < out; r++) for (let c = 0; c < inp; c++) m.data[c * out + r] = a.data[r * inp + c]!;
    if (W.length > 0 && W.at(-1)!.cols !== inp)
      throw entryError(name, `takes ${inp} inputs but the layer before gives ${W.at(-1)!.cols}`);
    W.push(m);
    const bias = byName.get(`${prefix}${k}.bias`);
    b.push(bias ? vectorOf(bias, out, `${prefix}${k}.bias`) : matrix(1, out));
    if (!bias) notes.push(`${prefix}${k} has no bias: zeros used`);
  });
  const saved = file.metadata[MODEL_KEY];
  const model =
    saved !== undefined ? parseModelJson(saved, `__metadata__.${MODEL_KEY}`) : modelFromHint(W, indices, hint, notes);
  if (saved !== undefined) {
    const expected = sequentialIndices(model);
    if (expected.join() !== indices.join())
      throw new FormatError(
        `the layer indices ${indices.join(', ')} do not fit the model in __metadata__ (expected ${expected.join(', ')})`,
      );
  }
  return { weights: { model, parameters: { W, b }, ...preprocessingOf(file.metadata) }, notes };
}

function preprocessingOf(metadata: Readonly<Record<string, string>>): { preprocessing?: JsonObject } {
  const saved = metadata[PREPROCESSING_KEY];
  return saved === undefined
    ? {}
    : { preprocessing: parsePreprocessingJson(saved, `__metadata__.${PREPROCESSING_KEY}`) };
}

// ---- shared -------------------------------------------------------------------------------------

function need(byName: ReadonlyMap<string, NamedArray>, name: string, where: string): NamedArray {
  const a = byName.get(name);
  if (!a) throw entryError(where, 'is missing');
  return a;
}

function countLayers(byName: ReadonlyMap<string, NamedArray>, nameOf: (i: number) => string, first: string): number {
  let n = 0;
  while (byName.has(nameOf(n))) n++;
  if (n === 0) throw entryError(first, 'is missing: expected W0, b0, W1, b1, … (FORMATS.md layout)');
  return n;
}

function vectorOf(a: NamedArray, n: number, where: string): Matrix {
  const size = a.shape.reduce((x, y) => x * y, 1);
  if (size !== n || a.shape.length > 2 || (a.shape.length === 2 && a.shape[0] !== 1))
    throw entryError(where, `expected ${n} values (one per unit), got shape (${a.shape.join(', ')})`);
  return matrix(1, n, a.data);
}

/** A model for bare weights: widths from the matrices, activations and loss from the hint. */
function modelFromHint(
  W: readonly Matrix[],
  indices: readonly number[] | null,
  hint: WeightsHint,
  notes: string[],
): ModelSpec {
  const hidden = hint.activation ?? 'tanh';
  const output = hint.outputActivation ?? 'identity';
  if (indices) {
    // The gaps between nn.Linear indices say where activation modules sit (not which ones).
    indices.slice(0, -1).forEach((k, i) => {
      const gap = indices[i + 1]! - k;
      if (gap > 2)
        throw new FormatError(
          `layers ${k} and ${indices[i + 1]} have ${gap - 1} modules between them; one activation at most can be read`,
        );
    });
  }
  const layers = W.map((m, i) => {
    const last = i === W.length - 1;
    const hasModule = indices ? !last && indices[i + 1]! - indices[i]! === 2 : !last;
    const activation: Activation = last ? output : hasModule ? hidden : 'identity';
    return { units: m.cols, activation };
  });
  const loss = hint.loss ?? (output === 'softmax' ? 'cross-entropy' : 'mse');
  notes.push(
    `the file holds no model description: assumed ${hint.activation ? '' : 'tanh '}hidden activation${hint.activation ? ` ${hidden}` : ''}, ${output} output and ${loss} loss (say otherwise with --activation, --output-activation, --loss)`,
  );
  const model: ModelSpec = { inputSize: W[0]!.rows, layers, loss };
  try {
    validateModelSpec(model);
  } catch (e) {
    if (e instanceof ModelSpecError) throw new FormatError(e.message);
    throw e;
  }
  return model;
}

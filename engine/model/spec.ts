/**
 * The model description shared by the engine, the files of FORMATS.md and the protocol.
 * Layer i maps p_i → p_{i+1} units: W_i is p_i × p_{i+1}, b_i has p_{i+1} entries.
 */
export const ACTIVATIONS = ['identity', 'tanh', 'sigmoid', 'relu', 'softmax'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const LOSSES = ['sse', 'mse', 'cross-entropy'] as const;
export type LossKind = (typeof LOSSES)[number];

export interface LayerSpec {
  readonly units: number;
  readonly activation: Activation;
}

export interface ModelSpec {
  readonly inputSize: number;
  readonly layers: readonly LayerSpec[];
  readonly loss: LossKind;
}

/** Thrown for a model that breaks the rules of FORMATS.md; `path` names the offending key. */
export class ModelSpecError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'ModelSpecError';
  }
}

/** Checks a model against the conventions; throws ModelSpecError naming the key path. */
export function validateModelSpec(spec: ModelSpec, pathPrefix = 'model'): void {
  if (!Number.isInteger(spec.inputSize) || spec.inputSize < 1) {
    throw new ModelSpecError(`must be a positive integer, got ${String(spec.inputSize)}`, `${pathPrefix}.inputSize`);
  }
  if (spec.layers.length === 0) throw new ModelSpecError('needs at least one layer', `${pathPrefix}.layers`);
  spec.layers.forEach((layer, i) => {
    const at = `${pathPrefix}.layers[${i}]`;
    if (!Number.isInteger(layer.units) || layer.units < 1) {
      throw new ModelSpecError(`must be a positive integer, got ${String(layer.units)}`, `${at}.units`);
    }
    if (!(ACTIVATIONS as readonly string[]).includes(layer.activation)) {
      throw new ModelSpecError(
        `unknown activation "${String(layer.activation)}" (expected one of ${ACTIVATIONS.join(', ')})`,
        `${at}.activation`,
      );
    }
    if (layer.activation === 'softmax' && i !== spec.layers.length - 1) {
      throw new ModelSpecError('softmax is allowed on the output layer only', `${at}.activation`);
    }
  });
  if (!(LOSSES as readonly string[]).includes(spec.loss)) {
    throw new ModelSpecError(`unknown loss "${String(spec.loss)}" (expected one of ${LOSSES.join(', ')})`, `${pathPrefix}.loss`);
  }
  const out = spec.layers[spec.layers.length - 1]!;
  if (out.activation === 'softmax' && spec.loss !== 'cross-entropy') {
    throw new ModelSpecError('a softmax output needs the cross-entropy loss', `${pathPrefix}.loss`);
  }
  if (spec.loss === 'cross-entropy' && out.activation !== 'softmax') {
    // FORMATS.md defines cross-entropy on softmax(H_{L-1}); any other output would be a different loss.
    throw new ModelSpecError('cross-entropy needs a softmax output layer', `${pathPrefix}.layers[${spec.layers.length - 1}].activation`);
  }
}

/** [p_0, p_1, …, p_L]: the widths of A_0 … A_L. */
export function layerWidths(spec: ModelSpec): number[] {
  return [spec.inputSize, ...spec.layers.map((l) => l.units)];
}

/** Number of trainable parameters (weights and biases). */
export function parameterCount(spec: ModelSpec): number {
  const p = layerWidths(spec);
  let n = 0;
  for (let i = 0; i + 1 < p.length; i++) n += p[i]! * p[i + 1]! + p[i + 1]!;
  return n;
}

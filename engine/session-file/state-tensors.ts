/**
 * Training state ⇄ the named tensors of a safetensors blob. Names a numpy or PyTorch user can read
 * without us: `W0`, `b0`, `W1`, … (FORMATS.md layout: W_i fan-in × fan-out, b_i of length
 * p_{i+1}) and the optimizer's buffers per parameter as `optimizer.W0.m`, `optimizer.W0.v` (Adam)
 * or `optimizer.W0.velocity` (SGD with momentum). Values are stored in the backend's precision
 * (F32 or F64), so a restore is exact.
 */
import type { FloatArray, Matrix } from '../core/matrix.js';
import { SessionFileError } from './errors.js';
import type { ModelSpec } from '../model/spec.js';
import { layerWidths } from '../model/spec.js';
import type { StoredParameters } from '../train/history.js';
import type { OptimizerSnapshot } from '../train/optimizer.js';
import type { OptimizerConfig } from '../train/types.js';
import type { BlobTensor, Precision } from './container.js';

export function optimizerBufferNames(optimizer: OptimizerConfig): readonly string[] {
  return optimizer.kind === 'adam' ? ['m', 'v'] : optimizer.momentum > 0 ? ['velocity'] : [];
}

/** W0, b0, W1, b1, …: the optimizer's parameter order. */
function parameterNames(layers: number): string[] {
  return Array.from({ length: layers }, (_, i) => [`W${i}`, `b${i}`]).flat();
}

function tensor(name: string, m: Matrix<FloatArray>, precision: Precision, vector: boolean): BlobTensor {
  return { name, precision, shape: vector ? [m.cols] : [m.rows, m.cols], data: m.data };
}

export function stateTensors(
  parameters: StoredParameters,
  optimizer: OptimizerSnapshot | null,
  config: OptimizerConfig,
  precision: Precision,
): BlobTensor[] {
  const out: BlobTensor[] = [];
  parameters.W.forEach((W, i) => {
    out.push(tensor(`W${i}`, W, precision, false));
    out.push(tensor(`b${i}`, parameters.b[i]!, precision, true));
  });
  if (optimizer) {
    const names = parameterNames(parameters.W.length);
    const bufferNames = optimizerBufferNames(config);
    optimizer.buffers.forEach((list, k) =>
      list.forEach((m, j) => out.push(tensor(`optimizer.${names[k]}.${bufferNames[j]}`, m, precision, k % 2 === 1))),
    );
  }
  return out;
}

function toMatrix(t: BlobTensor, rows: number, cols: number, precision: Precision): Matrix<FloatArray> {
  const data = precision === 'f32' ? Float32Array.from(t.data) : Float64Array.from(t.data);
  return { rows, cols, data };
}

/**
 * The parameters (and, when `withOptimizer`, the optimizer state) of a blob, checked against the
 * model: every tensor must be there with the right shape. Errors name the entry and the tensor.
 */
export function readStateTensors(
  tensors: readonly BlobTensor[],
  model: ModelSpec,
  config: OptimizerConfig,
  precision: Precision,
  entry: string,
  optimizerUpdates: number | null,
): { parameters: StoredParameters; optimizer: OptimizerSnapshot | null } {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const p = layerWidths(model);
  const get = (name: string, shape: readonly number[]): Matrix<FloatArray> => {
    const t = byName.get(name);
    if (!t) throw new SessionFileError(`the tensor "${name}" is missing`, entry);
    const ok = t.shape.length === shape.length && t.shape.every((d, k) => d === shape[k]);
    if (!ok)
      throw new SessionFileError(
        `the tensor "${name}" has shape [${t.shape.join(', ')}], the model needs [${shape.join(', ')}]`,
        entry,
      );
    return shape.length === 1 ? toMatrix(t, 1, shape[0]!, precision) : toMatrix(t, shape[0]!, shape[1]!, precision);
  };
  const W: Matrix<FloatArray>[] = [];
  const b: Matrix<FloatArray>[] = [];
  model.layers.forEach((_, i) => {
    W.push(get(`W${i}`, [p[i]!, p[i + 1]!]));
    b.push(get(`b${i}`, [p[i + 1]!]));
  });
  if (optimizerUpdates === null) return { parameters: { W, b }, optimizer: null };
  const names = parameterNames(model.layers.length);
  const bufferNames = optimizerBufferNames(config);
  const buffers = names.map((name, k) => {
    const shape = k % 2 === 0 ? [p[k / 2]!, p[k / 2 + 1]!] : [p[(k + 1) / 2]!];
    return bufferNames.map((b) => get(`optimizer.${name}.${b}`, shape));
  });
  return { parameters: { W, b }, optimizer: { updates: optimizerUpdates, buffers } };
}

/** Networks and a plain float64 forward pass shared by the interop tests. */
import { type Matrix, matrix } from '../../core/matrix.js';
import { activate, softmaxRows } from '../../model/activations.js';
import type { ModelSpec } from '../../model/spec.js';
import { initParameters } from '../../train/init.js';
import type { WeightsFile } from '../weights-file.js';

/** A seeded network of the given shape (He init, so relu layers are not dead). */
export function seededWeights(model: ModelSpec, seed = 7): WeightsFile {
  const parameters = initParameters(model, 'he', seed);
  // Non-zero biases, so a bias lost or misplaced by a codec shows in the forward pass.
  parameters.b.forEach((b, i) => b.data.forEach((_, j) => (b.data[j] = 0.1 * (i + 1) - 0.07 * j)));
  return { model, parameters };
}

export const CLASSIFIER: ModelSpec = {
  inputSize: 3,
  layers: [
    { units: 5, activation: 'relu' },
    { units: 4, activation: 'tanh' },
    { units: 3, activation: 'softmax' },
  ],
  loss: 'cross-entropy',
};

export const REGRESSOR: ModelSpec = {
  inputSize: 2,
  layers: [
    { units: 6, activation: 'sigmoid' },
    { units: 1, activation: 'identity' },
  ],
  loss: 'sse',
};

/** Deterministic inputs in [-2, 2). */
export function sampleInputs(rows: number, cols: number): Matrix {
  const X = matrix(rows, cols);
  for (let k = 0; k < X.data.length; k++) X.data[k] = ((k * 7919) % 400) / 100 - 2;
  return X;
}

/** F = A_L in float64, straight from FORMATS.md: H_i = A_i W_i + b_i, A_{i+1} = act_i(H_i). */
export function forwardF64(w: WeightsFile, X: Matrix): Matrix {
  let A = X;
  w.model.layers.forEach((layer, i) => {
    const W = w.parameters.W[i]!;
    const b = w.parameters.b[i]!;
    const H = matrix(A.rows, W.cols);
    for (let r = 0; r < A.rows; r++)
      for (let c = 0; c < W.cols; c++) {
        let s = b.data[c]!;
        for (let k = 0; k < W.rows; k++) s += A.data[r * A.cols + k]! * W.data[k * W.cols + c]!;
        H.data[r * W.cols + c] = s;
      }
    if (layer.activation === 'softmax') softmaxRows(H.data, H.data, H.rows, H.cols);
    else for (let k = 0; k < H.data.length; k++) H.data[k] = activate(layer.activation, H.data[k]!);
    A = H;
  });
  return A;
}

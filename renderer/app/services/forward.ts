/**
 * The network's output F for given inputs from given weights, for the decision boundary or fitted
 * curve of a past step (time travel: the engine's `predict` answers at its current parameters
 * only). The forward pass is the engine's own (its float64 reference backend, through the public
 * entry), so the plot shows what training computed, activations and all; the page only lays out
 * the grid of inputs. Like `predict`, it takes raw inputs: the run's preprocessing (from
 * `configured`) normalises them as in training and maps normalised outputs back to raw units.
 */
import { Cpu64Backend, applyTransform, invertTransform, type FloatArray, type Matrix, type Preprocessing, type Tensor } from '../../../engine/index.js';
import type { Activation } from '../../../engine/protocol/index.js';
import type { MatrixView } from './matrix.js';

export interface DenseLayer {
  readonly W: MatrixView; // p_i × p_{i+1}
  readonly b: MatrixView; // 1 × p_{i+1}
  readonly activation: Activation;
}

const asMatrix = (m: MatrixView): Matrix<FloatArray> => ({
  rows: m.rows,
  cols: m.cols,
  data: m.data instanceof Float64Array || m.data instanceof Float32Array ? m.data : Float64Array.from(m.data),
});

/**
 * F = A_L for the raw n×p_0 inputs X (H_i = A_i W_i + 1 b_i, A_{i+1} = act_i(H_i)), through the
 * run's preprocessing when it has one; throws when the shapes do not chain.
 */
export async function forward(X: MatrixView, layers: readonly DenseLayer[], preprocessing: Preprocessing | null = null): Promise<Matrix<FloatArray>> {
  const backend = new Cpu64Backend();
  try {
    const raw = { rows: X.rows, cols: X.cols, data: Float64Array.from(X.data) };
    let A: Tensor = backend.upload(preprocessing?.inputs ? applyTransform(raw, preprocessing.inputs) : raw, 'X');
    for (const [i, l] of layers.entries()) {
      if (l.W.rows !== A.cols) throw new RangeError(`forward: W_${i} has ${l.W.rows} rows, A_${i} has ${A.cols} columns`);
      A = backend.denseForward(A, backend.upload(asMatrix(l.W), `W${i}`), backend.upload(asMatrix(l.b), `b${i}`), l.activation).A;
    }
    const F = await backend.read(A);
    return preprocessing?.outputs ? invertTransform({ rows: F.rows, cols: F.cols, data: Float64Array.from(F.data) }, preprocessing.outputs) : F;
  } finally {
    backend.dispose();
  }
}

/** A g×g grid of 2-D points over [x0,x1]×[y0,y1], row-major from the top (y1) down, for images. */
export function grid2d(x0: number, x1: number, y0: number, y1: number, g: number): MatrixView {
  const data = new Float64Array(g * g * 2);
  for (let r = 0; r < g; r++) {
    const y = y1 - ((r + 0.5) / g) * (y1 - y0);
    for (let c = 0; c < g; c++) {
      const k = (r * g + c) * 2;
      data[k] = x0 + ((c + 0.5) / g) * (x1 - x0);
      data[k + 1] = y;
    }
  }
  return { rows: g * g, cols: 2, data };
}

/**
 * The forward pass of FORMATS.md (H_i = A_i W_i + 1 b_i, A_{i+1} = act_i(H_i)) for drawing a
 * decision boundary or fitted curve from the weights the engine streamed. The engine stays the
 * source of truth for training; this only evaluates a grid of inputs for display.
 */
import type { Activation } from '../../../engine/protocol/index.js';
import type { MatrixView } from '../components/heatmap/paint.js';

export interface DenseLayer {
  readonly W: MatrixView; // p_i × p_{i+1}
  readonly b: MatrixView; // 1 × p_{i+1}
  readonly activation: Activation;
}

function act(kind: Activation, h: Float64Array, rows: number, cols: number): void {
  switch (kind) {
    case 'identity':
      return;
    case 'tanh':
      for (let k = 0; k < h.length; k++) h[k] = Math.tanh(h[k]!);
      return;
    case 'sigmoid':
      for (let k = 0; k < h.length; k++) {
        const x = h[k]!;
        h[k] = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
      }
      return;
    case 'relu':
      for (let k = 0; k < h.length; k++) if (!(h[k]! > 0)) h[k] = 0;
      return;
    case 'softmax':
      for (let i = 0; i < rows; i++) {
        const o = i * cols;
        let max = -Infinity;
        for (let j = 0; j < cols; j++) max = Math.max(max, h[o + j]!);
        let sum = 0;
        for (let j = 0; j < cols; j++) {
          const e = Math.exp(h[o + j]! - max);
          h[o + j] = e;
          sum += e;
        }
        for (let j = 0; j < cols; j++) h[o + j] = h[o + j]! / sum;
      }
  }
}

/** F for the n×p_0 inputs X; throws when the shapes do not chain. */
export function forward(X: MatrixView, layers: readonly DenseLayer[]): MatrixView {
  let A: MatrixView = X;
  for (const [i, l] of layers.entries()) {
    if (l.W.rows !== A.cols) throw new RangeError(`forward: W_${i} has ${l.W.rows} rows, A_${i} has ${A.cols} columns`);
    if (l.b.cols !== l.W.cols) throw new RangeError(`forward: b_${i} has ${l.b.cols} entries, W_${i} has ${l.W.cols} columns`);
    const n = A.rows;
    const p = l.W.cols;
    const H = new Float64Array(n * p);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < p; j++) H[r * p + j] = l.b.data[j]!;
      for (let k = 0; k < A.cols; k++) {
        const a = A.data[r * A.cols + k]!;
        if (a === 0) continue;
        const wRow = k * p;
        for (let j = 0; j < p; j++) H[r * p + j] = H[r * p + j]! + a * l.W.data[wRow + j]!;
      }
    }
    act(l.activation, H, n, p);
    A = { rows: n, cols: p, data: H };
  }
  return A;
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

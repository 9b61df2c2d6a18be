/**
 * The gradient-flow strips as matrices (layers down, steps across). ‖G_i‖ and ‖∂L/∂W_i‖ are shown
 * relative to the output layer's at the same step: vanishing and exploding are about gradients
 * shrinking or growing on their way back through the layers, and a converged network (every
 * gradient small) is not "vanishing". The ratio ‖∂L/∂W_i‖/‖W_i‖ stays absolute (how big a step
 * the gradient is against the weights).
 */
import type { MatrixView } from './matrix.js';

const TINY = 1e-30;

/** log10 of each layer's norm over the output layer's (relative) or of the norm itself (absolute); rows = layers, columns = steps. */
export function flowMatrix(series: readonly ArrayLike<number>[], relative: boolean): MatrixView | null {
  const T = series.length;
  if (T === 0) return null;
  const L = series[0]!.length;
  const data = new Float32Array(L * T);
  for (let t = 0; t < T; t++) {
    const s = series[t]!;
    const ref = relative ? Math.max(s[L - 1]!, TINY) : 1;
    for (let i = 0; i < L; i++) data[i * T + t] = Math.log10(Math.max(s[i]!, TINY) / ref);
  }
  return { rows: L, cols: T, data };
}

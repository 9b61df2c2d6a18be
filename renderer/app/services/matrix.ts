/**
 * Matrices as the dashboard handles them: the protocol's shape (engine/protocol `MatrixSource`:
 * row-major, one sample per row, FORMATS.md), the difference of two, and exact value formatting
 * for tooltips and tables. Pure helpers below the stores, shared by stores, charts and the heatmap.
 */
import type { MatrixSource } from '../../../engine/protocol/index.js';

/** Any matrix the dashboard reads: rows × cols values, row-major (the protocol's MatrixSource). */
export type MatrixView = MatrixSource;

/** Elementwise a − b (for diffs between two steps or two backends); shapes must match. */
export function diffMatrix(a: MatrixView, b: MatrixView): MatrixView {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`diffMatrix: ${a.rows}×${a.cols} vs ${b.rows}×${b.cols}`);
  }
  const out = new Float32Array(a.rows * a.cols);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i]! - b.data[i]!;
  return { rows: a.rows, cols: a.cols, data: out };
}

/** Exact value formatting for tooltips: full precision for small/large magnitudes, NaN/Inf spelled out. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? v.toExponential(6) : v.toPrecision(7);
}

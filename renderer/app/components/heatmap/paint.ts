/**
 * Pure painting and hit-testing for the canvas heatmap, kept free of Vue and of the DOM's
 * canvas so that tests can check every pixel. One matrix cell is one canvas pixel; CSS scales
 * the canvas up with `image-rendering: pixelated`.
 */
import { divergingLut, LUT_CENTER, type ColourLut } from './colour-scale.js';

/** The matrix shape the dashboard draws: row-major, one sample per row (FORMATS.md). */
export interface MatrixView {
  readonly rows: number;
  readonly cols: number;
  readonly data: ArrayLike<number>;
}

/**
 * Writes the colour of every cell of m into `out` (a Uint32Array view of ImageData.data, at
 * least rows×cols long), scaled so that ±limit are the ends of the scale and 0 is white.
 */
export function paintMatrix(m: MatrixView, limit: number, out: Uint32Array, lut: ColourLut = divergingLut()): void {
  const n = m.rows * m.cols;
  if (out.length < n) throw new RangeError(`paintMatrix: buffer holds ${out.length} pixels, ${m.rows}×${m.cols} needs ${n}`);
  const words = lut.words;
  const k = limit > 0 ? LUT_CENTER / limit : 0;
  const top = 2 * LUT_CENTER;
  const data = m.data;
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    if (v !== v) {
      out[i] = lut.nan;
      continue;
    }
    const idx = Math.round(v * k + LUT_CENTER);
    if (!(idx >= 0)) {
      // -Infinity (or a finite value below -limit)
      out[i] = v === -Infinity ? lut.negInf : words[0]!;
    } else if (idx > top) {
      out[i] = v === Infinity ? lut.posInf : words[top]!;
    } else {
      out[i] = words[idx]!;
    }
  }
}

/** Elementwise a − b (for diffs between two steps or two backends); shapes must match. */
export function diffMatrix(a: MatrixView, b: MatrixView): MatrixView {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`diffMatrix: ${a.rows}×${a.cols} vs ${b.rows}×${b.cols}`);
  }
  const out = new Float32Array(a.rows * a.cols);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i]! - b.data[i]!;
  return { rows: a.rows, cols: a.cols, data: out };
}

export interface Cell {
  readonly row: number;
  readonly col: number;
  readonly value: number;
}

/**
 * The cell under a point (x, y) measured from the top-left of the drawn box of size width×height,
 * or null outside. Used for hover tooltips and click-to-trace.
 */
export function cellAt(m: MatrixView, x: number, y: number, width: number, height: number): Cell | null {
  if (width <= 0 || height <= 0 || x < 0 || y < 0 || x >= width || y >= height) return null;
  const col = Math.min(m.cols - 1, Math.floor((x / width) * m.cols));
  const row = Math.min(m.rows - 1, Math.floor((y / height) * m.rows));
  if (row < 0 || col < 0) return null;
  return { row, col, value: m.data[row * m.cols + col]! };
}

/** Exact value formatting for tooltips: full precision for small/large magnitudes, NaN/Inf spelled out. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? v.toExponential(6) : v.toPrecision(7);
}

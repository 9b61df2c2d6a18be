/**
 * Pure painting and hit-testing for the canvas heatmap, kept free of Vue and of the DOM's
 * canvas so that tests can check every pixel. One matrix cell is one canvas pixel; CSS scales
 * the canvas up with `image-rendering: pixelated`.
 */
import type { MatrixPayload } from '../../../../engine/protocol/index.js';
import type { FloatArray } from '../../../../engine/index.js';
import { divergingLut, LUT_CENTER, type ColourLut } from './colour-scale.js';
import type { MatrixView } from '../../services/matrix.js';

export { diffMatrix, formatValue, type MatrixView } from '../../services/matrix.js';

/**
 * What a heatmap draws: any matrix, or a streamed one (the protocol's MatrixPayload) whose cells
 * may each stand for a block of its source; hover and selection then speak in source indices.
 */
export type HeatmapMatrix = MatrixView | MatrixPayload<FloatArray>;

/** The source block one drawn cell stands for, and the source's shape (1 × 1 and the matrix's own for an undecimated one). */
export function blockOf(m: HeatmapMatrix | null): { r: number; c: number; rows: number; cols: number } {
  if (!m) return { r: 1, c: 1, rows: 0, cols: 0 };
  return 'blockRows' in m ? { r: m.blockRows, c: m.blockCols, rows: m.sourceRows, cols: m.sourceCols } : { r: 1, c: 1, rows: m.rows, cols: m.cols };
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


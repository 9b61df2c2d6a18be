/**
 * The recorder: what telemetry keeps of a recorded step, from the host reads of its matrices —
 * the per-layer statistics (stats.ts) and the decimated copies a history entry keeps for time
 * travel (decimate.ts). The Session decides which steps are recorded and adds the training state
 * (parameters, optimizer) to the history entry; the stream frame is built from both (frames.ts).
 */
import type { DecimatedMatrix } from './decimate.js';
import { decimate } from './decimate.js';
import { layerStats, type LayerStatsInput } from './stats.js';
import type { LayerStats } from './types.js';

export interface StepRecord {
  readonly layers: LayerStats[];
  /** Keyed by FORMATS.md name: "A_1" … "A_L", "H_i", "G_i", "dW_i", "db_i", "W_i", "b_i" (A_0 = X is not kept). */
  readonly matrices: Record<string, DecimatedMatrix>;
}

export interface RecordOptions {
  /** Histogram bins of the statistics (null: none). */
  readonly histogramBins: number | null;
  /** The history keeps matrices decimated to at most this many rows and columns; null: no copies (no history). */
  readonly historyMatrixSize: number | null;
}

/** Statistics and history copies of one recorded step, from each layer's matrices (A is the layer's output A_{i+1}). */
export function recordStep(perLayer: readonly LayerStatsInput[], options: RecordOptions): StepRecord {
  const layers = perLayer.map((m) => layerStats(m, options.histogramBins));
  const matrices: Record<string, DecimatedMatrix> = {};
  const size = options.historyMatrixSize;
  if (size !== null) {
    perLayer.forEach((m, i) => {
      matrices[`A_${i + 1}`] = decimate(m.A, size, size);
      matrices[`H_${i}`] = decimate(m.H, size, size);
      matrices[`G_${i}`] = decimate(m.G, size, size);
      matrices[`dW_${i}`] = decimate(m.dW, size, size);
      matrices[`db_${i}`] = decimate(m.db, size, size);
      matrices[`W_${i}`] = decimate(m.W, size, size);
      matrices[`b_${i}`] = decimate(m.b, size, size);
    });
  }
  return { layers, matrices };
}

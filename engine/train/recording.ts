/**
 * Recording a finished step: the host reads of every layer's matrices go to telemetry's recorder
 * (statistics and decimated copies), and the history gets the step's entry with the training
 * state after it (parameters, optimizer), within the history's byte budget.
 */
import type { FloatArray, Matrix } from '../core/matrix.js';
import { recordStep } from '../telemetry/recorder.js';
import type { LayerStatsInput } from '../telemetry/stats.js';
import type { LayerStats } from '../telemetry/types.js';
import type { MatrixName } from './breakpoints.js';
import { type HistoryEntry, type RingBuffer, enforceStateBudget } from './history.js';
import type { Optimizer } from './optimizer.js';
import { type Network, type StepState, requestRead } from './step-state.js';

export interface RecordingContext {
  readonly net: Network;
  readonly history: RingBuffer<HistoryEntry>;
  readonly optimizer: Optimizer;
  readonly histogramBins: number | null;
  readonly historyMatrixSize: number;
  readonly historyBytes: number;
}

/** Every layer's matrices of a finished step, as host reads (shared with breakpoints and frames). */
export function readLayers(net: Network, st: StepState): Promise<LayerStatsInput[]> {
  const get = (name: MatrixName, index: number): Promise<Matrix<FloatArray>> =>
    requestRead(net, st, { name, index, layer: null });
  return Promise.all(
    net.spec.layers.map(async (layer, i) => {
      const [A, H, G, W, b, dW, db] = await Promise.all([
        get('A', i + 1),
        get('H', i),
        get('G', i),
        get('W', i),
        get('b', i),
        get('dW', i),
        get('db', i),
      ]);
      return { layer: i, activation: layer.activation, A, H, G, W, b, dW, db };
    }),
  );
}

/** Per-layer stats of a finished step, and its history entry (parameters, optimizer state, decimated matrices). */
export async function recordFinishedStep(
  ctx: RecordingContext,
  st: StepState,
  summary: { readonly epoch: number; readonly loss: number; readonly validationLoss: number | null },
): Promise<LayerStats[]> {
  const perLayer = await readLayers(ctx.net, st);
  const keep = ctx.history.capacity > 0;
  const { layers, matrices } = recordStep(perLayer, {
    histogramBins: ctx.histogramBins,
    historyMatrixSize: keep ? ctx.historyMatrixSize : null,
  });
  if (keep) {
    ctx.history.push({
      step: st.number,
      ...summary,
      // The step's reads themselves (snapshots, never written to): no float64 copy per recorded step.
      parameters: { W: perLayer.map((m) => m.W), b: perLayer.map((m) => m.b) },
      optimizer: await ctx.optimizer.snapshot(),
      layers,
      matrices,
    });
    enforceStateBudget(ctx.history, ctx.historyBytes);
  }
  return layers;
}

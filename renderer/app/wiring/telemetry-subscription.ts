/**
 * Which matrices the dashboard asks the engine to stream (set-telemetry): only what is on screen
 * while training runs, since reading back and decimating a matrix costs the engine time (all of
 * them at 20 Hz ≈ 10% of a 784-256-128-10 step on cpu-f32). Paused, everything: frames are rare
 * then, and any view opened next must show the current step.
 */
import type { MatrixName } from '../../../engine/protocol/index.js';
import { MATRIX_NAMES } from '../../../engine/protocol/index.js';
import type { Tab } from '../stores/ui.js';

export interface TelemetrySubscription {
  matrices: { names: MatrixName[]; layers?: number[] };
  /** Always on: the engine fixes at configure time whether it computes histograms at all. */
  histograms: true;
}

export interface ViewState {
  tab: Tab;
  running: boolean;
  /** The Layers view's kind checkboxes (A, H, G, W, dW, db). */
  layerKinds: Readonly<Record<string, boolean>>;
  /** The one layer the Layers view shows ("only layer i"), or null for all. */
  onlyLayer: number | null;
}

const ALL: TelemetrySubscription = { matrices: { names: [...MATRIX_NAMES] }, histograms: true };
/** Views that draw no streamed matrix (stats, losses and breakpoint hits come regardless). */
const NO_MATRICES: readonly Tab[] = ['data', 'model', 'breakpoints', 'history', 'gradcheck', 'compare', 'export'];

export function telemetrySubscription(v: ViewState): TelemetrySubscription {
  if (!v.running) return ALL;
  if (v.tab === 'layers') {
    const names = MATRIX_NAMES.filter((n) => v.layerKinds[n] === true);
    return { matrices: v.onlyLayer === null ? { names } : { names, layers: [v.onlyLayer] }, histograms: true };
  }
  // The Train view draws W_i and ∂L/∂W_i of every layer (and uses W, b for the boundary during time travel); its live boundary comes from `predict`.
  if (v.tab === 'train') return { matrices: { names: ['W', 'b', 'dW'] }, histograms: true };
  if (NO_MATRICES.includes(v.tab)) return { matrices: { names: [] }, histograms: true };
  // Stepper and graph show any op's operands: everything.
  return ALL;
}

/** Whether streaming `a` also brings everything `b` asks for. */
export function covers(a: TelemetrySubscription, b: TelemetrySubscription): boolean {
  if (!b.matrices.names.every((n) => a.matrices.names.includes(n))) return false;
  const al = a.matrices.layers;
  if (al === undefined || b.matrices.names.length === 0) return true;
  const bl = b.matrices.layers;
  return bl !== undefined && bl.every((l) => al.includes(l));
}

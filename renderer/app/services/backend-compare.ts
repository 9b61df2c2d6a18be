/**
 * Fast backend (float32) against the cpu-f64 reference on the same batch and parameters: the
 * engine compares (`compare-backends`, engine/host's backend comparison, with the relative
 * difference the gradient check uses); `fromEngineComparison` puts its reply in the shape the
 * Gradient check view draws.
 */
import type { BackendName, EventOf, MatrixPayload } from '../../../engine/protocol/index.js';

const NAMES = ['G', 'dW', 'db'] as const;

export interface ElementDiff {
  readonly name: 'G' | 'dW' | 'db';
  readonly layer: number;
  /** |fast − ref| / max(|ref|, 1e-12) per element (decimated: the largest of each block). */
  readonly relError: MatrixPayload;
  readonly maxRelError: number;
  readonly maxAbsError: number;
}

export interface BackendComparison {
  readonly fast: BackendName;
  readonly reference: 'cpu-f64';
  readonly rows: number;
  readonly layers: readonly { layer: number; diffs: readonly ElementDiff[] }[];
  /** The loss on both backends. */
  readonly loss: { readonly fast: number; readonly reference: number };
}

/** The engine's `backend-comparison` reply in the shape the view draws. */
export function fromEngineComparison(e: EventOf<'backend-comparison'>): BackendComparison {
  return {
    fast: e.backend,
    reference: 'cpu-f64',
    rows: e.batchRows,
    loss: e.loss,
    layers: e.layers.map((l) => ({
      layer: l.layer,
      diffs: NAMES.map((name) => ({ name, layer: l.layer, relError: l[name], maxRelError: l.maxRelError[name], maxAbsError: l.maxAbsError[name] })),
    })),
  };
}

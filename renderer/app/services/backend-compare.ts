/**
 * Fast backend (GPU f32) against the cpu-f64 reference on the same batch and parameters. Engines
 * with the `compare-backends` command do this themselves (`fromEngineComparison` adapts their
 * reply); for older engines the fallback below starts two short-lived engines (the same engine host as the app's, in their own workers) each load the same
 * rows, start from the same weights, and run one forward and backward pass op by op; then every
 * G_i, ∂L/∂W_i and ∂L/∂b_i is compared element by element. The training engine is not touched.
 */
import type { BackendName, Checkpoint, EventOf, ModelSpec } from '../../../engine/protocol/index.js';
import type { MatrixView } from '../components/heatmap/paint.js';
import type { EngineLink } from './engine-link.js';

export interface ComparableEngine extends EngineLink {
  dispose(): void;
}

type Params = Checkpoint['parameters'];

export interface ElementDiff {
  readonly name: 'G' | 'dW' | 'db';
  readonly layer: number;
  /** |fast − ref| / max(|ref|, 1e-3 · max|ref|) per element. */
  readonly relError: MatrixView;
  readonly maxRelError: number;
  readonly maxAbsError: number;
}

export interface BackendComparison {
  readonly fast: BackendName;
  readonly reference: 'cpu-f64';
  readonly rows: number;
  readonly layers: readonly { layer: number; diffs: readonly ElementDiff[] }[];
  /** 'engine': the training engine's `compare-backends` on its current batch; 'workers': two separate engines on the first data rows. */
  readonly source: 'engine' | 'workers';
  /** The loss on both backends (engine comparisons only). */
  readonly loss?: { readonly fast: number; readonly reference: number };
}

/** The engine's `backend-comparison` reply in the shape the view draws. */
export function fromEngineComparison(e: EventOf<'backend-comparison'>): BackendComparison {
  return {
    fast: e.backend,
    reference: 'cpu-f64',
    rows: e.batchRows,
    source: 'engine',
    loss: e.loss,
    layers: e.layers.map((l) => ({
      layer: l.layer,
      diffs: NAMES.map((name) => ({ name, layer: l.layer, relError: l[name], maxRelError: l.maxRelError[name], maxAbsError: l.maxAbsError[name] })),
    })),
  };
}

/** Relative error with a floor so that exact zeros in the reference do not blow up. */
export function relativeError(fast: ArrayLike<number>, ref: ArrayLike<number>, floor: number): { rel: Float32Array; maxRel: number; maxAbs: number } {
  if (fast.length !== ref.length) throw new RangeError(`relativeError: ${fast.length} vs ${ref.length} elements`);
  const rel = new Float32Array(ref.length);
  let maxRel = 0;
  let maxAbs = 0;
  for (let k = 0; k < ref.length; k++) {
    const d = Math.abs(fast[k]! - ref[k]!);
    const r = d / Math.max(Math.abs(ref[k]!), floor);
    rel[k] = Number.isNaN(d) ? NaN : r;
    if (r > maxRel || Number.isNaN(r)) maxRel = Number.isNaN(r) ? NaN : Math.max(maxRel, r);
    if (d > maxAbs) maxAbs = d;
  }
  return { rel, maxRel, maxAbs };
}

const NAMES = ['G', 'dW', 'db'] as const;

/** Runs forward, loss and backward on one engine and returns its G_i, ∂L/∂W_i, ∂L/∂b_i at full resolution. */
async function gradientsOn(engine: ComparableEngine, backend: BackendName, X: MatrixView, Y: MatrixView, model: ModelSpec, parameters: Params): Promise<{ backend: BackendName; matrices: Map<string, ArrayLike<number>> }> {
  const f64 = (m: MatrixView) => ({ rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) });
  await engine.request({ type: 'load-dataset', source: { kind: 'matrices', name: 'backend-compare', X: f64(X), Y: f64(Y) } }, 'dataset-loaded');
  const configured = await engine.request(
    { type: 'configure', config: { model: model as never, init: { parameters }, optimizer: { kind: 'sgd', lr: 1e-9 }, batchSize: 'full', seed: 1, validationFraction: 0, backend } },
    'configured',
  );
  const L = model.layers.length;
  // forward 0…L-1, loss, backward L-1…0: every gradient exists, the update has not run.
  for (let k = 0; k < 2 * L + 1; k++) await engine.request({ type: 'step-op' }, 'op-stepped');
  const matrices = new Map<string, ArrayLike<number>>();
  for (let i = 0; i < L; i++) {
    for (const name of NAMES) {
      const e = await engine.request({ type: 'request-matrix', layer: i, name }, 'matrix');
      matrices.set(`${name}:${i}`, e.matrix.data);
    }
  }
  return { backend: configured.backend.name, matrices };
}

export async function compareBackends(
  start: () => ComparableEngine,
  fast: BackendName,
  X: MatrixView,
  Y: MatrixView,
  model: ModelSpec,
  parameters: Params,
  /** Elements far below the matrix's own scale are judged against 1e-3 × max|ref| instead of themselves. */
  relativeFloor = 1e-3,
): Promise<BackendComparison> {
  const engines = [start(), start()];
  try {
    const [a, r] = await Promise.all([gradientsOn(engines[0]!, fast, X, Y, model, parameters), gradientsOn(engines[1]!, 'cpu-f64', X, Y, model, parameters)]);
    if (a.backend !== fast) throw new Error(`the ${fast} backend is not available here (the engine chose ${a.backend})`);
    const p = [model.inputSize, ...model.layers.map((l) => l.units)];
    const layers = model.layers.map((_, i) => ({
      layer: i,
      diffs: NAMES.map((name) => {
        const fa = a.matrices.get(`${name}:${i}`)!;
        const re = r.matrices.get(`${name}:${i}`)!;
        let scale = 0;
        for (let k = 0; k < re.length; k++) scale = Math.max(scale, Math.abs(re[k]!));
        const { rel, maxRel, maxAbs } = relativeError(fa, re, Math.max(1e-30, relativeFloor * scale));
        const rows = name === 'dW' ? p[i]! : name === 'db' ? 1 : X.rows;
        return { name, layer: i, relError: { rows, cols: p[i + 1]!, data: rel }, maxRelError: maxRel, maxAbsError: maxAbs };
      }),
    }));
    return { fast, reference: 'cpu-f64', rows: X.rows, layers, source: 'workers' };
  } finally {
    for (const e of engines) e.dispose();
  }
}

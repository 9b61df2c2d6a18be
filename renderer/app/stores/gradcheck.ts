/**
 * Gradient check: the settings (ε, tolerance, how many elements per layer), a run with progress,
 * and the per-layer result with per-element relative-error matrices for W_i and b_i.
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { EventOf } from '../../../engine/protocol/index.js';
import { useSessionStore } from './session.js';
import { useErrorsStore } from './errors.js';
import { useDataStore } from './data.js';
import { useModelStore } from './model.js';
import { compareBackends, fromEngineComparison, type BackendComparison, type ComparableEngine } from '../services/backend-compare.js';
import type { BackendName } from '../../../engine/protocol/index.js';

/** Starts a separate engine (its own worker) for the comparison; set by the app (tests pass a fake). */
let engineFactory: (() => ComparableEngine) | null = null;
export function setComparisonEngineFactory(f: (() => ComparableEngine) | null): void {
  engineFactory = f;
}
/** Rows of the batch used for the backend comparison. */
const COMPARE_ROWS = 128;

export const useGradcheckStore = defineStore('gradcheck', () => {
  const eps = ref(1e-6);
  const tolerance = ref(1e-5);
  const maxElementsPerLayer = ref(0);
  const seed = ref(1);
  const running = ref(false);
  const result = shallowRef<EventOf<'gradcheck-result'> | null>(null);

  async function run(): Promise<boolean> {
    running.value = true;
    try {
      const r = await useSessionStore()
        .engine()
        .request({ type: 'gradcheck', eps: eps.value, tolerance: tolerance.value, maxElementsPerLayer: maxElementsPerLayer.value, seed: seed.value }, 'gradcheck-result');
      result.value = markRaw(r);
      return r.passed;
    } catch (err) {
      useErrorsStore().report(err, 'The gradient check failed to run');
      return false;
    } finally {
      running.value = false;
    }
  }

  const fastBackend = ref<BackendName>('webgpu-f32');
  /** f32 carries ~7 significant digits; accumulated over a layer's sums, 1e-3 relative is the usual bar. */
  const f32Tolerance = ref(1e-3);
  const comparing = ref(false);
  const comparison = shallowRef<BackendComparison | null>(null);

  /**
   * Compares the fast backend with cpu-f64 on the current parameters: the engine's own
   * `compare-backends` (its current batch) when it has it, else two extra engines on the first rows of the data.
   */
  async function compare(): Promise<boolean> {
    const session = useSessionStore();
    const data = useDataStore();
    const model = useModelStore();
    const errors = useErrorsStore();
    if (session.supports('compare-backends')) {
      comparing.value = true;
      try {
        const e = await session.engine().request({ type: 'compare-backends', backend: fastBackend.value === 'cpu-f32' ? 'cpu-f32' : 'webgpu-f32' }, 'backend-comparison');
        comparison.value = markRaw(fromEngineComparison(e));
        return true;
      } catch (err) {
        errors.report(err, 'The backend comparison failed');
        return false;
      } finally {
        comparing.value = false;
      }
    }
    if (!engineFactory) {
      errors.report(new Error('No engine can be started for the comparison in this window.'), 'Backend comparison unavailable');
      return false;
    }
    const sample = data.sample;
    if (!sample || sample.Y.cols === 0) {
      errors.report(new Error('The comparison needs the data rows (inputs and targets); load a built-in or a file small enough to preview.'), 'Backend comparison unavailable');
      return false;
    }
    comparing.value = true;
    try {
      const L = model.spec.layers.length;
      const W = [];
      const b = [];
      for (let i = 0; i < L; i++) {
        const w = await session.engine().request({ type: 'request-matrix', layer: i, name: 'W' }, 'matrix');
        const bb = await session.engine().request({ type: 'request-matrix', layer: i, name: 'b' }, 'matrix');
        W.push({ rows: w.matrix.rows, cols: w.matrix.cols, data: Float64Array.from(w.matrix.data) });
        b.push({ rows: bb.matrix.rows, cols: bb.matrix.cols, data: Float64Array.from(bb.matrix.data) });
      }
      const n = Math.min(COMPARE_ROWS, sample.X.rows);
      const head = (m: { rows: number; cols: number; data: ArrayLike<number> }) => ({ rows: n, cols: m.cols, data: Float64Array.from({ length: n * m.cols }, (_, k) => m.data[k]!) });
      comparison.value = markRaw(await compareBackends(engineFactory, fastBackend.value, head(sample.X), head(sample.Y), model.spec, { W, b }));
      return true;
    } catch (err) {
      errors.report(err, 'The backend comparison failed');
      return false;
    } finally {
      comparing.value = false;
    }
  }

  /** Re-judges a finished check at a new tolerance without recomputing (the errors do not change). */
  function passesAt(maxRelError: number): boolean {
    return maxRelError <= tolerance.value;
  }

  return { eps, tolerance, maxElementsPerLayer, seed, running, result, run, passesAt, fastBackend, f32Tolerance, comparing, comparison, compare };
});

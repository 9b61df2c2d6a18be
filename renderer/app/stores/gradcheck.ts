/**
 * Gradient check: the settings (ε, tolerance, how many elements per layer), a run with progress,
 * and the per-layer result with per-element relative-error matrices for W_i and b_i.
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { EventOf } from '../../../engine/protocol/index.js';
import { useSessionStore } from './session.js';
import { useErrorsStore } from './errors.js';
import { EngineError } from '../services/engine-link.js';
import { fromEngineComparison, type BackendComparison } from '../services/backend-compare.js';
import type { BackendName } from '../../../engine/protocol/index.js';

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
      // Cancelled on request: not a failure to report.
      if (!(err instanceof EngineError && err.event.code === 'cancelled'))
        useErrorsStore().report(err, 'The gradient check failed to run');
      return false;
    } finally {
      running.value = false;
    }
  }

  /** Stops a running check: the engine takes a pause as "cancel" and answers the check with `cancelled`. */
  function cancel(): void {
    if (running.value) useSessionStore().engine().send({ type: 'pause' });
  }

  const fastBackend = ref<BackendName>('webgpu-f32');
  /** f32 carries ~7 significant digits; accumulated over a layer's sums, 1e-3 relative is the usual bar. */
  const f32Tolerance = ref(1e-3);
  const comparing = ref(false);
  const comparison = shallowRef<BackendComparison | null>(null);

  /**
   * Compares the fast backend with cpu-f64 on the current parameters and batch: the engine's
   * `compare-backends` (one forward and backward pass on each; training is not disturbed).
   */
  async function compare(): Promise<boolean> {
    comparing.value = true;
    try {
      const e = await useSessionStore()
        .engine()
        .request({ type: 'compare-backends', backend: fastBackend.value === 'cpu-f32' ? 'cpu-f32' : 'webgpu-f32' }, 'backend-comparison');
      comparison.value = markRaw(fromEngineComparison(e));
      return true;
    } catch (err) {
      useErrorsStore().report(err, 'The backend comparison failed');
      return false;
    } finally {
      comparing.value = false;
    }
  }

  /** Re-judges a finished check at a new tolerance without recomputing (the errors do not change). */
  function passesAt(maxRelError: number): boolean {
    return maxRelError <= tolerance.value;
  }

  return { eps, tolerance, maxElementsPerLayer, seed, running, result, run, cancel, passesAt, fastBackend, f32Tolerance, comparing, comparison, compare };
});

/**
 * Gradient check: the settings (ε, tolerance, how many elements per layer), a run with progress,
 * and the per-layer result with per-element relative-error matrices for W_i and b_i.
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { EventOf } from '../../../engine/protocol/index.js';
import { useSessionStore } from './session.js';
import { useErrorsStore } from './errors.js';

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

  /** Re-judges a finished check at a new tolerance without recomputing (the errors do not change). */
  function passesAt(maxRelError: number): boolean {
    return maxRelError <= tolerance.value;
  }

  return { eps, tolerance, maxElementsPerLayer, seed, running, result, run, passesAt };
});

/**
 * Attach mode, a model of any other modules (not a Sequential of Linear + activations): the
 * frames carry per-module statistics instead of FORMATS layers. This store keeps the latest
 * table and the gradient-norm history (services/module-history.ts) for the Layers view.
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { ModuleTensorFrame } from '../../../engine/protocol/index.js';
import { useSessionStore } from './session.js';
import { ModuleHistory } from '../services/module-history.js';

export const useModulesStore = defineStore('modules', () => {
  const history = shallowRef(markRaw(new ModuleHistory()));
  /** Bumped on every change: the views' computed values depend on it (history is mutated in place). */
  const version = ref(0);
  /** The module whose full tensors the run sends (watch-module), and its latest ones. */
  const watched = ref<string | null>(null);
  const tensors = shallowRef<readonly ModuleTensorFrame[]>([]);
  const tensorsStep = ref(0);

  /** Ask the attached run for this module's tensors (null: stop); they arrive with the next full step. */
  async function watch(module: string | null): Promise<void> {
    await useSessionStore().engine().request({ type: 'watch-module', module }, 'accepted');
    watched.value = module;
    tensors.value = [];
  }

  function clear(): void {
    history.value.clear();
    watched.value = null;
    tensors.value = [];
    version.value++;
  }

  function connect(): void {
    const link = useSessionStore().engine();
    link.on('frame', (e) => {
      if (e.historical || !e.modules?.length) return;
      history.value.push(e.step, e.modules);
      const mine = (e.moduleTensors ?? []).filter((t) => t.module === watched.value);
      if (mine.length) {
        tensors.value = markRaw(mine);
        tensorsStep.value = e.step;
      }
      version.value++;
    });
    link.on('state', (e) => {
      if (e.reason === 'configured' || e.reason === 'reset' || e.reason === 'restored') clear();
    });
  }

  return { history, version, watched, tensors, tensorsStep, watch, clear, connect };
});

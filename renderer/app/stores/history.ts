/**
 * Time travel: pick any step the engine still keeps (its history ring buffer), see that step's
 * frame in the Layers view, and diff two steps matrix by matrix. Frames are fetched on demand
 * (`request-frame`), cached for the last few steps viewed.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { EventOf, MatrixName, MatrixPayload } from '../../../engine/protocol/index.js';
import { diffMatrix, type MatrixView } from '../components/heatmap/paint.js';
import { matrixKey } from './telemetry.js';
import { useSessionStore } from './session.js';
import { useModelStore } from './model.js';
import { useErrorsStore } from './errors.js';

type Frame = EventOf<'frame'>;
const CACHE = 16;

export const useHistoryStore = defineStore('history', () => {
  const session = useSessionStore();
  const model = useModelStore();
  /** When on, views show `stepA`'s frame instead of the live one. */
  const travelling = ref(false);
  const stepA = ref(0);
  const stepB = ref<number | null>(null);
  const frameA = shallowRef<Frame | null>(null);
  const frameB = shallowRef<Frame | null>(null);
  const loading = ref(false);
  const cache = new Map<number, Frame>();

  /** The oldest step the engine still keeps (its history holds the last `historySize` steps). */
  const oldest = computed(() => Math.max(1, session.step - Math.max(1, model.historySize) + 1));
  const newest = computed(() => session.step);
  /** History size 0 (Model view): the engine keeps no past steps. */
  const enabled = computed(() => model.historySize > 0);
  /** Whether the engine still keeps this step (older ones have left its ring buffer). */
  function kept(step: number): boolean {
    return enabled.value && Number.isInteger(step) && step >= oldest.value && step <= newest.value;
  }

  async function fetchFrame(step: number): Promise<Frame | null> {
    const hit = cache.get(step);
    if (hit) return hit;
    loading.value = true;
    try {
      const f = await session.engine().request({ type: 'request-frame', step }, 'frame');
      cache.set(step, markRaw(f));
      while (cache.size > CACHE) cache.delete(cache.keys().next().value!);
      return f;
    } catch (err) {
      useErrorsStore().report(err, `Step ${step} is not in the history`);
      return null;
    } finally {
      loading.value = false;
    }
  }

  /** Shows a past step in every view; false (and the live view stays) when the engine no longer has it. */
  async function show(step: number): Promise<boolean> {
    if (!kept(step) && !cache.has(step)) return false;
    travelling.value = true;
    stepA.value = step;
    const f = await fetchFrame(step);
    if (stepA.value !== step) return f !== null;
    frameA.value = f;
    if (!f) travelling.value = false;
    return f !== null;
  }
  async function compareWith(step: number | null): Promise<boolean> {
    if (step !== null && !kept(step) && !cache.has(step)) return false;
    stepB.value = step;
    frameB.value = step === null ? null : await fetchFrame(step);
    if (step !== null && !frameB.value) stepB.value = null;
    return step === null || frameB.value !== null;
  }
  function backToLive(): void {
    travelling.value = false;
    frameA.value = null;
  }
  function forget(): void {
    cache.clear();
    backToLive();
    stepB.value = null;
    frameB.value = null;
  }

  function matrixOf(f: Frame | null, name: MatrixName, layer: number | null): MatrixPayload | null {
    if (!f) return null;
    const key = matrixKey(name, layer);
    return f.matrices.find((m) => matrixKey(m.name, m.layer) === key) ?? null;
  }
  /** stepA − stepB for one matrix, or null when either is missing or the shapes differ. */
  function diff(name: MatrixName, layer: number | null): MatrixView | null {
    const a = matrixOf(frameA.value, name, layer);
    const b = matrixOf(frameB.value, name, layer);
    if (!a || !b || a.rows !== b.rows || a.cols !== b.cols) return null;
    return diffMatrix(a, b);
  }

  function connect(): void {
    session.engine().on('state', (e) => {
      if (e.reason === 'reset' || e.reason === 'configured' || e.reason === 'restored') forget();
    });
  }

  return { travelling, stepA, stepB, frameA, frameB, loading, oldest, newest, enabled, kept, show, compareWith, backToLive, forget, matrixOf, diff, connect };
});

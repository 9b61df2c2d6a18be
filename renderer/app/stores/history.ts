/**
 * Time travel: pick any step the engine still keeps (its history ring buffer), see that step's
 * frame in the Layers view, and diff two steps matrix by matrix. Frames are fetched on demand
 * (`request-frame`), cached for the last few steps viewed.
 *
 * During a free run the engine records only some steps (≈ 20 a second; see docs/protocol.md
 * "Recording"), so the kept steps are not a contiguous range: the engine is asked for the exact
 * list (`request-history`, on every pause or step and when the History view opens).
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { EventOf, MatrixName, MatrixPayload } from '../../../engine/protocol/index.js';
import { diffMatrix, type MatrixView } from '../services/matrix.js';
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

  /** The engine's list of kept steps (≥ 1, ascending), as of its last `history` reply (empty before one). */
  const listed = shallowRef<readonly number[]>([]);
  /** The kept steps that still hold their training state (`rewind` can go back to them). */
  const restorable = shallowRef<ReadonlySet<number>>(new Set());
  const rewinding = ref(false);
  /** A step another view suggests going back to (the History view's slider starts there once). */
  const proposed = ref<number | null>(null);
  const listedSet = computed(() => new Set(listed.value));
  /** The oldest step the engine still keeps (0 when none). */
  const oldest = computed(() => listed.value[0] ?? 0);
  const newest = computed(() => listed.value.at(-1) ?? 0);
  /** How many steps the slider offers (its positions are 0 … count − 1). */
  const count = computed(() => listed.value.length);
  /** History size 0 (Model view): the engine keeps no past steps. */
  const enabled = computed(() => model.historySize > 0);
  /** Whether the engine still keeps this step (older ones have left its ring buffer). */
  function kept(step: number): boolean {
    return enabled.value && listedSet.value.has(step);
  }
  /** The kept step at slider position `index` (clamped to the kept steps; 0 when none). */
  function stepAt(index: number): number {
    if (count.value === 0) return 0;
    const i = Math.min(count.value - 1, Math.max(0, Math.round(index)));
    return listed.value[i]!;
  }
  /** The slider position of `step`: its own, else the newest kept step before it (0 when none is). */
  function indexOf(step: number): number {
    let lo = 0;
    let hi = listed.value.length - 1;
    let at = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (listed.value[mid]! <= step) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at;
  }
  let refreshing: Promise<void> | null = null;
  let again = false;
  /** Asks the engine which steps it keeps (no-op with History size 0). */
  function refresh(): Promise<void> {
    if (!enabled.value) return Promise.resolve();
    // One request at a time; a call during one asks again after it (the list may have moved on).
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        again = false;
        try {
          const e = await session.engine().request({ type: 'request-history' }, 'history');
          listed.value = e.steps.filter((s) => s >= 1);
          restorable.value = new Set(e.restorable ?? []);
        } catch {
          // Not fatal (e.g. nothing configured yet): the last list stays; show() still reports a refused step.
        }
      } while (again);
      refreshing = null;
    })();
    return refreshing;
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
  /**
   * Where to go back to after a breakpoint fired in step `hitStep`: the newest step that can be
   * resumed from, at least two steps earlier (the parameters after hitStep − 1 are what produced
   * the bad values; going back before that step lets a smaller learning rate change it). Null
   * when none is kept with its state.
   */
  function beforeHit(hitStep: number): number | null {
    let best: number | null = null;
    for (const s of restorable.value) if (s >= 1 && s <= hitStep - 2 && (best === null || s > best)) best = s;
    return best;
  }

  /** Whether training can resume from this step (the engine keeps its parameters and optimizer state). */
  function canRewind(step: number): boolean {
    return restorable.value.has(step);
  }
  /** Goes back to `step` and pauses there: newer steps leave the history, the loss curve ends at it. */
  async function rewind(step: number): Promise<boolean> {
    if (!canRewind(step)) return false;
    rewinding.value = true;
    try {
      await session.engine().request({ type: 'rewind', step }, 'state');
      return true;
    } catch (err) {
      useErrorsStore().report(err, `Cannot resume from step ${step}`);
      return false;
    } finally {
      rewinding.value = false;
    }
  }
  function forget(): void {
    cache.clear();
    listed.value = [];
    restorable.value = new Set();
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
      if (e.reason === 'reset' || e.reason === 'configured' || e.reason === 'restored' || e.reason === 'rewound') forget();
      // The kept steps change with every step; while running they are fetched when the view asks.
      if (e.state !== 'running' && e.state !== 'empty') void refresh();
    });
  }

  return {
    travelling,
    stepA,
    stepB,
    frameA,
    frameB,
    loading,
    listed,
    restorable,
    rewinding,
    proposed,
    beforeHit,
    canRewind,
    rewind,
    oldest,
    newest,
    count,
    enabled,
    kept,
    stepAt,
    indexOf,
    refresh,
    show,
    compareWith,
    backToLive,
    forget,
    matrixOf,
    diff,
    connect,
  };
});

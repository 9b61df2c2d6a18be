/**
 * Compare mode in the dashboard: the files the user dropped (their arrays, and the weights and
 * batch files they ran on, or the current model's weights), the engine's `compare` and its
 * result, and which quantity is shown. The engine does the work (engine/compare through the
 * protocol); this store only routes files and keeps the reply (not reactive inside: big arrays).
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { EventOf, QuantityKind } from '../../../engine/protocol/index.js';
import { useSessionStore } from './session.js';
import { useErrorsStore } from './errors.js';

export interface DroppedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export type FileRole = 'weights' | 'batch' | 'arrays';

/** A JSON weights or batch file is recognised by its "format" key; everything else is arrays. */
export function roleOf(file: DroppedFile): FileRole {
  if (!/\.json$/i.test(file.name)) return 'arrays';
  try {
    const head = new TextDecoder().decode(file.bytes.subarray(0, 4096));
    const m = /"format"\s*:\s*"backprop-lens\/(weights|batch)"/.exec(head);
    if (m) return m[1] as FileRole;
  } catch {
    // not text: arrays
  }
  return 'arrays';
}

/** Which training op computes a quantity: forward layer i, the loss op, or backward layer i. */
export function opOf(quantity: QuantityKind, layer: number, layers: number): { kind: 'forward' | 'loss' | 'backward'; layer: number | null } {
  switch (quantity) {
    case 'H':
    case 'output':
      return { kind: 'forward', layer };
    case 'A':
      return { kind: 'forward', layer: layer - 1 };
    case 'loss':
      return { kind: 'loss', layer: null };
    case 'G':
      // G_{L−1} comes from the loss op; G_{i−1} from backward layer i.
      return layer === layers - 1 ? { kind: 'loss', layer: null } : { kind: 'backward', layer: layer + 1 };
    case 'dW':
    case 'db':
      return { kind: 'backward', layer };
    case 'dX':
      return { kind: 'backward', layer: 0 };
  }
}

export const useCompareStore = defineStore('compare', () => {
  const arrays = shallowRef<readonly DroppedFile[]>([]);
  const weights = shallowRef<DroppedFile | null>(null);
  const batch = shallowRef<DroppedFile | null>(null);
  /** Compare against the session's current model and parameters instead of a weights file. */
  const useCurrentWeights = ref(false);
  const layout = ref<'auto' | 'rows' | 'columns' | 'pytorch'>('auto');
  const base = ref<'auto' | '0' | '1'>('auto');
  const map = ref('');
  const running = ref(false);
  const result = shallowRef<EventOf<'compare-result'> | null>(null);
  const selected = ref<string | null>(null);

  const canRun = computed(
    () => !running.value && arrays.value.length > 0 && batch.value !== null && (weights.value !== null || useCurrentWeights.value),
  );

  function add(files: readonly DroppedFile[]): void {
    const more: DroppedFile[] = [];
    for (const f of files) {
      const role = roleOf(f);
      if (role === 'weights') {
        weights.value = markRaw(f);
        useCurrentWeights.value = false;
      } else if (role === 'batch') batch.value = markRaw(f);
      else more.push(markRaw(f));
    }
    if (more.length) arrays.value = [...arrays.value.filter((a) => !more.some((m) => m.name === a.name)), ...more];
  }
  function remove(name: string): void {
    arrays.value = arrays.value.filter((a) => a.name !== name);
  }
  function clear(): void {
    arrays.value = [];
    weights.value = null;
    batch.value = null;
    result.value = null;
    selected.value = null;
  }

  async function run(): Promise<boolean> {
    if (!canRun.value) return false;
    running.value = true;
    const text = (f: DroppedFile): string => new TextDecoder().decode(f.bytes);
    try {
      const r = await useSessionStore()
        .engine()
        .request(
          {
            type: 'compare',
            arrays: arrays.value.map((a) => ({ name: a.name, bytes: a.bytes.slice() })),
            batch: text(batch.value!),
            ...(weights.value && !useCurrentWeights.value ? { weights: text(weights.value) } : {}),
            ...(layout.value !== 'auto' ? { layout: layout.value } : {}),
            ...(base.value !== 'auto' ? { base: Number(base.value) as 0 | 1 } : {}),
            ...(map.value.trim() !== '' ? { map: map.value.trim() } : {}),
          },
          'compare-result',
        );
      result.value = markRaw(r);
      const first = r.report.firstError;
      const q = first ? r.report.quantities.find((x) => x.layer === first.layer && x.quantity === first.quantity) : null;
      selected.value = q?.name ?? r.report.quantities.find((x) => x.status !== 'missing')?.name ?? null;
      return true;
    } catch (err) {
      useErrorsStore().report(err, 'Compare could not use these files');
      return false;
    } finally {
      running.value = false;
    }
  }

  return { arrays, weights, batch, useCurrentWeights, layout, base, map, running, result, selected, canRun, add, remove, clear, run };
});

/**
 * Breakpoints: the conditions the user set (each can be switched off without losing it), sent to
 * the engine as one list; the hits it reports; and, on a hit, a jump to the offending layer with
 * its cells marked.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { BreakpointCondition, BreakpointHit } from '../../../engine/protocol/index.js';
import { breakpointSchema } from '../../../engine/protocol/index.js';
import { useSessionStore } from './session.js';
import { useUiStore } from './ui.js';
import { useErrorsStore } from './errors.js';

export type BreakpointKind = BreakpointCondition['kind'];

export interface BreakpointEntry {
  readonly id: number;
  enabled: boolean;
  condition: BreakpointCondition;
}

/** A sensible starting condition of each kind. */
export function defaultCondition(kind: BreakpointKind): BreakpointCondition {
  switch (kind) {
    case 'non-finite':
      return { kind };
    case 'vanishing':
      return { kind, threshold: 1e-7 };
    case 'exploding':
      return { kind, threshold: 1e3 };
    case 'saturation':
      return { kind, fraction: 0.9 };
    case 'dead-relu':
      return { kind, fraction: 0.5 };
    case 'loss-spike':
      return { kind, factor: 10 };
  }
}

/** One line a person reads in the list and in tooltips. */
export function describeCondition(c: BreakpointCondition): string {
  const where = 'layer' in c && c.layer !== undefined ? ` in layer ${c.layer}` : ' in any layer';
  switch (c.kind) {
    case 'non-finite':
      return 'Any NaN or ±Inf in a matrix or the loss';
    case 'vanishing':
      return `Fires when ‖G_i‖ < ${c.threshold}${where} (strictly below)`;
    case 'exploding':
      return `Fires when ‖G_i‖ > ${c.threshold}${where} (strictly above)`;
    case 'saturation':
      return `Fires when more than ${Math.round(c.fraction * 1000) / 10}% of tanh/sigmoid outputs are saturated${where} (> ${Math.round(c.fraction * 1000) / 10}%: exactly ${Math.round(c.fraction * 1000) / 10}% does not fire)`;
    case 'dead-relu':
      return `Fires when more than ${Math.round(c.fraction * 1000) / 10}% of ReLU units are dead${where} (> ${Math.round(c.fraction * 1000) / 10}%: exactly ${Math.round(c.fraction * 1000) / 10}% does not fire)`;
    case 'loss-spike':
      return `Fires when loss > ${c.factor} × its running mean (strictly above)`;
  }
}

/** The first validation problem of a condition (path: message), or null. */
export function conditionProblem(c: BreakpointCondition): string | null {
  const r = breakpointSchema.safeParse(c);
  if (r.success) return null;
  const i = r.error.issues[0]!;
  return `${i.path.join('.') || c.kind}: ${i.message}`;
}

let nextId = 1;

/** The cells to outline: `matrixIndex` names the matrix (A_2 is the output of layer 1's op), `layer` the op's layer. */
export function marksOf(hit: BreakpointHit): { matrix: string; layer: number | null; cells: readonly number[] } {
  const index = (hit as BreakpointHit & { matrixIndex?: number | null }).matrixIndex;
  return { matrix: hit.matrix, layer: index ?? hit.layer, cells: hit.cells };
}

export const useBreakpointsStore = defineStore('breakpoints', () => {
  const entries = ref<BreakpointEntry[]>([{ id: nextId++, enabled: true, condition: { kind: 'non-finite' } }]);
  const hits = shallowRef<readonly BreakpointHit[]>([]);
  const synced = ref(false);
  /** The marked cells of the latest hit, read by the Layers view: matrix name, layer, flat indices. */
  const marks = shallowRef<{ matrix: string; layer: number | null; cells: readonly number[] } | null>(null);

  const problems = computed(() => entries.value.map((e) => conditionProblem(e.condition)));
  const active = computed(() => entries.value.filter((e, k) => e.enabled && problems.value[k] === null).map((e) => e.condition));

  function add(kind: BreakpointKind): void {
    entries.value = [...entries.value, { id: nextId++, enabled: true, condition: defaultCondition(kind) }];
    synced.value = false;
  }
  function remove(id: number): void {
    entries.value = entries.value.filter((e) => e.id !== id);
    synced.value = false;
  }
  function update(id: number, condition: BreakpointCondition): void {
    entries.value = entries.value.map((e) => (e.id === id ? { ...e, condition } : e));
    synced.value = false;
  }
  function toggle(id: number, enabled: boolean): void {
    entries.value = entries.value.map((e) => (e.id === id ? { ...e, enabled } : e));
    synced.value = false;
  }
  /** Sends the enabled, valid conditions to the engine. */
  function apply(): void {
    const bad = problems.value.find((p, k) => p !== null && entries.value[k]!.enabled);
    if (bad) useErrorsStore().report(new Error(bad), 'A breakpoint is not valid and was left out');
    useSessionStore().send({ type: 'set-breakpoints', breakpoints: active.value.map((c) => ({ ...c })) });
    synced.value = true;
  }
  function clearHits(): void {
    hits.value = [];
    marks.value = null;
  }

  function onHit(hit: BreakpointHit): void {
    hits.value = markRaw([hit, ...hits.value].slice(0, 100));
    marks.value = marksOf(hit);
    useUiStore().show('layers', hit.layer);
  }

  function connect(): void {
    const session = useSessionStore();
    session.engine().on('breakpoint-hit', (e) => onHit(e.hit));
    // A fresh engine (or a restart) knows no breakpoints: send ours as soon as it is ready.
    session.engine().on('ready', () => apply());
    session.engine().on('state', (e) => {
      if (e.reason === 'reset' || e.reason === 'configured') marks.value = null;
    });
  }

  return { entries, hits, synced, marks, problems, active, add, remove, update, toggle, apply, clearHits, onHit, connect };
});

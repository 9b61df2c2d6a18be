/**
 * The backward-pass stepper: the ops of one training step (from `configured`), which one runs
 * next, and what the last stepped op computed (its operand and result matrices), so the view can
 * show the equation and highlight the matrices it touched.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { EventOf, MatrixName, MatrixPayload, OpRef } from '../../../engine/protocol/index.js';
import { useSessionStore } from './session.js';

export interface OperandRole {
  readonly name: MatrixName;
  readonly layer: number;
  readonly role: 'operand' | 'result';
}

/** Which matrices an op reads and writes, in FORMATS.md's equations. */
export function operandsOf(op: OpRef, layerCount: number): OperandRole[] {
  const i = op.layer ?? 0;
  switch (op.kind) {
    case 'forward':
      return [
        { name: 'A', layer: i, role: 'operand' },
        { name: 'W', layer: i, role: 'operand' },
        { name: 'b', layer: i, role: 'operand' },
        { name: 'H', layer: i, role: 'result' },
        { name: 'A', layer: i + 1, role: 'result' },
      ];
    case 'loss':
      return [
        // F = A_L against the targets Y (Y itself is not streamed)
        { name: 'H', layer: layerCount - 1, role: 'operand' },
        { name: 'A', layer: layerCount, role: 'operand' },
        { name: 'G', layer: layerCount - 1, role: 'result' },
      ];
    case 'backward':
      return [
        { name: 'A', layer: i, role: 'operand' },
        { name: 'G', layer: i, role: 'operand' },
        { name: 'W', layer: i, role: 'operand' },
        { name: 'dW', layer: i, role: 'result' },
        { name: 'db', layer: i, role: 'result' },
        ...(i > 0 ? [{ name: 'H' as const, layer: i - 1, role: 'operand' as const }, { name: 'G' as const, layer: i - 1, role: 'result' as const }] : []),
      ];
    case 'update': {
      const out: OperandRole[] = [];
      for (let l = 0; l < layerCount; l++) {
        out.push({ name: 'dW', layer: l, role: 'operand' }, { name: 'W', layer: l, role: 'result' }, { name: 'db', layer: l, role: 'operand' }, { name: 'b', layer: l, role: 'result' });
      }
      return out;
    }
  }
}

export const useStepperStore = defineStore('stepper', () => {
  const ops = shallowRef<readonly OpRef[]>([]);
  const last = shallowRef<EventOf<'op-stepped'> | null>(null);
  /** Ops stepped so far in the current step, in order, with their matrices. */
  const trail = shallowRef<readonly EventOf<'op-stepped'>[]>([]);
  const layerCount = ref(0);
  const busy = ref(false);

  const session = useSessionStore();
  /** Index of the op `step-op` runs next (0 at a step boundary). */
  const nextIndex = computed(() => session.nextOp?.index ?? 0);
  const selectedIndex = ref<number | null>(null);
  /** The op the view shows: the one picked in the list, else the one just run, else the next. */
  const shown = computed<OpRef | null>(() => {
    if (selectedIndex.value !== null) return ops.value[selectedIndex.value] ?? null;
    return last.value?.op ?? session.nextOp ?? ops.value[0] ?? null;
  });
  const shownMatrices = computed<readonly MatrixPayload[]>(() => {
    const op = shown.value;
    if (!op) return [];
    const hit = trail.value.find((e) => e.op.index === op.index && e.step === (last.value?.step ?? -1));
    return hit?.matrices ?? [];
  });
  const stepComplete = computed(() => last.value !== null && last.value.next === null);

  function stepOp(): void {
    selectedIndex.value = null;
    busy.value = true;
    session.stepOp();
  }
  function select(index: number | null): void {
    selectedIndex.value = index;
  }

  function connect(): void {
    const link = session.engine();
    link.on('configured', (e) => {
      ops.value = e.ops;
      layerCount.value = e.shapes.length;
      last.value = null;
      trail.value = [];
    });
    link.on('op-stepped', (e) => {
      busy.value = false;
      const fresh = e.op.index === 0 || (last.value !== null && last.value.step !== e.step);
      trail.value = markRaw(fresh ? [e] : [...trail.value, e]);
      last.value = markRaw(e);
    });
    link.on('state', (e) => {
      if (e.state !== 'running') busy.value = false;
      if (e.reason === 'reset' || e.reason === 'configured') {
        last.value = null;
        trail.value = [];
      }
    });
  }

  return { ops, last, trail, layerCount, busy, nextIndex, selectedIndex, shown, shownMatrices, stepComplete, stepOp, select, connect };
});

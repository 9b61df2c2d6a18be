/**
 * Classification metrics of the run (train and validation accuracy, confusion matrix, per-class
 * counts), asked from the engine (`request-metrics`) after live frames — at most once a second
 * while training runs, at once after a pause or a step — and a short accuracy history for the
 * Train view. Engines without the command, and regression sets, leave it empty.
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { EventOf } from '../../../engine/protocol/index.js';
import { useSessionStore } from './session.js';
import { useDataStore } from './data.js';

type MetricsEvent = EventOf<'metrics'>;

/** Least time between two requests while training runs, ms. */
export const METRICS_INTERVAL_MS = 1000;

export const useMetricsStore = defineStore('metrics', () => {
  const latest = shallowRef<MetricsEvent | null>(null);
  /** Accuracy over time: step, train, validation (NaN where not measured). */
  const accuracy = shallowRef<{ steps: number[]; train: number[]; validation: number[] }>(markRaw({ steps: [], train: [], validation: [] }));
  const version = ref(0);
  let inFlight = false;
  let lastAt = -Infinity;
  let lastStep = -1;

  function clear(): void {
    latest.value = null;
    accuracy.value = markRaw({ steps: [], train: [], validation: [] });
    lastStep = -1;
    version.value++;
  }

  function accept(e: MetricsEvent): void {
    latest.value = markRaw(e);
    if (e.task === 'classification' && e.train && e.step !== lastStep) {
      const a = accuracy.value;
      // A rewind puts the run back: the history after it no longer happened.
      while (a.steps.length && a.steps[a.steps.length - 1]! >= e.step) for (const s of [a.steps, a.train, a.validation]) s.pop();
      a.steps.push(e.step);
      a.train.push(e.train.accuracy);
      a.validation.push(e.validation?.accuracy ?? NaN);
      lastStep = e.step;
    }
    version.value++;
  }

  /** Asks for metrics unless a request is out, or (force = false) one went out less than a second ago. */
  async function refresh(force = false, now = Date.now()): Promise<void> {
    const session = useSessionStore();
    if (useDataStore().task !== 'classification' || session.state === 'empty') return;
    if (inFlight || (!force && now - lastAt < METRICS_INTERVAL_MS)) return;
    inFlight = true;
    lastAt = now;
    try {
      accept(await session.engine().request({ type: 'request-metrics' }, 'metrics'));
    } catch {
      // e.g. the run was reconfigured meanwhile; the next frame asks again
    } finally {
      inFlight = false;
    }
  }

  function connect(): void {
    const session = useSessionStore();
    const link = session.engine();
    link.on('frame', (e) => {
      if (e.historical) return;
      void refresh(!session.running);
    });
    link.on('state', (e) => {
      if (e.reason === 'configured' || e.reason === 'reset' || e.reason === 'restored') clear();
      if (e.state === 'paused' || e.state === 'idle') void refresh(true);
    });
  }

  return { latest, accuracy, version, clear, accept, refresh, connect };
});

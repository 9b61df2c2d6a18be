/**
 * Wires the stores to one engine link: each store subscribes to the events it owns. Also asks
 * for the telemetry the dashboard draws once a model is configured.
 */
import type { EngineLink } from './engine-link.js';
import { useSessionStore } from '../stores/session.js';
import { useTelemetryStore } from '../stores/telemetry.js';
import { useStepperStore } from '../stores/stepper.js';
import { useBreakpointsStore } from '../stores/breakpoints.js';
import { useHistoryStore } from '../stores/history.js';
import { useModelStore } from '../stores/model.js';
import { useDataStore } from '../stores/data.js';
import { markRaw } from 'vue';
import { MATRIX_NAMES } from '../../../engine/protocol/index.js';

/** Every matrix the Layers view can show, for all layers, with histograms. */
export const DASHBOARD_TELEMETRY = { matrices: { names: [...MATRIX_NAMES] }, histograms: true };

export function connectStores(link: EngineLink): void {
  const session = useSessionStore();
  session.connect(link);
  useTelemetryStore().connect();
  useStepperStore().connect();
  useBreakpointsStore().connect();
  useHistoryStore().connect();
  const model = useModelStore();
  link.on('configured', (e) => {
    model.configured = markRaw(e);
    link.send({ type: 'set-telemetry', ...DASHBOARD_TELEMETRY });
    void useDataStore().fetchSample(true);
  });
  link.on('frame', (e) => {
    if (!e.historical && !useDataStore().sample) void useDataStore().fetchSample(true);
  });
}

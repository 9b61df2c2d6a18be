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
import { useUiStore } from '../stores/ui.js';
import { computed, markRaw, watch } from 'vue';
import { MATRIX_NAMES } from '../../../engine/protocol/index.js';
import { telemetrySubscription } from './telemetry-subscription.js';

/** Every matrix the Layers view can show, for all layers, with histograms (the heatmap bench's subscription). */
export const DASHBOARD_TELEMETRY = { matrices: { names: [...MATRIX_NAMES] }, histograms: true };

export interface ConnectOptions {
  /** Stream only the matrices the current view shows while training runs (default true). */
  followViews?: boolean;
}

export function connectStores(link: EngineLink, options: ConnectOptions = {}): void {
  const session = useSessionStore();
  session.connect(link);
  useTelemetryStore().connect();
  useStepperStore().connect();
  useBreakpointsStore().connect();
  useHistoryStore().connect();
  const model = useModelStore();
  const ui = useUiStore();
  const follow = options.followViews ?? true;
  const wanted = computed(() =>
    follow
      ? telemetrySubscription({
          tab: ui.tab,
          running: session.state === 'running',
          layerKinds: ui.layerKinds,
          onlyLayer: ui.layersOnlyFocus ? ui.focusLayer : null,
        })
      : DASHBOARD_TELEMETRY,
  );
  let sent = '';
  const subscribe = (force: boolean): void => {
    const body = wanted.value;
    const key = JSON.stringify(body);
    if (!force && key === sent) return;
    sent = key;
    link.send({ type: 'set-telemetry', ...body });
  };
  link.on('configured', (e) => {
    model.configured = markRaw(e);
    subscribe(true);
    void useDataStore().fetchSample(true);
  });
  watch(
    wanted,
    () => {
      if (!model.configured) return;
      const widened = sent !== '' && JSON.stringify(wanted.value) !== sent && !session.running;
      subscribe(false);
      // Paused after a run that streamed only part: fetch the current step's matrices for any view.
      if (widened && session.state === 'paused') void useTelemetryStore().refreshMatrices();
    },
    { deep: true },
  );
  link.on('frame', (e) => {
    if (!e.historical && !useDataStore().sample) void useDataStore().fetchSample(true);
  });
}

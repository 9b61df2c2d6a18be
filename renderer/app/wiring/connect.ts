/**
 * Wires the stores to one engine link: each store subscribes to the events it owns. Also asks
 * for the telemetry the dashboard draws once a model is configured.
 */
import type { EngineLink } from '../services/engine-link.js';
import { useSessionStore } from '../stores/session.js';
import { useModulesStore } from '../stores/modules.js';
import { useTelemetryStore } from '../stores/telemetry.js';
import { useStepperStore } from '../stores/stepper.js';
import { useBreakpointsStore } from '../stores/breakpoints.js';
import { useHistoryStore } from '../stores/history.js';
import { useModelStore } from '../stores/model.js';
import { useUiStore } from '../stores/ui.js';
import { useMetricsStore } from '../stores/metrics.js';
import { useDataStore } from '../stores/data.js';
import { useSessionFilesStore } from '../stores/session-files.js';
import { computed, markRaw, watch } from 'vue';
import { MATRIX_NAMES } from '../../../engine/protocol/index.js';
import { covers, telemetrySubscription, type TelemetrySubscription } from './telemetry-subscription.js';

/** Every matrix the Layers view can show, for all layers, with histograms (the heatmap bench's subscription). */
export const DASHBOARD_TELEMETRY: TelemetrySubscription = { matrices: { names: [...MATRIX_NAMES] }, histograms: true };

export interface ConnectOptions {
  /** Stream only the matrices the current view shows while training runs (default true). */
  followViews?: boolean;
}

export function connectStores(link: EngineLink, options: ConnectOptions = {}): void {
  const session = useSessionStore();
  session.connect(link);
  useTelemetryStore().connect();
  useModulesStore().connect();
  useStepperStore().connect();
  useBreakpointsStore().connect();
  useHistoryStore().connect();
  useMetricsStore().connect();
  // A session file dropped, picked or reopened in the Data view opens the whole session.
  useDataStore().openFilesOfKind('.bplens', (name, bytes) => void useSessionFilesStore().open(name, bytes));
  // A data file picked instead starts a new, untitled session (the window title says so).
  useDataStore().onDataFilePicked(() => useSessionFilesStore().untitled());
  const model = useModelStore();
  const ui = useUiStore();
  const follow = options.followViews ?? true;
  const view = (running: boolean) =>
    telemetrySubscription({
      tab: ui.tab,
      running,
      layerKinds: ui.layerKinds,
      onlyLayer: ui.layersOnlyFocus ? ui.focusLayer : null,
    });
  const wanted = computed(() => (follow ? view(session.state === 'running') : DASHBOARD_TELEMETRY));
  /** What the view draws, whether or not training runs. */
  const needs = computed(() => view(true));
  let sent = '';
  /** Paused after a run that streamed only this: the other matrices are older than the current step. */
  let partial: TelemetrySubscription | null = null;
  const subscribe = (force: boolean): void => {
    const body = wanted.value;
    const key = JSON.stringify(body);
    if (!force && key === sent) return;
    sent = key;
    link.send({ type: 'set-telemetry', ...body });
  };
  link.on('state', (e) => {
    if (e.reason === 'reset') model.runWasReset();
  });
  link.on('configured', (e) => {
    model.configured = markRaw(e);
    partial = null;
    subscribe(true);
  });
  watch(
    wanted,
    (_w, before) => {
      if (!model.configured) return;
      subscribe(false);
      if (session.running) partial = null;
      else if (before && before.matrices.names.length < MATRIX_NAMES.length) partial = before;
    },
    { deep: true },
  );
  // A view opened while paused that needs what the run did not stream: fetch the current step's once.
  watch(
    needs,
    (n) => {
      if (!partial || session.running || session.state !== 'paused' || covers(partial, n)) return;
      partial = null;
      void useTelemetryStore().refreshMatrices();
    },
    { deep: true },
  );
  link.on('frame', (e) => {
    // A live frame after the pause (a step) carries everything subscribed now.
    if (!e.historical && !session.running) partial = null;
  });
}

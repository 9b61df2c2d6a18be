/**
 * The dashboard's entry: Pinia, the app, the engine client (Web Worker in web mode, the
 * MessagePort in Electron), and the safety nets that turn any uncaught error into a visible
 * message instead of a blank window.
 */
import { createApp, defineAsyncComponent, h } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import './styles.css';
import { getEngineClient, isAttachPage } from './transport/index.js';
import { appApi } from './transport/app-api.js';
import { connectStores } from './wiring/connect.js';
import { useErrorsStore } from './stores/errors.js';
import { useSessionStore } from './stores/session.js';
import { installMenuCommands } from './wiring/menu.js';
import { useUiStore } from './stores/ui.js';
import { ATTACH_PORT_REASON } from '../../engine/protocol/index.js';
import { installDocumentWiring } from './wiring/document.js';
import { bareStartRequested, startReadyToRun } from './wiring/first-run.js';
import { useAutosaveStore } from './stores/autosave.js';

const benchSeconds = Number(new URLSearchParams(location.search).get('seconds') ?? 10);
const bench = new URLSearchParams(location.search).get('bench') === 'heatmaps';

const app = bench
  ? createApp(defineAsyncComponent(async () => {
      const { default: HeatmapBench } = await import('./bench/HeatmapBench.vue');
      return { render: () => h(HeatmapBench, { link: getEngineClient(), seconds: benchSeconds, backend: new URLSearchParams(location.search).get('backend') }) };
    }))
  : createApp(App);
const pinia = createPinia();
app.use(pinia);

const errors = useErrorsStore(pinia);
app.config.errorHandler = (err, _instance, info) => {
  console.error(err);
  errors.report(err, `The dashboard hit an error (${info})`);
};
window.addEventListener('error', (ev) => errors.report(ev.error ?? ev.message, 'Uncaught error'));
window.addEventListener('unhandledrejection', (ev) => errors.report(ev.reason, 'Unhandled promise rejection'));

try {
  const client = getEngineClient();
  connectStores(client, { followViews: !bench });
  client.onStatus((s) => {
    const session = useSessionStore(pinia);
    // A PyTorch run attaching to the desktop app replaces the engine port too, but is no restart.
    if (s.state === 'restarting' && !s.reason?.startsWith(ATTACH_PORT_REASON)) errors.report(new Error(s.reason ?? 'unknown reason'), 'The engine restarted; the session is being restored');
    if (s.state === 'failed') {
      session.ready = false;
      errors.report(new Error(s.reason ?? 'unknown reason'), 'The engine could not be started');
    }
  });
  const api = appApi();
  if (api) {
    installMenuCommands(api);
    void useUiStore(pinia).loadAttachAddress(api);
  }
  if (!bench) installDocumentWiring(api);
  // An attached run brings its own model and data: no ready-to-run example on that page, and no
  // restored session either. In a browser a reload (or a reopened tab) restores the session it
  // left, instead of the first-minute example; the desktop app only offers it after a crash.
  const bare = bareStartRequested(location.search);
  if (!bench) {
    const restoreOnReload = !api && !bare && !isAttachPage();
    void useAutosaveStore(pinia)
      .start({ restoreOnReload })
      .then(async ({ decision, restored }) => {
        if (decision === 'restore' && (await restored)) return;
        if (!bare && !isAttachPage()) void startReadyToRun();
      })
      .catch((err: unknown) => errors.report(err, 'Could not check the autosaved session'));
  }
} catch (err) {
  errors.report(err, 'Could not start the engine');
}

app.mount('#app');

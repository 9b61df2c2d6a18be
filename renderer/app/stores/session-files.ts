/**
 * Session files (.bplens) in the dashboard: Save (the engine writes the file, with the view layout
 * and notes; the desktop app saves it atomically through its dialog, a browser downloads it) and
 * Open (the engine restores data, settings and state; the Data and Model views follow what the file
 * held, and the view shows the tab that was open).
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { EventOf } from '../../../engine/protocol/index.js';
import { saveFile } from '../services/files.js';
import { useBreakpointsStore } from './breakpoints.js';
import { useDataStore } from './data.js';
import { useErrorsStore } from './errors.js';
import { useModelStore } from './model.js';
import { useSessionStore } from './session.js';
import { type Tab, TABS, useUiStore } from './ui.js';

export const useSessionFilesStore = defineStore('session-files', () => {
  const busy = ref<'save' | 'open' | null>(null);
  const notes = ref('');
  const lastSaved = ref<string | null>(null);
  /** What the last opened file restored. */
  const opened = shallowRef<EventOf<'session-opened'> | null>(null);

  async function save(): Promise<boolean> {
    busy.value = 'save';
    try {
      const ui = useUiStore();
      const view = { tab: ui.tab, focusLayer: ui.focusLayer };
      const e = await useSessionStore()
        .engine()
        .request({ type: 'export', what: 'session', view, notes: notes.value }, 'export');
      const path = await saveFile(e.fileName, e.bytes ?? e.contents, e.mimeType);
      if (path) lastSaved.value = path;
      return path !== null;
    } catch (err) {
      useErrorsStore().report(err, 'Could not save the session');
      return false;
    } finally {
      busy.value = null;
    }
  }

  /** A minimal repro of the step being debugged (the breakpoint hit's, when paused at one). */
  async function saveRepro(): Promise<boolean> {
    busy.value = 'save';
    try {
      const session = useSessionStore();
      const hit = session.lastHit;
      const text = hit ? `Breakpoint hit at step ${hit.step}, ${hit.op.label}: ${hit.message}` : notes.value;
      const e = await session.engine().request({ type: 'export', what: 'repro', notes: text }, 'export');
      const path = await saveFile(e.fileName, e.bytes ?? e.contents, e.mimeType);
      if (path) lastSaved.value = path;
      return path !== null;
    } catch (err) {
      useErrorsStore().report(err, 'Could not write the minimal repro');
      return false;
    } finally {
      busy.value = null;
    }
  }

  async function open(fileName: string, bytes: Uint8Array<ArrayBuffer>): Promise<boolean> {
    busy.value = 'open';
    const link = useSessionStore().engine();
    const data = useDataStore();
    const model = useModelStore();
    // The engine announces the restored data and configuration before its answer.
    const off = [
      link.on('dataset-loaded', (e) => data.accept(e)),
      link.on('configured', (e) => void (model.configured = markRaw(e))),
    ];
    try {
      const e = await link.request({ type: 'open-session', fileName, bytes }, 'session-opened');
      const c = e.config;
      const out = c.model.layers[c.model.layers.length - 1]!;
      model.clearImported();
      model.hidden = c.model.layers.slice(0, -1).map((l) => ({ units: l.units, activation: l.activation }));
      model.outputActivation = out.activation;
      model.loss = c.model.loss;
      model.optimizer = c.optimizer.kind;
      model.lr = c.optimizer.lr;
      model.weightDecay = c.optimizer.weightDecay;
      if (c.optimizer.kind === 'sgd') model.momentum = c.optimizer.momentum;
      model.batchSize = c.batchSize;
      model.seed = c.seed;
      model.validationFraction = c.validationFraction;
      model.runLearningRate = c.optimizer.lr;
      model.dirty = false;
      const bp = useBreakpointsStore();
      bp.entries = e.breakpoints.map((condition, k) => ({ id: Date.now() + k, enabled: true, condition }));
      bp.synced = true;
      notes.value = e.notes;
      opened.value = markRaw(e);
      const tab = e.view?.['tab'];
      if (typeof tab === 'string' && (TABS as readonly string[]).includes(tab)) useUiStore().show(tab as Tab);
      return true;
    } catch (err) {
      useErrorsStore().report(err, `${fileName} could not be opened`);
      return false;
    } finally {
      for (const f of off) f();
      busy.value = null;
    }
  }

  return { busy, notes, lastSaved, opened, save, saveRepro, open };
});

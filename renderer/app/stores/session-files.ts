/**
 * Session files (.bplens) in the dashboard: Save (the engine writes the file, with the view layout
 * and notes; the desktop app saves it atomically through its dialog, a browser downloads it) and
 * Open (the engine restores data, settings and state; the Data and Model views follow what the file
 * held, and the view shows the tab that was open).
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { EventOf } from '../../../engine/protocol/index.js';
import { computed } from 'vue';
import { openDroppedSession, saveFile, saveSessionFile } from '../services/files.js';
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
  /** Embed the data set in saved sessions (off: refer to the data file by name, size and SHA-256). */
  const embedData = ref(true);
  /** A session that refers to a data file which was not given (or not the same): the user can locate it. */
  const needsData = shallowRef<{ fileName: string; bytes: Uint8Array<ArrayBuffer>; message: string } | null>(null);
  /** The session's file name (the window title shows it); null while untitled. */
  const currentName = ref<string | null>(null);
  /** What the file holds, to tell unsaved changes: step, notes and breakpoints when saved or opened. */
  const breakpointsKey = (): string => JSON.stringify(useBreakpointsStore().entries.map((e) => [e.enabled, e.condition]));
  // A fresh session starts from the default breakpoints, which are not a change.
  const baseline = ref({ step: 0, notes: '', breakpoints: breakpointsKey() });
  const dirty = computed(() => {
    const b = baseline.value;
    return useSessionStore().step !== b.step || notes.value !== b.notes || breakpointsKey() !== b.breakpoints;
  });
  /** The window title: the session file's name and a mark while it has unsaved changes. */
  const windowTitle = computed(() => {
    const name = currentName.value ?? 'Untitled session';
    return `${dirty.value ? '● ' : ''}${name} — Backprop Lens`;
  });
  function markSaved(name: string | null): void {
    if (name !== null) currentName.value = name;
    baseline.value = { step: useSessionStore().step, notes: notes.value, breakpoints: breakpointsKey() };
  }
  /** A data file was opened: a new, untitled session. */
  function untitled(): void {
    currentName.value = null;
  }

  /** File › Save (saveAs false: to the current file when it has one) and Save As… (always asks). */
  async function save(saveAs = false): Promise<boolean> {
    busy.value = 'save';
    try {
      const ui = useUiStore();
      const view = { tab: ui.tab, focusLayer: ui.focusLayer };
      const e = await useSessionStore()
        .engine()
        .request(
          { type: 'export', what: 'session', view, notes: notes.value, ...(embedData.value ? {} : { embedData: false }) },
          'export',
        );
      const name = await saveSessionFile(e.fileName, e.bytes ?? new TextEncoder().encode(e.contents), saveAs);
      if (name) {
        lastSaved.value = name;
        markSaved(name);
      }
      return name !== null;
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

  /** Opens the session that waits for its data file with the file the user located. */
  async function locateData(dataName: string, dataBytes: Uint8Array<ArrayBuffer>): Promise<boolean> {
    const pending = needsData.value;
    if (!pending) return false;
    return open(pending.fileName, pending.bytes, { fileName: dataName, bytes: dataBytes });
  }

  async function open(
    fileName: string,
    bytes: Uint8Array<ArrayBuffer>,
    dataFile?: { fileName: string; bytes: Uint8Array<ArrayBuffer> },
  ): Promise<boolean> {
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
      // The engine takes the bytes (transferred): keep a copy while the data file may still be asked for.
      const kept = new Uint8Array(bytes);
      const e = await link
        .request({ type: 'open-session', fileName, bytes, ...(dataFile ? { data: dataFile } : {}) }, 'session-opened')
        .catch((err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          needsData.value = message.includes('dataset.file: ') ? { fileName, bytes: kept, message } : null;
          throw err;
        });
      needsData.value = null;
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
      currentName.value = fileName;
      baseline.value = { step: e.step, notes: e.notes, breakpoints: breakpointsKey() };
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

  /** Opens the session file among dropped files (on the desktop through main: Save then writes back to it); false when there is none. */
  function openDropped(list: FileList | readonly File[] | null | undefined): boolean {
    const file = [...(list ?? [])].find((f) => f.name.toLowerCase().endsWith('.bplens'));
    if (!file) return false;
    void openDroppedSession(file)
      .then((f) => open(f.name, new Uint8Array(f.bytes)))
      .catch((err: unknown) => useErrorsStore().report(err, `${file.name} could not be opened`));
    return true;
  }

  return { embedData, needsData, locateData, openDropped, busy, notes, lastSaved, opened, currentName, dirty, windowTitle, untitled, save, saveRepro, open };
});

/**
 * Autosave of the running session and recovery after a crash. While a session exists, every
 * `intervalMs` the engine writes a .bplens of it (only when the step moved on) and it is kept in
 * the app's storage. A clean exit (closing the window normally) clears the "running" mark; if the
 * next start finds the mark still set and an autosave, it offers "restore the session you had
 * open?". Restoring opens it like any session file.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { type AutosaveRecord, type AutosaveStorage, indexedDbAutosave } from '../services/autosave-storage.js';
import { useSessionStore } from './session.js';
import { useSessionFilesStore } from './session-files.js';
import { useUiStore } from './ui.js';

const RUNNING_KEY = 'backprop-lens.running';
export const AUTOSAVE_INTERVAL_MS = 30_000;

export const useAutosaveStore = defineStore('autosave', () => {
  /** The autosave a crash left behind, offered once at start. */
  const offer = shallowRef<Pick<AutosaveRecord, 'fileName' | 'step' | 'savedAt'> | null>(null);
  const lastSavedStep = ref<number | null>(null);
  let storage: AutosaveStorage | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let saving = false;

  /** Checks for a crash's autosave, marks this run as running, and starts the timer. */
  async function start(options: { storage?: AutosaveStorage | null; intervalMs?: number } = {}): Promise<void> {
    storage = options.storage === undefined ? indexedDbAutosave() : options.storage;
    if (!storage) return;
    const crashed = globalThis.localStorage?.getItem(RUNNING_KEY) === '1';
    const previous = await storage.get().catch(() => null);
    if (crashed && previous)
      offer.value = { fileName: previous.fileName, step: previous.step, savedAt: previous.savedAt };
    else if (previous) await storage.clear().catch(() => undefined);
    globalThis.localStorage?.setItem(RUNNING_KEY, '1');
    globalThis.addEventListener?.('beforeunload', cleanExit);
    timer = setInterval(() => void saveNow(), options.intervalMs ?? AUTOSAVE_INTERVAL_MS);
  }

  /** Writes the autosave now if the session moved on since the last one. True when it wrote. */
  async function saveNow(): Promise<boolean> {
    const session = useSessionStore();
    if (!storage || saving || !session.ready || session.state === 'empty') return false;
    if (offer.value) return false; // do not overwrite what the user has not decided on yet
    if (lastSavedStep.value === session.step) return false;
    saving = true;
    try {
      const view = { tab: useUiStore().tab };
      const e = await session
        .engine()
        .request({ type: 'export', what: 'session', view, notes: useSessionFilesStore().notes }, 'export');
      if (!e.bytes) return false;
      await storage.put({
        fileName: e.fileName,
        bytes: new Uint8Array(e.bytes),
        step: session.step,
        savedAt: Date.now(),
      });
      lastSavedStep.value = session.step;
      return true;
    } catch {
      return false; // no session yet, or the engine is busy: the next tick tries again
    } finally {
      saving = false;
    }
  }

  async function restore(): Promise<boolean> {
    const record = await storage?.get();
    offer.value = null;
    if (!record) return false;
    return useSessionFilesStore().open(record.fileName, record.bytes);
  }

  async function discard(): Promise<void> {
    offer.value = null;
    await storage?.clear();
  }

  function cleanExit(): void {
    globalThis.localStorage?.setItem(RUNNING_KEY, '0');
  }

  function stop(): void {
    if (timer) clearInterval(timer);
    timer = null;
    globalThis.removeEventListener?.('beforeunload', cleanExit);
  }

  return { offer, lastSavedStep, start, saveNow, restore, discard, cleanExit, stop };
});

/**
 * Autosave of the running session, the restore after a reload (web) and the recovery after a
 * crash. The engine writes a .bplens of the session (data, model, run position, history and the
 * view tab) and it is kept in the app's storage, replaced each time. It is kept fresh: saved when
 * the run pauses or stops, after a step or op step by hand, after loading data, configuring or
 * switching tabs, while running at most every few seconds, every `intervalMs` as a safety net, and
 * a last best-effort attempt when the page is hidden or left.
 *
 * The next start decides (see `startDecision`): a clean exit (beforeunload clears the "running"
 * mark) in web mode is a reload or a reopened tab, so the session comes back as it was without
 * asking; on the desktop a clean exit discards the autosave. A crash (the mark still set) offers
 * "restore the session you had open?".
 */
import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import { type AutosaveRecord, type AutosaveStorage, indexedDbAutosave } from '../services/autosave-storage.js';
import { useDataStore } from './data.js';
import { useModelStore } from './model.js';
import { useSessionStore, whenSessionReady } from './session.js';
import { useSessionFilesStore } from './session-files.js';
import { useUiStore } from './ui.js';

const RUNNING_KEY = 'backprop-lens.running';
export const AUTOSAVE_INTERVAL_MS = 30_000;
/** While training runs, the autosave follows at most this often (the export is cheap for small nets). */
export const RUNNING_SAVE_MS = 3_000;

/** What a start does with the autosave it finds. */
export type StartDecision = 'restore' | 'offer' | 'discard' | 'none';

/**
 * crashed: the running mark was still set (the last run did not close normally).
 * restoreOnReload: web mode (not the desktop app, not the attach page, no `?start=empty`).
 */
export function startDecision(o: { crashed: boolean; hasAutosave: boolean; restoreOnReload: boolean }): StartDecision {
  if (!o.hasAutosave) return 'none';
  if (o.crashed) return 'offer';
  return o.restoreOnReload ? 'restore' : 'discard';
}


export const useAutosaveStore = defineStore('autosave', () => {
  /** The autosave a crash left behind, offered once at start. */
  const offer = shallowRef<Pick<AutosaveRecord, 'fileName' | 'step' | 'savedAt'> | null>(null);
  /** When the session restored by a reload had been saved (ms since the epoch). */
  const restoredFrom = ref<number | null>(null);
  const lastSavedStep = ref<number | null>(null);
  let storage: AutosaveStorage | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let throttle: ReturnType<typeof setTimeout> | null = null;
  let saving: Promise<boolean> | null = null;
  /** Bumped by every change worth saving; the autosave holds `savedRevision`. */
  let revision = 1;
  let savedRevision = 0;
  let lastSaveAt = 0;
  let restoring = false;
  const stops: (() => void)[] = [];

  /**
   * Checks for the last run's autosave, marks this run as running, and starts following the
   * session. Resolves with what it decided: 'restore' means the reload's session is being
   * restored (so no first-minute example should start); `restored` resolves when that is done.
   */
  async function start(
    options: { storage?: AutosaveStorage | null; intervalMs?: number; restoreOnReload?: boolean } = {},
  ): Promise<{ decision: StartDecision; restored: Promise<boolean> }> {
    storage = options.storage === undefined ? indexedDbAutosave() : options.storage;
    if (!storage) return { decision: 'none', restored: Promise.resolve(false) };
    const crashed = globalThis.localStorage?.getItem(RUNNING_KEY) === '1';
    const previous = await storage.get().catch(() => null);
    const decision = startDecision({ crashed, hasAutosave: previous !== null, restoreOnReload: options.restoreOnReload ?? false });
    let restored: Promise<boolean> = Promise.resolve(false);
    if (decision === 'offer' && previous)
      offer.value = { fileName: previous.fileName, step: previous.step, savedAt: previous.savedAt };
    else if (decision === 'discard') await storage.clear().catch(() => undefined);
    else if (decision === 'restore' && previous) restored = restoreReload(previous);
    globalThis.localStorage?.setItem(RUNNING_KEY, '1');
    globalThis.addEventListener?.('beforeunload', cleanExit);
    globalThis.addEventListener?.('pagehide', lastChance);
    globalThis.document?.addEventListener('visibilitychange', onVisibility);
    timer = setInterval(() => void saveNow(), options.intervalMs ?? AUTOSAVE_INTERVAL_MS);
    follow();
    return { decision, restored };
  }

  /** Restores the reload's session without asking, and says so. */
  async function restoreReload(record: AutosaveRecord): Promise<boolean> {
    restoring = true;
    try {
      await whenSessionReady();
      const when = new Date(record.savedAt).toLocaleTimeString();
      const files = useSessionFilesStore();
      if (!(await files.open(record.fileName, record.bytes))) return false;
      // The autosave is not a file the user saved: the session stays untitled.
      files.currentName = null;
      restoredFrom.value = record.savedAt;
      savedRevision = revision; // what was just restored is what the autosave holds
      useSessionStore().say(`Restored the session from ${when}.`);
      return true;
    } finally {
      restoring = false;
    }
  }

  /** Watches what a reload must not lose; each change bumps the revision and schedules a save. */
  function follow(): void {
    const session = useSessionStore();
    const data = useDataStore();
    const model = useModelStore();
    const ui = useUiStore();
    stops.push(
      watch(
        () => [session.state, session.step, session.nextOp] as const,
        ([state], [before]) => changed(state === 'running' && before === 'running'),
      ),
      watch(() => [data.loaded, model.configured, ui.tab, useSessionFilesStore().notes] as const, () => changed(false)),
    );
  }

  /** Something worth saving changed; while running, saves are spaced by RUNNING_SAVE_MS. */
  function changed(whileRunning: boolean): void {
    revision++;
    if (!whileRunning) {
      void saveNow();
      return;
    }
    if (throttle) return;
    const wait = Math.max(0, lastSaveAt + RUNNING_SAVE_MS - Date.now());
    throttle = setTimeout(() => {
      throttle = null;
      void saveNow();
    }, wait);
  }

  /** Writes the autosave now if anything changed since the last one. True when it wrote. */
  async function saveNow(): Promise<boolean> {
    const session = useSessionStore();
    if (!storage || !session.ready || restoring) return false;
    if (offer.value) return false; // do not overwrite what the user has not decided on yet
    const inFlight = saving;
    if (inFlight) {
      // One export at a time: the one in flight is followed by one more if things moved on since
      // (only by the first of those waiting: the others find it in flight).
      await inFlight;
      if (exporting()) return false;
    }
    if (revision === savedRevision) return false;
    saving = write(storage, revision);
    try {
      return await saving;
    } finally {
      saving = null;
    }
  }

  const exporting = (): boolean => saving !== null;

  async function write(into: AutosaveStorage, rev: number): Promise<boolean> {
    const session = useSessionStore();
    const step = session.step;
    try {
      if (session.state === 'empty') {
        // Nothing the engine can export yet (no model): the next reload starts afresh, not with an older session.
        await into.clear();
      } else {
        const ui = useUiStore();
        const view = { tab: ui.tab, focusLayer: ui.focusLayer };
        const e = await session
          .engine()
          .request({ type: 'export', what: 'session', view, notes: useSessionFilesStore().notes }, 'export');
        if (!e.bytes) return false;
        await into.put({ fileName: e.fileName, bytes: new Uint8Array(e.bytes), step, savedAt: Date.now() });
      }
      savedRevision = rev;
      lastSavedStep.value = step;
      lastSaveAt = Date.now();
      return true;
    } catch {
      return false; // the engine is busy or the storage refused: the next change or tick tries again
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
  /** The page goes away: one last save, best effort (the browser may not wait for it). */
  function lastChance(): void {
    void saveNow();
  }
  function onVisibility(): void {
    if (globalThis.document?.visibilityState === 'hidden') void saveNow();
  }

  function stop(): void {
    if (timer) clearInterval(timer);
    if (throttle) clearTimeout(throttle);
    timer = null;
    throttle = null;
    stops.splice(0).forEach((s) => s());
    globalThis.removeEventListener?.('beforeunload', cleanExit);
    globalThis.removeEventListener?.('pagehide', lastChance);
    globalThis.document?.removeEventListener('visibilitychange', onVisibility);
  }

  return { offer, restoredFrom, lastSavedStep, start, saveNow, restore, discard, cleanExit, stop };
});

// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { AutosaveRecord, AutosaveStorage } from '../services/autosave-storage.js';
import { createFakeLink, type FakeLink } from '../testing/fake-link.js';
import { event, readyEvent, stateEvent } from '../testing/factories.js';
import { connectStores } from '../wiring/connect.js';
import { RUNNING_SAVE_MS, startDecision, useAutosaveStore } from './autosave.js';
import { useModelStore } from './model.js';
import { useSessionStore } from './session.js';
import { useSessionFilesStore } from './session-files.js';
import { useUiStore } from './ui.js';

function memoryStorage(initial: AutosaveRecord | null = null): AutosaveStorage & { record: AutosaveRecord | null } {
  const s = {
    record: initial,
    get: async () => s.record,
    put: async (r: AutosaveRecord) => void (s.record = r),
    clear: async () => void (s.record = null),
  };
  return s;
}

let link: FakeLink;
beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
  link = createFakeLink();
  connectStores(link);
});
afterEach(() => useAutosaveStore().stop());

const record: AutosaveRecord = {
  fileName: 'xor-step7.bplens',
  bytes: new Uint8Array([80, 75, 3, 4]),
  step: 7,
  savedAt: 1,
};

describe('autosave', () => {
  it('after a crash (the running mark still set) offers the autosave; restore opens it', async () => {
    localStorage.setItem('backprop-lens.running', '1');
    const a = useAutosaveStore();
    await a.start({ storage: memoryStorage(record), intervalMs: 1e9 });
    expect(a.offer).toEqual({ fileName: 'xor-step7.bplens', step: 7, savedAt: 1 });
    const restoring = a.restore();
    await new Promise((r) => setTimeout(r, 0));
    expect(link.sent.at(-1)).toMatchObject({ type: 'open-session', fileName: 'xor-step7.bplens' });
    link.reply(
      'open-session',
      event('error', { code: 'file-error', message: 'x', path: null, command: 'open-session', fatal: false }),
    );
    expect(await restoring).toBe(false);
    expect(a.offer).toBeNull();
  });

  it('after a clean exit offers nothing and drops the old autosave', async () => {
    localStorage.setItem('backprop-lens.running', '0');
    const storage = memoryStorage(record);
    const a = useAutosaveStore();
    await a.start({ storage, intervalMs: 1e9 });
    expect(a.offer).toBeNull();
    expect(storage.record).toBeNull();
    expect(localStorage.getItem('backprop-lens.running')).toBe('1');
    a.cleanExit();
    expect(localStorage.getItem('backprop-lens.running')).toBe('0');
  });

  it('after a clean exit in web mode (a reload) restores the session without asking, untitled, and says so', async () => {
    localStorage.setItem('backprop-lens.running', '0');
    const storage = memoryStorage(record);
    const a = useAutosaveStore();
    const { decision, restored } = await a.start({ storage, intervalMs: 1e9, restoreOnReload: true });
    expect(decision).toBe('restore');
    expect(a.offer).toBeNull();
    await settle();
    expect(link.pending()).toEqual([]); // waits for the engine
    link.emit(readyEvent());
    await settle();
    expect(link.sent.at(-1)).toMatchObject({ type: 'open-session', fileName: 'xor-step7.bplens' });
    link.reply('open-session', sessionOpened(7, 'layers'));
    expect(await restored).toBe(true);
    expect(useUiStore().tab).toBe('layers');
    expect(useSessionFilesStore().currentName).toBeNull();
    expect(a.restoredFrom).toBe(1);
    expect(useSessionStore().notice).toMatch(/^Restored the session from /);
    expect(storage.record).toBe(record); // kept for the next reload
  });

  it('a first start (no autosave) decides nothing; a crash with restoreOnReload still only offers', async () => {
    const a = useAutosaveStore();
    expect((await a.start({ storage: memoryStorage(), intervalMs: 1e9, restoreOnReload: true })).decision).toBe('none');
    a.stop();
    localStorage.setItem('backprop-lens.running', '1');
    setActivePinia(createPinia());
    const b = useAutosaveStore();
    expect((await b.start({ storage: memoryStorage(record), intervalMs: 1e9, restoreOnReload: true })).decision).toBe('offer');
    expect(b.offer).not.toBeNull();
    b.stop();
  });

  it('startDecision: crash offers, clean exit restores in web mode and discards on the desktop', () => {
    expect(startDecision({ crashed: true, hasAutosave: true, restoreOnReload: true })).toBe('offer');
    expect(startDecision({ crashed: true, hasAutosave: true, restoreOnReload: false })).toBe('offer');
    expect(startDecision({ crashed: false, hasAutosave: true, restoreOnReload: true })).toBe('restore');
    expect(startDecision({ crashed: false, hasAutosave: true, restoreOnReload: false })).toBe('discard');
    expect(startDecision({ crashed: false, hasAutosave: false, restoreOnReload: true })).toBe('none');
    expect(startDecision({ crashed: true, hasAutosave: false, restoreOnReload: true })).toBe('none');
  });

  it('saves when the run pauses, after a step by hand and on a tab switch; never two exports at once', async () => {
    const storage = memoryStorage();
    const a = useAutosaveStore();
    await a.start({ storage, intervalMs: 1e9 });
    link.emit(readyEvent());
    link.emit(stateEvent({ state: 'running', step: 10 }));
    await settle();
    expect(exports()).toBe(1); // the run started (a change of state)
    link.emit(stateEvent({ state: 'paused', step: 12 }));
    await settle();
    expect(exports()).toBe(1); // one in flight: the pause waits for it
    answerExport(10);
    await settle();
    expect(exports()).toBe(2);
    answerExport(12);
    await settle();
    expect(storage.record).toMatchObject({ fileName: 'x-step12.bplens', step: 12 });
    expect(await a.saveNow()).toBe(false); // nothing changed since

    link.emit(stateEvent({ state: 'paused', step: 13 })); // F10
    await settle();
    expect(exports()).toBe(3);
    answerExport(13);
    await settle();
    expect(storage.record?.step).toBe(13);
    link.emit(stateEvent({ state: 'paused', step: 13, nextOp: { index: 1, label: 'forward 0' } as never })); // F11
    await settle();
    expect(exports()).toBe(4);
    answerExport(13);
    await settle();

    useUiStore().show('layers');
    await settle();
    expect(exports()).toBe(5);
    expect(link.sent.at(-1)).toMatchObject({ view: { tab: 'layers' } });
    answerExport(13);
    await settle();
  });

  it('while running saves at most every few seconds; pagehide saves what waits', async () => {
    vi.useFakeTimers();
    try {
      const storage = memoryStorage();
      const a = useAutosaveStore();
      await a.start({ storage, intervalMs: 1e9 });
      link.emit(readyEvent());
      link.emit(stateEvent({ state: 'running', step: 1 }));
      await vi.advanceTimersByTimeAsync(0);
      answerExport(1);
      await vi.advanceTimersByTimeAsync(0);
      expect(exports()).toBe(1);
      for (let step = 2; step < 40; step++) {
        link.emit(stateEvent({ state: 'running', step }));
        await vi.advanceTimersByTimeAsync(50);
      }
      // 38 steps in 1.9 s: no save yet; the throttle fires at RUNNING_SAVE_MS after the last save.
      expect(exports()).toBe(1);
      await vi.advanceTimersByTimeAsync(RUNNING_SAVE_MS);
      expect(exports()).toBe(2);
      answerExport(39);
      await vi.advanceTimersByTimeAsync(0);
      expect(storage.record?.step).toBe(39);

      // Leaving the page while a throttled save waits: pagehide writes it at once.
      link.emit(stateEvent({ state: 'running', step: 40 }));
      await vi.advanceTimersByTimeAsync(10);
      expect(exports()).toBe(2);
      window.dispatchEvent(new Event('pagehide'));
      expect(exports()).toBe(3);
      answerExport(40);
      await vi.advanceTimersByTimeAsync(RUNNING_SAVE_MS);
      expect(exports()).toBe(3); // the throttled save finds nothing new
      expect(storage.record?.step).toBe(40);
    } finally {
      vi.useRealTimers();
    }
  });

  it('saves after loading data or configuring; a session back to empty clears the autosave', async () => {
    const storage = memoryStorage(null);
    const a = useAutosaveStore();
    await a.start({ storage, intervalMs: 1e9 });
    link.emit(readyEvent());
    link.emit(stateEvent({ state: 'idle', step: 0 }));
    await settle();
    answerExport(0);
    await settle();
    const before = exports();
    useModelStore().configured = { type: 'configured' } as never;
    await settle();
    expect(exports()).toBe(before + 1);
    answerExport(0);
    await settle();

    link.emit(stateEvent({ state: 'empty', step: 0 }));
    await settle();
    expect(storage.record).toBeNull();

    link.emit(stateEvent({ state: 'paused', step: 4 }));
    await settle();
    answerExport(4);
    await settle();
    expect(storage.record?.step).toBe(4);
  });
});

function exports(): number {
  return link.sent.filter((c) => c.type === 'export').length;
}

function answerExport(step: number): void {
  link.reply(
    'export',
    event('export', { what: 'session', fileName: `x-step${step}.bplens`, mimeType: 'application/zip', contents: '', bytes: new Uint8Array([step]) }),
  );
}

async function settle(): Promise<void> {
  for (let k = 0; k < 5; k++) await new Promise((r) => setTimeout(r, 0));
}

function sessionOpened(step: number, tab: string) {
  return event('session-opened', {
    fileName: 'xor-step7.bplens',
    config: {
      model: { inputSize: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'bce' },
      optimizer: { kind: 'sgd', lr: 0.3, momentum: 0, weightDecay: 0 },
      batchSize: 4,
      seed: 1,
      validationFraction: 0,
    },
    breakpoints: [],
    step,
    epoch: 1,
    notes: '',
    view: { tab },
    repro: null,
  } as never);
}

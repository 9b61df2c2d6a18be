// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { AutosaveRecord, AutosaveStorage } from '../services/autosave-storage.js';
import { createFakeLink, type FakeLink } from '../testing/fake-link.js';
import { event, readyEvent, stateEvent } from '../testing/factories.js';
import { connectStores } from '../wiring/connect.js';
import { useAutosaveStore } from './autosave.js';

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

  it('saves the session when the step moved on, not again at the same step', async () => {
    const storage = memoryStorage();
    const a = useAutosaveStore();
    await a.start({ storage, intervalMs: 1e9 });
    link.emit(readyEvent());
    link.emit(stateEvent({ state: 'paused', step: 12 }));
    const saving = a.saveNow();
    expect(link.sent.at(-1)).toMatchObject({ type: 'export', what: 'session' });
    link.reply(
      'export',
      event('export', {
        what: 'session',
        fileName: 'x-step12.bplens',
        mimeType: 'application/zip',
        contents: '',
        bytes: new Uint8Array([1, 2]),
      }),
    );
    expect(await saving).toBe(true);
    expect(storage.record).toMatchObject({ fileName: 'x-step12.bplens', step: 12 });
    expect(await a.saveNow()).toBe(false);
  });
});

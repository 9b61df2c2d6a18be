// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { createFakeLink, type FakeLink } from '../testing/fake-link.js';
import { cpuF64, datasetLoaded, event, opRef } from '../testing/factories.js';
import { connectStores } from '../wiring/connect.js';
import { useBreakpointsStore } from './breakpoints.js';
import { useDataStore } from './data.js';
import { useModelStore } from './model.js';
import { useSessionFilesStore } from './session-files.js';
import { useSessionStore } from './session.js';
import { useUiStore } from './ui.js';
import { vi } from 'vitest';
import type { AppApi } from '../transport/app-api.js';

let link: FakeLink;
beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
  link = createFakeLink();
  connectStores(link);
});

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('session files store', () => {
  it('open: the data, model form, breakpoints, notes and tab follow what the file restored', async () => {
    const files = useSessionFilesStore();
    const opening = files.open('run.bplens', new Uint8Array([1, 2, 3]));
    expect(link.sent.at(-1)).toMatchObject({ type: 'open-session', fileName: 'run.bplens' });
    link.emit(datasetLoaded('xor', ['x1', 'x2'], ['a', 'b']));
    link.emit(
      event('configured', {
        parameterCount: 10,
        shapes: [],
        ops: [opRef(0, 'forward', 0)],
        trainSize: 80,
        validationSize: 20,
        backend: cpuF64,
        preprocessing: null,
      }),
    );
    link.reply(
      'open-session',
      event('session-opened', {
        fileName: 'run.bplens',
        config: {
          model: {
            inputSize: 2,
            layers: [
              { units: 7, activation: 'relu' },
              { units: 2, activation: 'softmax' },
            ],
            loss: 'cross-entropy',
          },
          optimizer: { kind: 'sgd', lr: 0.3, momentum: 0.5, weightDecay: 0 },
          batchSize: 16,
          seed: 9,
          validationFraction: 0.1,
        },
        breakpoints: [{ kind: 'non-finite' }, { kind: 'exploding', threshold: 100 }],
        step: 42,
        epoch: 3,
        notes: 'look at layer 0',
        view: { tab: 'layers' },
        repro: null,
      }),
    );
    expect(await opening).toBe(true);
    await settle();
    const model = useModelStore();
    expect(model.hidden).toEqual([{ units: 7, activation: 'relu' }]);
    expect([model.optimizer, model.lr, model.momentum, model.batchSize, model.seed]).toEqual(['sgd', 0.3, 0.5, 16, 9]);
    expect(model.configured?.trainSize).toBe(80);
    expect(useDataStore().loaded).not.toBeNull();
    expect(useBreakpointsStore().entries.map((e) => e.condition.kind)).toEqual(['non-finite', 'exploding']);
    expect(files.notes).toBe('look at layer 0');
    expect(useUiStore().tab).toBe('layers');
  });

  it('save: asks the engine for the session with the layout and notes, and saves the bytes', async () => {
    const files = useSessionFilesStore();
    files.notes = 'before the spike';
    useUiStore().show('history');
    const saving = files.save();
    expect(link.sent.at(-1)).toMatchObject({
      type: 'export',
      what: 'session',
      notes: 'before the spike',
      view: { tab: 'history' },
    });
    link.reply(
      'export',
      event('export', {
        what: 'session',
        fileName: 'xor-step5.bplens',
        mimeType: 'application/zip',
        contents: '',
        bytes: new Uint8Array([80, 75]),
      }),
    );
    // happy-dom: the download link is clicked; the saved name comes back.
    expect(await saving).toBe(true);
    expect(files.lastSaved).toBe('xor-step5.bplens');
  });

  function replyExport(name: string): void {
    link.reply(
      'export',
      event('export', {
        what: 'session',
        fileName: name,
        mimeType: 'application/zip',
        contents: '',
        bytes: new Uint8Array([80, 75]),
      }),
    );
  }

  it('the window title shows the session file and a mark while it has unsaved changes', async () => {
    const files = useSessionFilesStore();
    expect(files.windowTitle).toBe('Untitled session — Backprop Lens');
    useSessionStore().step = 5;
    expect(files.dirty).toBe(true);
    expect(files.windowTitle).toBe('● Untitled session — Backprop Lens');
    const saving = files.save();
    replyExport('xor-step5.bplens');
    expect(await saving).toBe(true);
    expect(files.windowTitle).toBe('xor-step5.bplens — Backprop Lens');
    files.notes = 'changed';
    expect(files.windowTitle).toBe('● xor-step5.bplens — Backprop Lens');
    files.notes = '';
    useBreakpointsStore().entries = [{ id: 1, enabled: true, condition: { kind: 'exploding', threshold: 10 } }];
    expect(files.dirty).toBe(true);
    // Picking a data file starts a new, untitled session.
    useDataStore().pick('iris.csv', new TextEncoder().encode('a,b\n1,2\n'));
    expect(files.currentName).toBeNull();
    expect(files.windowTitle).toContain('Untitled session');
  });

  it('desktop: Save goes to main (which writes to the current file), Save As asks; the title shows the saved name', async () => {
    const invoke = vi.fn(async () => ({ path: '/home/me/runs/mine.bplens' }));
    const api = { platform: 'linux', invoke, on: vi.fn(), pathForFile: () => '' } as unknown as AppApi;
    (window as unknown as { backpropLens?: AppApi }).backpropLens = api;
    try {
      const files = useSessionFilesStore();
      let saving = files.save();
      replyExport('xor-step5.bplens');
      expect(await saving).toBe(true);
      expect(invoke).toHaveBeenLastCalledWith('session:save', {
        suggestedName: 'xor-step5.bplens',
        contents: new Uint8Array([80, 75]),
        saveAs: false,
      });
      expect(files.currentName).toBe('mine.bplens');
      saving = files.save(true);
      replyExport('xor-step5.bplens');
      await saving;
      expect(invoke).toHaveBeenLastCalledWith('session:save', expect.objectContaining({ saveAs: true }));
      invoke.mockResolvedValueOnce(null as never);
      saving = files.save(true);
      replyExport('xor-step5.bplens');
      // Cancelled: nothing saved, the name stays.
      expect(await saving).toBe(false);
      expect(files.currentName).toBe('mine.bplens');
    } finally {
      delete (window as unknown as { backpropLens?: AppApi }).backpropLens;
    }
  });

  it('a dropped .bplens opens (desktop: through main by its path); other drops are left alone', async () => {
    const invoke = vi.fn(async () => ({ path: '/runs/d.bplens', fileName: 'd.bplens', bytes: new Uint8Array([9]) }));
    const api = { platform: 'linux', invoke, on: vi.fn(), pathForFile: () => '/runs/d.bplens' } as unknown as AppApi;
    (window as unknown as { backpropLens?: AppApi }).backpropLens = api;
    try {
      const files = useSessionFilesStore();
      expect(files.openDropped([new File(['x'], 'iris.csv')])).toBe(false);
      expect(files.openDropped([new File(['x'], 'iris.csv'), new File(['PK'], 'd.bplens')])).toBe(true);
      await settle();
      expect(invoke).toHaveBeenCalledWith('session:open-dropped', '/runs/d.bplens');
      expect(link.sent.at(-1)).toMatchObject({ type: 'open-session', fileName: 'd.bplens', bytes: new Uint8Array([9]) });
    } finally {
      delete (window as unknown as { backpropLens?: AppApi }).backpropLens;
    }
  });

  it('Embed the data set off: the export refers to the data file; a session that needs its file asks for it', async () => {
    const files = useSessionFilesStore();
    files.embedData = false;
    const saving = files.save();
    expect(link.sent.at(-1)).toMatchObject({ type: 'export', what: 'session', embedData: false });
    replyExport('line-step3.bplens');
    await saving;

    const session = new Uint8Array([1, 2, 3]);
    const opening = files.open('ref.bplens', session);
    const message = 'ref.bplens: manifest.json: dataset.file: the data is not in this session file: it refers to line.csv (…)';
    link.reply('open-session', event('error', { code: 'file-error', message, path: null, command: 'open-session', fatal: false }));
    expect(await opening).toBe(false);
    expect(files.needsData).toMatchObject({ fileName: 'ref.bplens', message });
    const locating = files.locateData('line.csv', new Uint8Array([7]));
    expect(link.sent.at(-1)).toMatchObject({
      type: 'open-session',
      fileName: 'ref.bplens',
      bytes: session,
      data: { fileName: 'line.csv', bytes: new Uint8Array([7]) },
    });
    link.reply('open-session', event('error', { code: 'file-error', message: 'x.bplens: state.safetensors: damaged', path: null, command: 'open-session', fatal: false }));
    await locating;
    // Another kind of damage: nothing to locate.
    expect(files.needsData).toBeNull();
  });
});

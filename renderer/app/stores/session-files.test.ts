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
import { useUiStore } from './ui.js';

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
});

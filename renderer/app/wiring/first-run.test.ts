// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { datasetLoaded, event, cpuF64, readyEvent } from '../testing/factories.js';
import { createFakeLink, type FakeLink } from '../testing/fake-link.js';
import { connectStores } from './connect.js';
import { bareStartRequested, startReadyToRun } from './first-run.js';
import { useUiStore } from '../stores/ui.js';
import { useDataStore } from '../stores/data.js';

const flush = () => new Promise((r) => setTimeout(r, 0));
const loaded = (name: string) => datasetLoaded(name, ['x1', 'x2'], ['0', '1'], {}, 200);

let link: FakeLink;
beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
  link = createFakeLink();
  connectStores(link);
});

describe('the first minute', () => {
  it('shows Train, loads Circles once the engine is ready and applies the default model', async () => {
    const done = startReadyToRun();
    expect(useUiStore().tab).toBe('train');
    expect(link.pending()).toEqual([]);
    link.emit(readyEvent());
    await flush();
    expect(link.sent.at(-1)).toMatchObject({ type: 'load-dataset', source: { kind: 'builtin', name: 'circles' } });
    link.reply('load-dataset', loaded('circles'));
    await flush();
    const configure = link.sent.at(-1) as { type: string; config: { model: { layers: { activation: string }[]; loss: string } } };
    expect(configure.type).toBe('configure');
    // classification: softmax output and cross-entropy, set from the data set's task before applying
    expect(configure.config.model.layers.at(-1)!.activation).toBe('softmax');
    expect(configure.config.model.loss).toBe('cross-entropy');
    link.reply('configure', event('configured', { parameterCount: 10, shapes: [], ops: [], trainSize: 160, validationSize: 40, backend: cpuF64, preprocessing: null }));
    expect(await done).toBe(true);
  });

  it('stops when the user picked other data meanwhile', async () => {
    const done = startReadyToRun();
    const data = useDataStore();
    link.emit(readyEvent());
    await flush();
    data.select('xor'); // while Circles loads
    link.reply('load-dataset', loaded('circles'));
    expect(await done).toBe(false);
    expect(link.sent.some((c) => c.type === 'configure')).toBe(false);
  });

  it('does nothing when data is already there (a restored session)', async () => {
    useDataStore().accept(loaded('iris') as never);
    const done = startReadyToRun();
    link.emit(readyEvent());
    expect(await done).toBe(false);
    expect(link.sent.some((c) => c.type === 'load-dataset')).toBe(false);
  });

  it('?start=empty asks for a bare start', () => {
    expect(bareStartRequested('?start=empty')).toBe(true);
    expect(bareStartRequested('')).toBe(false);
  });
});

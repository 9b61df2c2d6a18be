// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { EngineEvent } from '../../../engine/protocol/index.js';
import { createFakeLink, type FakeLink } from '../testing/fake-link.js';
import { connectStores } from '../wiring/connect.js';
import { bareStartRequested, startReadyToRun } from './first-run.js';
import { useUiStore } from '../stores/ui.js';
import { useDataStore } from '../stores/data.js';

type Body = Omit<EngineEvent, 'v'>;
const backend = { name: 'cpu-f64', precision: 'f64', adapter: null, fallbackReason: null };
const flush = () => new Promise((r) => setTimeout(r, 0));
const loaded = (name: string) => ({ type: 'dataset-loaded', name, samples: 200, inputSize: 2, outputSize: 2, featureNames: ['x1', 'x2'], targetNames: ['c0', 'c1'], classNames: ['0', '1'] }) as Body;

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
    link.emit({ type: 'ready', protocol: 1, backend, commands: ['start'], telemetry: { frameRate: 20, maxSize: 256, window: 2 } } as Body);
    await flush();
    expect(link.sent.at(-1)).toMatchObject({ type: 'load-dataset', source: { kind: 'builtin', name: 'circles' } });
    link.reply('load-dataset', loaded('circles'));
    await flush();
    const configure = link.sent.at(-1) as { type: string; config: { model: { layers: { activation: string }[]; loss: string } } };
    expect(configure.type).toBe('configure');
    // classification: softmax output and cross-entropy, set from the data set's task before applying
    expect(configure.config.model.layers.at(-1)!.activation).toBe('softmax');
    expect(configure.config.model.loss).toBe('cross-entropy');
    link.reply('configure', { type: 'configured', backend, shapes: [], ops: [], parameterCount: 0 } as unknown as Body);
    expect(await done).toBe(true);
  });

  it('stops when the user picked other data meanwhile', async () => {
    const done = startReadyToRun();
    const data = useDataStore();
    link.emit({ type: 'ready', protocol: 1, backend, commands: ['start'], telemetry: { frameRate: 20, maxSize: 256, window: 2 } } as Body);
    await flush();
    data.select('xor'); // while Circles loads
    link.reply('load-dataset', loaded('circles'));
    expect(await done).toBe(false);
    expect(link.sent.some((c) => c.type === 'configure')).toBe(false);
  });

  it('does nothing when data is already there (a restored session)', async () => {
    useDataStore().accept(loaded('iris') as never);
    const done = startReadyToRun();
    link.emit({ type: 'ready', protocol: 1, backend, commands: ['start'], telemetry: { frameRate: 20, maxSize: 256, window: 2 } } as Body);
    expect(await done).toBe(false);
    expect(link.sent.some((c) => c.type === 'load-dataset')).toBe(false);
  });

  it('?start=empty asks for a bare start', () => {
    expect(bareStartRequested('?start=empty')).toBe(true);
    expect(bareStartRequested('')).toBe(false);
  });
});

// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { datasetLoaded, event, readyEvent, stateEvent } from '../testing/factories.js';
import { createFakeLink, type FakeLink } from '../testing/fake-link.js';
import { connectStores } from '../wiring/connect.js';
import { useMetricsStore } from './metrics.js';
import { useDataStore } from './data.js';

const set = (accuracy: number) => ({ samples: 10, omitted: 0, accuracy, classes: 2, confusion: [5, 0, 0, 5], classCounts: [5, 5], predictedCounts: [5, 5], examples: [[1], [], [], [2]] });
const metrics = (step: number, acc: number) => event('metrics', { step, task: 'classification', classNames: ['a', 'b'], train: set(acc), validation: set(acc - 0.1) });

let link: FakeLink;
beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
  link = createFakeLink();
  connectStores(link);
  link.emit(readyEvent());
  useDataStore().accept(datasetLoaded('c', ['x', 'y'], ['a', 'b']) as never);
  link.emit(stateEvent({ state: 'running', step: 1 }));
});

describe('metrics store', () => {
  it('asks at most once a second while running, and keeps an accuracy history that a rewind cuts', async () => {
    const m = useMetricsStore();
    void m.refresh(false, 10_000);
    void m.refresh(false, 10_100); // a request is out
    expect(link.sent.filter((c) => c.type === 'request-metrics')).toHaveLength(1);
    link.reply('request-metrics', metrics(5, 0.8));
    await Promise.resolve();
    void m.refresh(false, 10_500); // within the second
    expect(link.sent.filter((c) => c.type === 'request-metrics')).toHaveLength(1);
    void m.refresh(false, 11_100);
    link.reply('request-metrics', metrics(9, 0.9));
    await Promise.resolve();
    expect(m.accuracy.steps).toEqual([5, 9]);
    expect(m.accuracy.validation[1]).toBeCloseTo(0.8);
    m.accept(metrics(7, 0.85) as never); // after a rewind to step 6
    expect(m.accuracy.steps).toEqual([5, 7]);
  });

  it('a regression set asks nothing; a new configuration clears', async () => {
    const m = useMetricsStore();
    m.accept(metrics(3, 0.5) as never);
    link.emit(stateEvent({ state: 'idle', reason: 'configured' }));
    expect(m.latest).toBeNull();
    const reg = datasetLoaded('r', ['x'], ['y']);
    useDataStore().accept({ ...reg, classNames: null, preview: { ...reg.preview!, task: 'regression' } } as never);
    const before = link.sent.length;
    await m.refresh(true);
    expect(link.sent.length).toBe(before);
  });
});

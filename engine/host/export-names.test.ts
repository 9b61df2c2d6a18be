import { describe, expect, it } from 'vitest';
import { slug } from './exports.js';
import { config, setup } from './host-test-kit.js';

describe('export file names', () => {
  it('come from the data set without its extensions, and the step', async () => {
    expect(slug('iris.csv')).toBe('iris');
    expect(slug('wine.csv.gz')).toBe('wine');
    expect(slug('digits.npy')).toBe('digits');
    expect(slug('my data (v2).json')).toBe('my-data-v2');
    const a = await setup();
    const csv = 'x1,x2,y\n' + Array.from({ length: 20 }, (_, k) => `${Math.cos(k)},${Math.sin(k)},${Math.cos(k) - Math.sin(k)}`).join('\n');
    a.send({ type: 'load-dataset', id: 1, source: { kind: 'file', fileName: 'iris.csv', bytes: new TextEncoder().encode(csv), options: {} } });
    await a.waitFor('dataset-loaded', (e) => e.replyTo === 1);
    a.send({ type: 'configure', config });
    a.send({ type: 'step', count: 4, id: 2 });
    await a.waitFor('state', (s) => s.replyTo === 2);
    a.send({ type: 'export', what: 'weights', id: 3 });
    a.send({ type: 'export', what: 'loss-history', id: 4 });
    expect((await a.waitFor('export', (e) => e.replyTo === 3)).fileName).toBe('iris-step4-weights.json');
    const loss = await a.waitFor('export', (e) => e.replyTo === 4);
    expect(loss.fileName).toBe('iris-step4-loss.csv');
    expect(loss.contents.split('\n')[0]).toBe('step,loss,validation_loss');
  });
});

// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { createFakeLink, type FakeLink } from '../testing/fake-link.js';
import { connectStores } from '../wiring/connect.js';
import { opOf, roleOf, useCompareStore } from './compare.js';
import { useErrorsStore } from './errors.js';

const file = (name: string, text: string) => ({ name, bytes: new TextEncoder().encode(text) });
const weights = file('w.json', '{"format": "backprop-lens/weights", "version": 1}');
const batch = file('b.json', '{ "format":"backprop-lens/batch", "version": 1, "X": [[1]], "Y": [[2]] }');
const npz = { name: 'mine.npz', bytes: Uint8Array.of(0x50, 0x4b, 3, 4) };

let link: FakeLink;
beforeEach(() => {
  setActivePinia(createPinia());
  link = createFakeLink();
  connectStores(link);
});

describe('compare store', () => {
  it('routes dropped files by content: weights and batch files by their format, everything else is arrays', () => {
    expect(roleOf(weights)).toBe('weights');
    expect(roleOf(batch)).toBe('batch');
    expect(roleOf(npz)).toBe('arrays');
    expect(roleOf(file('arrays.json', '{"dW0": [[1]]}'))).toBe('arrays');
    const c = useCompareStore();
    c.add([npz, weights, batch]);
    expect(c.weights?.name).toBe('w.json');
    expect(c.batch?.name).toBe('b.json');
    expect(c.arrays.map((a) => a.name)).toEqual(['mine.npz']);
    expect(c.canRun).toBe(true);
  });

  it('sends compare with the texts and options and selects the first error', async () => {
    const c = useCompareStore();
    c.add([npz, weights, batch]);
    c.layout = 'columns';
    const done = c.run();
    const sent = link.sent.find((s) => s.type === 'compare') as Extract<(typeof link.sent)[number], { type: 'compare' }>;
    expect(sent).toMatchObject({ type: 'compare', layout: 'columns', batch: new TextDecoder().decode(batch.bytes), weights: new TextDecoder().decode(weights.bytes) });
    expect(sent.arrays[0]!.name).toBe('mine.npz');
    const q = (name: string, quantity: 'dW' | 'G', layer: number, status: 'ok' | 'new-error') =>
      ({ name, theirName: name, layer, quantity, equation: name, status, shape: [1, 1], maxAbsError: 0, relativeError: 0, localError: 0, localBound: 1 }) as const;
    link.reply('compare', {
      type: 'compare-result',
      report: { firstError: { layer: 1, quantity: 'dW' }, quantities: [q('G1', 'G', 1, 'ok'), q('dW1', 'dW', 1, 'new-error')] } as never,
      values: [],
    });
    expect(await done).toBe(true);
    expect(c.selected).toBe('dW1');
  });

  it('reports an engine error about the files', async () => {
    const c = useCompareStore();
    c.add([npz, weights, batch]);
    const done = c.run();
    link.reply('compare', { type: 'error', code: 'config-error', message: 'mine.npz: not an .npz file', path: null, command: 'compare', fatal: false });
    expect(await done).toBe(false);
    expect(useErrorsStore().list[0]!.message).toMatch(/not an \.npz file/);
  });

  it('maps each quantity to the op that computes it, for the jump to the Stepper', () => {
    expect(opOf('H', 1, 3)).toEqual({ kind: 'forward', layer: 1 });
    expect(opOf('A', 2, 3)).toEqual({ kind: 'forward', layer: 1 });
    expect(opOf('G', 2, 3)).toEqual({ kind: 'loss', layer: null });
    expect(opOf('G', 0, 3)).toEqual({ kind: 'backward', layer: 1 });
    expect(opOf('dW', 2, 3)).toEqual({ kind: 'backward', layer: 2 });
    expect(opOf('dX', 0, 3)).toEqual({ kind: 'backward', layer: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { parseCommand, formatPath } from './parse.js';
import { createRng } from '../core/rng.js';

const v = 1;

describe('parseCommand', () => {
  it('accepts a well-formed configure and fills defaults', () => {
    const r = parseCommand({
      v,
      id: 7,
      type: 'configure',
      config: {
        model: {
          inputSize: 2,
          layers: [
            { units: 4, activation: 'tanh' },
            { units: 1, activation: 'identity' },
          ],
          loss: 'sse',
        },
        optimizer: { kind: 'adam', lr: 0.01 },
      },
    });
    expect(r.ok).toBe(true);
    if (!r.ok || r.command.type !== 'configure') throw new Error('expected configure');
    expect(r.command.config.batchSize).toBe('full');
    expect(r.command.config.optimizer).toEqual({
      kind: 'adam',
      lr: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0,
    });
  });

  it('names the key path of a bad field and answers the command id', () => {
    const r = parseCommand({
      v,
      id: 3,
      type: 'configure',
      config: {
        model: { inputSize: 2, layers: [{ units: 0, activation: 'tanh' }], loss: 'sse' },
        optimizer: { kind: 'sgd', lr: 0.1 },
      },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({
      type: 'error',
      code: 'invalid-message',
      replyTo: 3,
      command: 'configure',
      path: 'config.model.layers[0].units',
    });
    expect(r.error.message).toContain('config.model.layers[0].units');
  });

  it('rejects other protocol versions, unknown types, extra keys and non-objects', () => {
    expect(parseCommand({ v: 2, type: 'start' })).toMatchObject({ ok: false, error: { code: 'unsupported-version' } });
    expect(parseCommand({ v, type: 'explode' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-message', path: 'type' },
    });
    expect(parseCommand({ v, type: 'pause', extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-message' },
    });
    for (const bad of [null, undefined, 42, 'start', [], () => 1]) {
      expect(parseCommand(bad).ok).toBe(false);
    }
  });

  it('checks matrix data lengths and typed arrays in load-dataset', () => {
    const ok = parseCommand({
      v,
      type: 'load-dataset',
      source: {
        kind: 'matrices',
        name: 'm',
        X: { rows: 2, cols: 1, data: new Float64Array(2) },
        Y: { rows: 2, cols: 1, data: [1, 2] },
      },
    });
    expect(ok.ok).toBe(true);
    const bad = parseCommand({
      v,
      type: 'load-dataset',
      source: {
        kind: 'matrices',
        name: 'm',
        X: { rows: 2, cols: 2, data: new Float64Array(3) },
        Y: { rows: 2, cols: 1, data: [1, 2] },
      },
    });
    expect(bad).toMatchObject({ ok: false, error: { path: 'source.X.data' } });
  });

  it('survives hostile objects', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
      },
    );
    expect(parseCommand(hostile).ok).toBe(false);
    const getter = {
      v,
      get type(): string {
        throw new Error('no');
      },
    };
    expect(parseCommand(getter).ok).toBe(false);
  });

  it('never throws on thousands of random mutations of valid commands', () => {
    const rng = createRng(42);
    const seeds: unknown[] = [
      { v, type: 'start', maxSteps: 10 },
      { v, type: 'set-frame-rate', fps: 20 },
      { v, type: 'set-breakpoints', breakpoints: [{ kind: 'vanishing', layer: 0, threshold: 1e-6 }] },
      { v, type: 'request-matrix', layer: 1, name: 'G' },
      { v, type: 'ack', seq: 4 },
    ];
    const junk = [null, -1, 1e309, NaN, '', 'x', [], {}, true, 1.5];
    const mutate = (x: unknown, depth: number): unknown => {
      if (depth > 3 || typeof x !== 'object' || x === null) return rng.next() < 0.3 ? junk[rng.int(junk.length)] : x;
      const copy: Record<string, unknown> = Array.isArray(x)
        ? ([...x] as unknown as Record<string, unknown>)
        : { ...(x as object) };
      for (const k of Object.keys(copy)) if (rng.next() < 0.4) copy[k] = mutate(copy[k], depth + 1);
      if (rng.next() < 0.1) copy[`k${rng.int(5)}`] = junk[rng.int(junk.length)];
      return copy;
    };
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const r = parseCommand(mutate(seeds[rng.int(seeds.length)], 0));
      if (!r.ok) {
        rejected++;
        expect(r.error.message.length).toBeGreaterThan(0);
      }
    }
    expect(rejected).toBeGreaterThan(100);
  });
});

describe('formatPath', () => {
  it('writes indices in brackets', () => {
    expect(formatPath(['config', 'model', 'layers', 1, 'units'])).toBe('config.model.layers[1].units');
  });
});

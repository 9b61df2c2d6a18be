import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Cpu64Backend } from '../backends/cpu64/cpu64-backend.js';
import { writeNpz } from '../io/arrays/index.js';
import { parseBatch } from '../io/batch-file.js';
import { parseWeights } from '../io/weights-file.js';
import { forwardBackward } from '../train/forward-backward.js';
import { weightGradients } from '../compare/ops.js';
import { config, regression, setup } from './host-test-kit.js';

const planted = fileURLToPath(new URL('../../examples/compare/planted/', import.meta.url));

describe('EngineHost: compare', () => {
  it('diagnoses a planted dW-uses-H from .npz bytes and replies with the report and every quantity', async () => {
    const weightsText = await readFile(`${planted}weights.json`, 'utf8');
    const batchText = await readFile(`${planted}batch.json`, 'utf8');
    const w = parseWeights(weightsText);
    const b = parseBatch(batchText);
    const fb = await forwardBackward(new Cpu64Backend(), w.model, w.parameters, b.X, b.Y);
    const bad = weightGradients(fb.layers[1]!.H, fb.layers[2]!.G).dW;
    const npz = writeNpz([
      { name: 'G2', shape: [fb.layers[2]!.G.rows, fb.layers[2]!.G.cols], data: fb.layers[2]!.G.data },
      { name: 'dW2', shape: [bad.rows, bad.cols], data: bad.data },
    ]);
    const p = await setup();
    const ready = await p.waitFor('ready');
    expect(ready.commands).toContain('compare');
    p.send({ type: 'compare', id: 7, arrays: [{ name: 'mine.npz', bytes: npz }], batch: batchText, weights: weightsText });
    const r = await p.waitFor('compare-result', (e) => e.replyTo === 7);
    expect(r.report.verdict).toBe('diverges');
    expect(r.report.firstError).toEqual({ layer: 2, quantity: 'dW' });
    expect(r.report.diagnoses[0]!.code).toBe('dW-uses-H');
    expect(r.values.map((v) => v.name)).toEqual(r.report.quantities.map((q) => q.name));
    const dW2 = r.values.find((v) => v.name === 'dW2')!;
    expect(dW2.theirs).not.toBeNull();
    expect(Array.from(dW2.difference!.data, (x, k) => x + dW2.reference.data[k]!)).toEqual(Array.from(bad.data));
  });

  it('answers unusable arrays with a config-error naming the file', async () => {
    const p = await setup();
    await p.waitFor('ready');
    p.send({
      type: 'compare',
      id: 3,
      arrays: [{ name: 'mine.npz', bytes: new TextEncoder().encode('not a zip') }],
      batch: await readFile(`${planted}batch.json`, 'utf8'),
      weights: await readFile(`${planted}weights.json`, 'utf8'),
    });
    const e = await p.waitFor('error', (x) => x.replyTo === 3);
    expect(e.code).toBe('config-error');
    expect(e.message).toMatch(/mine\.npz: not an \.npz file/);
  });

  it('compares against the current model and parameters when no weights file is given', async () => {
    const p = await setup();
    await p.waitFor('ready');
    p.send({ type: 'compare', id: 2, arrays: [{ name: 'x.npz', bytes: writeNpz([{ name: 'loss', shape: [], data: [1] }]) }], batch: '{}' });
    expect((await p.waitFor('error', (e) => e.replyTo === 2)).message).toMatch(/give a weights file, or configure a model/);
    p.send(regression());
    p.send({ type: 'configure', id: 3, config });
    await p.waitFor('configured', (e) => e.replyTo === 3);
    p.send({ type: 'export', id: 4, what: 'weights' });
    const current = parseWeights((await p.waitFor('export', (e) => e.replyTo === 4)).contents);
    const batchText = JSON.stringify({ format: 'backprop-lens/batch', version: 1, X: [[0.5, -0.25], [0.1, 0.9], [-0.7, 0.3]], Y: [[1], [0], [-1]] });
    const b = parseBatch(batchText);
    const fb = await forwardBackward(new Cpu64Backend(), current.model, current.parameters, b.X, b.Y);
    const dW0 = fb.layers[0]!.dW;
    const npz = writeNpz([{ name: 'dW0', shape: [dW0.rows, dW0.cols], data: dW0.data }, { name: 'loss', shape: [], data: [fb.loss] }]);
    p.send({ type: 'compare', id: 5, arrays: [{ name: 'mine.npz', bytes: npz }], batch: batchText });
    const r = await p.waitFor('compare-result', (e) => e.replyTo === 5);
    expect(r.report.verdict).toBe('match');
    expect(r.report.missing).toContain('G0');
  });
});

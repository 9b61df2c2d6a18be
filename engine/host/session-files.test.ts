import { describe, expect, it } from 'vitest';
import { decodeWeightsAs } from '../io/interop/weight-formats.js';
import { config, regression, setup } from './host-test-kit.js';

describe('EngineHost session files', () => {
  it('export session → open-session on a fresh engine continues exactly (same loss 5 steps later)', async () => {
    const a = await setup();
    a.send(regression());
    a.send({ type: 'configure', config: { ...config, batchSize: 8 } });
    a.send({ type: 'set-breakpoints', breakpoints: [{ kind: 'non-finite' }] });
    a.send({ type: 'step', count: 20, id: 1 });
    await a.waitFor('state', (s) => s.replyTo === 1);
    a.send({ type: 'export', what: 'session', id: 2, view: { tab: 'layers' }, notes: 'before the spike' });
    const exported = await a.waitFor('export', (e) => e.replyTo === 2);
    const savedFrame = a.of('frame').findLast((f) => !f.historical && f.step === 20)!;
    expect(exported.fileName).toBe('line-step20.bplens');
    expect(exported.bytes).toBeInstanceOf(Uint8Array);
    a.send({ type: 'step', count: 5, id: 3 });
    await a.waitFor('state', (s) => s.replyTo === 3);
    const expected = a.of('frame').at(-1)!.loss;

    const b = await setup();
    b.send({ type: 'open-session', id: 4, fileName: 'x.bplens', bytes: exported.bytes! });
    const opened = await b.waitFor('session-opened', (e) => e.replyTo === 4);
    expect(opened).toMatchObject({
      step: 20,
      notes: 'before the spike',
      view: { tab: 'layers' },
      breakpoints: [{ kind: 'non-finite' }],
    });
    expect(opened.config.batchSize).toBe(8);
    expect(b.of('dataset-loaded')[0]!.name).toBe('line');
    expect(b.of('configured')).toHaveLength(1);
    // The saved step is replayed from the kept step before it: the same frame (loss, matrices) as when saved.
    const frame = await b.waitFor('frame', (f) => !f.historical && f.step === 20);
    expect(frame.loss).toBe(savedFrame.loss);
    expect(Array.from(frame.matrices.find((m) => m.name === 'W' && m.layer === 0)!.data)).toEqual(
      Array.from(savedFrame.matrices.find((m) => m.name === 'W' && m.layer === 0)!.data),
    );
    b.send({ type: 'step', count: 5, id: 5 });
    await b.waitFor('state', (s) => s.replyTo === 5);
    expect(b.of('frame').at(-1)!.loss).toBe(expected);
  });

  it('exports weights as npz, PyTorch safetensors and ONNX bytes that read back', async () => {
    const a = await setup();
    a.send(regression());
    a.send({ type: 'configure', config });
    a.send({ type: 'step', count: 3, id: 1 });
    await a.waitFor('state', (s) => s.replyTo === 1);
    let id = 10;
    for (const [what, format] of [
      ['weights-npz', 'npz'],
      ['weights-safetensors', 'safetensors'],
      ['weights-onnx', 'onnx'],
    ] as const) {
      a.send({ type: 'export', what, id: ++id });
      const e = await a.waitFor('export', (x) => x.replyTo === id);
      expect(e.fileName.endsWith(`.${format}`)).toBe(true);
      const back = decodeWeightsAs(e.bytes!, format);
      expect(back.weights.model).toEqual(config.model);
    }
  });

  it('a damaged session file is a file-error naming the entry; the engine keeps working', async () => {
    const a = await setup();
    a.send(regression());
    a.send({ type: 'configure', config });
    a.send({ type: 'export', what: 'session', id: 2 });
    const bytes = (await a.waitFor('export', (e) => e.replyTo === 2)).bytes!;
    const b = await setup();
    b.send({ type: 'open-session', id: 3, fileName: 'cut.bplens', bytes: bytes.slice(0, bytes.length - 50) });
    const err = await b.waitFor('error', (e) => e.replyTo === 3);
    expect(err.code).toBe('file-error');
    expect(err.message).toMatch(/^cut\.bplens: /);
    b.send({ type: 'open-session', id: 4, fileName: 'ok.bplens', bytes });
    expect((await b.waitFor('session-opened', (e) => e.replyTo === 4)).step).toBe(0);
  });
});

describe('EngineHost minimal repro', () => {
  it('from a breakpoint hit: a small session that hits again at the same step and op', async () => {
    const a = await setup();
    a.send(regression());
    a.send({ type: 'configure', config: { ...config, batchSize: 8 } });
    a.send({ type: 'step', count: 3, id: 1 });
    await a.waitFor('state', (s) => s.replyTo === 1);
    // A gradient-norm breakpoint every step trips: the hit pauses inside step 4.
    a.send({ type: 'set-breakpoints', breakpoints: [{ kind: 'exploding', layer: 0, threshold: 1e-9 }] });
    a.send({ type: 'step', count: 1, id: 2 });
    const hit = (await a.waitFor('breakpoint-hit')).hit;
    expect(hit.step).toBe(4);
    a.send({ type: 'export', what: 'repro', id: 3, notes: hit.message });
    const e = await a.waitFor('export', (x) => x.replyTo === 3);
    expect(e.fileName).toBe('line-repro-step4.bplens');

    const b = await setup();
    b.send({ type: 'open-session', id: 4, fileName: e.fileName, bytes: e.bytes! });
    const opened = await b.waitFor('session-opened', (x) => x.replyTo === 4);
    expect(opened.step).toBe(3);
    expect(opened.notes).toBe(hit.message);
    b.send({ type: 'step', count: 1, id: 5 });
    const again = (await b.waitFor('breakpoint-hit')).hit;
    expect([again.step, again.op.label, again.cells, again.message]).toEqual([
      hit.step,
      hit.op.label,
      hit.cells,
      hit.message,
    ]);
  });
});

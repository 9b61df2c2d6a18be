import { describe, expect, it } from 'vitest';
import { config, regression, setup } from './host-test-kit.js';

describe('EngineHost', () => {
  it('announces ready with its backend and answers hello', async () => {
    const p = await setup();
    const ready = await p.waitFor('ready');
    expect(ready.backend).toMatchObject({ name: 'cpu-f64', precision: 'f64' });
    expect(ready.telemetry).toEqual({ frameRate: 20, maxSize: 256, window: 2, kernels: 'wasm-simd' });
    p.send({ type: 'hello', id: 9 });
    await p.waitFor('ready', (e) => e.replyTo === 9);
  });

  it('answers malformed messages with an error event and keeps working', async () => {
    const p = await setup();
    p.send({ type: 'configure', id: 4, config: { model: { inputSize: -1 } } });
    p.end.postMessage('garbage');
    p.end.postMessage({ v: 99, type: 'start' });
    const e1 = await p.waitFor('error', (e) => e.replyTo === 4);
    expect(e1.code).toBe('invalid-message');
    expect(e1.path).toContain('config');
    await p.waitFor('error', (e) => e.code === 'unsupported-version');
    expect(p.of('error').length).toBe(3);
    p.send({ type: 'start', id: 5 });
    expect((await p.waitFor('error', (e) => e.replyTo === 5)).code).toBe('invalid-state');
    p.send({ type: 'ping', id: 6 });
    await p.waitFor('pong', (e) => e.replyTo === 6);
  });

  it('refuses watch-module (only an attached PyTorch run has modules) and keeps working', async () => {
    const p = await setup();
    p.send({ type: 'watch-module', id: 3, module: 'enc' });
    const e = await p.waitFor('error', (x) => x.replyTo === 3);
    expect(e.code).toBe('invalid-state');
    expect(e.message).toMatch(/attached PyTorch run/);
    p.send({ type: 'ping', id: 4 });
    await p.waitFor('pong', (x) => x.replyTo === 4);
  });

  it('trains, streams frames with stats and matrices, and stops after maxSteps', async () => {
    const p = await setup();
    p.send(regression());
    await p.waitFor('dataset-loaded');
    p.send({ type: 'configure', id: 2, config });
    const configured = await p.waitFor('configured');
    expect(configured.ops.map((o) => o.label)).toEqual(
      ['forward layer 0', 'forward layer 1', 'loss', 'backward layer 1', 'backward layer 0', 'update'].map((l) =>
        expect.stringContaining(l.split(' ')[0]!),
      ),
    );
    expect(configured.trainSize + configured.validationSize).toBe(40);
    p.send({ type: 'start', id: 3, maxSteps: 300 });
    const stopped = await p.waitFor('state', (s) => s.reason === 'max-steps');
    expect(stopped.step).toBe(300);
    const frames = p.of('frame');
    expect(frames.length).toBeGreaterThan(0);
    const last = frames[frames.length - 1]!;
    expect(last.step).toBe(300);
    expect(last.layers).toHaveLength(2);
    expect(last.layers[0]!.histograms?.G.counts.length).toBe(32);
    const W0 = last.matrices.find((m) => m.name === 'W' && m.layer === 0)!;
    expect(W0).toMatchObject({ rows: 2, cols: 6 });
    expect(W0.data).toBeInstanceOf(Float32Array);
    // Every step's loss arrives exactly once across the frames, however many frames there were.
    const steps = frames.flatMap((f) => f.losses.map((l) => l.step));
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps.length).toBe(300);
    expect(last.loss).toBeLessThan(frames[0]!.losses[0]!.loss);
    expect(p.of('checkpoint').at(-1)!.checkpoint.step).toBe(300);
  });

  it('steps one op at a time with the equation, and pauses mid-step', async () => {
    const p = await setup();
    p.send(regression());
    p.send({ type: 'configure', config });
    await p.waitFor('configured');
    p.send({ type: 'step-op', id: 10 });
    const op = await p.waitFor('op-stepped', (e) => e.replyTo === 10);
    expect(op.op).toMatchObject({ kind: 'forward', layer: 0, index: 0 });
    expect(op.op.equation).toContain('H');
    expect(op.next).toMatchObject({ kind: 'forward', layer: 1 });
    expect(op.matrices.map((m) => `${m.name}${m.layer}`)).toEqual(['A0', 'W0', 'b0', 'H0', 'A1']);
    const st = await p.waitFor('state', (s) => s.nextOp !== null);
    expect(st).toMatchObject({ state: 'paused', step: 0 });
    p.send({ type: 'step', id: 11 });
    const done = await p.waitFor('state', (s) => s.replyTo === 11);
    expect(done).toMatchObject({ step: 1, nextOp: null, state: 'paused' });
    await p.waitFor('frame', (f) => f.step === 1);
  });

  it('serves full-resolution matrices, history frames, exports and a passing gradient check', async () => {
    const p = await setup();
    p.send(regression());
    p.send({ type: 'configure', config });
    p.send({ type: 'step', count: 5, id: 1 });
    await p.waitFor('state', (s) => s.replyTo === 1);
    p.send({ type: 'request-matrix', id: 2, layer: 0, name: 'dW' });
    const m = await p.waitFor('matrix', (e) => e.replyTo === 2);
    expect(m.matrix.data).toBeInstanceOf(Float64Array);
    expect(m.matrix).toMatchObject({ rows: 2, cols: 6 });
    p.send({ type: 'request-frame', id: 3, step: 2 });
    const hf = await p.waitFor('frame', (e) => e.replyTo === 3);
    expect(hf).toMatchObject({ historical: true, step: 2 });
    p.send({ type: 'export', id: 4, what: 'weights' });
    const ex = await p.waitFor('export', (e) => e.replyTo === 4);
    const weights = JSON.parse(ex.contents) as { format: string; parameters: unknown[] };
    expect(weights.format).toBe('backprop-lens/weights');
    expect(weights.parameters).toHaveLength(2);
    p.send({ type: 'export', id: 5, what: 'loss-history' });
    expect((await p.waitFor('export', (e) => e.replyTo === 5)).contents.split('\n')[1]).toMatch(/^1,/);
    p.send({ type: 'gradcheck', id: 6 });
    const g = await p.waitFor('gradcheck-result', (e) => e.replyTo === 6);
    expect(g.passed).toBe(true);
    expect(g.layers[0]!.W.checked).toBe(12);
    expect(g.reference).toBeNull();
    p.send({ type: 'request-matrix', id: 7, layer: 5, name: 'W' });
    expect((await p.waitFor('error', (e) => e.replyTo === 7)).code).toBe('config-error');
  });

  it('drops frames instead of queueing them when the consumer stops acknowledging', async () => {
    const p = await setup();
    p.ack = false;
    p.send(regression());
    p.send({ type: 'configure', config });
    p.send({ type: 'set-frame-rate', fps: 120 });
    p.send({ type: 'start', maxSteps: 100_000 });
    await new Promise((r) => setTimeout(r, 600));
    p.send({ type: 'pause', id: 8 });
    await p.waitFor('state', (s) => s.replyTo === 8);
    // Window 2: two frames, then nothing until acknowledged, although ~70 were due; the pause
    // still gets its one frame (a paused view must be current), carrying the count of dropped ones.
    const frames = p.of('frame');
    expect(frames.length).toBe(3);
    expect(frames[2]!.seq).toBe(2);
    expect(frames[2]!.dropped).toBeGreaterThan(5);
    expect(frames[2]!.step).toBe((await p.waitFor('state', (s) => s.replyTo === 8)).step);
    p.ack = true;
    p.send({ type: 'ack', seq: 0 });
    p.send({ type: 'step', id: 9 });
    await p.waitFor('state', (s) => s.replyTo === 9);
    const f = p.of('frame').at(-1)!;
    expect(f.seq).toBe(3);
    expect(f.dropped).toBe(0);
  });

  it('pauses at a breakpoint and reports the hit', async () => {
    const p = await setup();
    p.send(regression());
    p.send({ type: 'configure', config: { ...config, optimizer: { kind: 'sgd', lr: 1e6 } } });
    p.send({ type: 'set-breakpoints', id: 2, breakpoints: [{ kind: 'non-finite' }] });
    await p.waitFor('accepted', (e) => e.replyTo === 2);
    p.send({ type: 'start' });
    const hit = await p.waitFor('breakpoint-hit');
    expect(hit.hit.condition.kind).toBe('non-finite');
    await p.waitFor('state', (s) => s.reason === 'breakpoint' && s.state === 'paused');
  });

  it('resumes from a checkpoint in a fresh engine exactly where the old one was', async () => {
    const a = await setup();
    a.send(regression());
    a.send({ type: 'configure', config });
    a.send({ type: 'step', count: 20, id: 1 });
    await a.waitFor('state', (s) => s.replyTo === 1);
    const cp = (await a.waitFor('checkpoint', (c) => c.checkpoint.step === 20)).checkpoint;
    a.send({ type: 'step', count: 5, id: 2 });
    await a.waitFor('state', (s) => s.replyTo === 2);
    const expected = a.of('frame').at(-1)!;

    const b = await setup();
    b.send(regression());
    b.send({ type: 'configure', config });
    b.send({ type: 'restore', id: 3, checkpoint: cp });
    expect(await b.waitFor('state', (s) => s.replyTo === 3)).toMatchObject({ step: 20, reason: 'restored' });
    b.send({ type: 'step', count: 5, id: 4 });
    await b.waitFor('state', (s) => s.replyTo === 4);
    const got = b.of('frame').at(-1)!;
    expect(got.step).toBe(25);
    expect(got.loss).toBe(expected.loss);
  });
});

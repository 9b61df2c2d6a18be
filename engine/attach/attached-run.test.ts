import { describe, expect, it } from 'vitest';
import { AttachedRun } from './attached-run.js';
import type { AttachedRunOptions } from './attached-run.js';
import type { ServerMessage, StepMessage } from './messages.js';
import { parseClientMessage } from './messages.js';
import { FrameReader, encodeFrame } from './wire.js';
import { helloFor, stepFrame } from './attach-test-kit.js';
import type { FrameEvent } from '../protocol/events.js';
import type { BreakpointHit } from '../train/types.js';

/** 2 → 2 (tanh) → 1 (identity), batch of 1: every tensor of one step, G_0 optionally poisoned. */
function fullStep(step: number, loss: number | string, g0 = [0.1, -0.2]): Uint8Array {
  return stepFrame(step, loss, {
    A_0: { rows: 1, cols: 2, data: [1, 2] },
    H_0: { rows: 1, cols: 2, data: [0.3, -0.1] },
    A_1: { rows: 1, cols: 2, data: [Math.tanh(0.3), Math.tanh(-0.1)] },
    G_0: { rows: 1, cols: 2, data: g0 },
    W_0: { rows: 2, cols: 2, data: [0.1, 0.2, 0.3, 0.4] },
    b_0: { rows: 1, cols: 2, data: [0, 0] },
    dW_0: { rows: 2, cols: 2, data: [0.1, -0.2, 0.2, -0.4] },
    db_0: { rows: 1, cols: 2, data: g0 },
    H_1: { rows: 1, cols: 1, data: [0.5] },
    A_2: { rows: 1, cols: 1, data: [0.5] },
    G_1: { rows: 1, cols: 1, data: [0.5] },
    W_1: { rows: 2, cols: 1, data: [1, -1] },
    b_1: { rows: 1, cols: 1, data: [0] },
    dW_1: { rows: 2, cols: 1, data: [0.1, 0.05] },
    db_1: { rows: 1, cols: 1, data: [0.5] },
  });
}

function harness(options: Partial<AttachedRunOptions> = {}) {
  const sent: ServerMessage[] = [];
  const frames: FrameEvent[] = [];
  const hits: BreakpointHit[] = [];
  const run = new AttachedRun(
    helloFor([
      { units: 2, activation: 'tanh' },
      { units: 1, activation: 'identity' },
    ]),
    {
      send: (m) => sent.push(m),
      onFrame: (f) => frames.push(f),
      onHit: (h) => hits.push(h),
      ...options,
    },
  );
  const receive = (bytes: Uint8Array): void => {
    for (const f of new FrameReader({ expectMagic: false }).push(bytes))
      run.receive(parseClientMessage(f.header) as StepMessage, f.payload);
  };
  return { run, sent, frames, hits, receive };
}

describe('AttachedRun', () => {
  it('turns a full step into a frame with the layer statistics and matrices a local run sends', () => {
    const h = harness({ maxSize: 64 });
    h.receive(fullStep(1, 0.25));
    expect(h.frames).toHaveLength(1);
    const f = h.frames[0]!;
    expect(f.step).toBe(1);
    expect(f.layers).toHaveLength(2);
    expect(f.layers[1]!.normW).toBeCloseTo(Math.SQRT2, 6);
    expect(f.matrices.map((m) => `${m.name}_${m.layer}`)).toContain('G_0');
    expect(h.sent).toEqual([{ type: 'ack', step: 1, hold: false, reason: null }]);
    expect(h.run.history.size).toBe(1);
    expect(h.run.history.at(0)!.parameters).toBeNull(); // viewing only: the parameters live in the user's process
  });

  it('keeps every step’s loss and counts the steps sent without tensors as dropped', () => {
    const h = harness();
    h.receive(stepFrame(1, 1.0, {}));
    h.receive(stepFrame(2, 0.9, {}));
    h.receive(fullStep(3, 0.8));
    expect(h.frames[0]!.losses.map((p) => p.loss)).toEqual([1.0, 0.9, 0.8]);
    expect(h.frames[0]!.dropped).toBe(2);
    expect(h.sent).toHaveLength(1); // loss-only steps are not acknowledged: the client does not wait for them
  });

  it('a non-finite G_i hits the breakpoint, holds the client and pauses until continue', () => {
    const h = harness({ breakpoints: [{ kind: 'non-finite' }] });
    expect(h.run.needs()).toMatchObject({ hold: true, watchNonFinite: true, maxSize: 0 });
    h.receive(fullStep(1, 0.3));
    h.receive(fullStep(2, 0.3, [NaN, 0.1]));
    expect(h.hits.map((x) => `${x.matrix}_${x.matrixIndex} ${x.op.label}`)).toContain('G_0 backward layer 1');
    expect(h.sent.at(-1)).toMatchObject({ type: 'ack', step: 2, hold: true });
    expect(h.run.state).toBe('paused');
    h.run.control('continue');
    expect(h.sent.at(-1)).toEqual({ type: 'control', action: 'continue' });
    expect(h.run.state).toBe('running');
  });

  it('a loss-only step that hits (a NaN loss) pauses through a control message', () => {
    const h = harness({ breakpoints: [{ kind: 'non-finite' }] });
    h.receive(stepFrame(1, 'NaN', {}));
    expect(h.sent).toEqual([{ type: 'control', action: 'pause' }]);
  });

  it('step lets one step run and holds the next', () => {
    const h = harness();
    h.run.control('pause');
    h.run.control('step');
    h.receive(fullStep(1, 0.3));
    expect(h.sent.at(-1)).toMatchObject({ type: 'ack', step: 1, hold: true });
    h.run.control('continue');
    h.receive(fullStep(2, 0.3));
    expect(h.sent.at(-1)).toMatchObject({ type: 'ack', step: 2, hold: false });
  });

  it('refuses tensors that do not fit the announced model, and steps that go back', () => {
    const h = harness();
    expect(() => h.receive(stepFrame(1, 0, { W_0: { rows: 3, cols: 2, data: [1, 2, 3, 4, 5, 6] } }))).toThrow(
      'step 1: tensors[0] (W_0): shape 3×2, the model says 2×2',
    );
    expect(() => h.receive(stepFrame(1, 0, { G_5: { rows: 1, cols: 1, data: [1] } }))).toThrow(/has no such tensor/);
    h.receive(stepFrame(2, 0, {}));
    expect(() => h.receive(stepFrame(2, 0, {}))).toThrow('step 2 arrived after step 2: steps must increase');
  });

  it('a model of other modules: its per-module statistics reach the frame, NaN/Inf kept as numbers', () => {
    const sent: ServerMessage[] = [];
    const frames: FrameEvent[] = [];
    const run = new AttachedRun(
      {
        ...helloFor([{ units: 1, activation: 'identity' }]),
        model: {
          kind: 'modules',
          modules: [
            { name: 'enc', type: 'Linear', parameters: 6 },
            { name: 'act', type: 'ReLU', parameters: 0 },
          ],
        },
      },
      { send: (m) => sent.push(m), onFrame: (f) => frames.push(f) },
    );
    const stats = (name: string, type: string, over: Record<string, unknown> = {}) => ({
      name,
      type,
      outNorm: 1.5,
      outMin: -1,
      outMax: 2,
      outNonFinite: 0,
      saturated: null,
      dead: null,
      gradNorm: 0.25,
      gradNonFinite: 0,
      weightNorm: 3,
      ...over,
    });
    const send = (step: number, modules: unknown[]): void => {
      for (const f of new FrameReader({ expectMagic: false }).push(encodeFrame({ type: 'step', step, loss: 0.5, tensors: [], modules })))
        run.receive(parseClientMessage(f.header) as StepMessage, f.payload);
    };
    send(1, [stats('enc', 'Linear'), stats('act', 'ReLU', { dead: 0.5, gradNorm: null, weightNorm: null })]);
    send(2, [stats('enc', 'Linear', { outNorm: 'NaN', outNonFinite: 3, gradNorm: 'Infinity', gradNonFinite: 1 }), stats('act', 'ReLU')]);
    expect(frames).toHaveLength(2);
    expect(frames[0]!.modules).toEqual([
      stats('enc', 'Linear'),
      stats('act', 'ReLU', { dead: 0.5, gradNorm: null, weightNorm: null }),
    ]);
    const bad = frames[1]!.modules![0]!;
    expect(bad.outNorm).toBeNaN();
    expect(bad.gradNorm).toBe(Infinity);
    expect([bad.outNonFinite, bad.gradNonFinite]).toEqual([3, 1]);
    // A sequential run's frames have no modules field.
    const h = harness();
    h.receive(fullStep(1, 0.25));
    expect(h.frames[0]!.modules).toBeUndefined();
  });

  it('watch-module: asks the client for one module’s tensors and passes them on; refuses unknown modules and bad refs', () => {
    const sent: ServerMessage[] = [];
    const frames: FrameEvent[] = [];
    const run = new AttachedRun(
      {
        ...helloFor([{ units: 1, activation: 'identity' }]),
        model: { kind: 'modules', modules: [{ name: 'enc', type: 'Linear', parameters: 6 }] },
      },
      { send: (m) => sent.push(m), onFrame: (f) => frames.push(f) },
    );
    expect(run.needs().module).toBeNull();
    expect(run.watchModule('nope')).toMatch(/no module "nope"/);
    expect(sent).toEqual([]);
    expect(run.watchModule('enc')).toBeNull();
    expect(sent.at(-1)).toMatchObject({ type: 'needs', module: 'enc' });
    const stats = { name: 'enc', type: 'Linear', outNorm: 1, outMin: 0, outMax: 1, outNonFinite: 0, saturated: null, dead: null, gradNorm: 1, gradNonFinite: 0, weightNorm: 1 };
    const payload = new Uint8Array(new Float32Array([1, 2, 3, NaN, 5, 6]).buffer);
    const ref = (over: Record<string, unknown> = {}) => ({ module: 'enc', label: 'weight', rows: 2, cols: 3, sourceRows: 2, sourceCols: 3, offset: 0, ...over });
    const send = (step: number, moduleTensors: unknown[]): void => {
      for (const f of new FrameReader({ expectMagic: false }).push(
        encodeFrame({ type: 'step', step, loss: 0.5, tensors: [], modules: [stats], moduleTensors }, payload),
      ))
        run.receive(parseClientMessage(f.header) as StepMessage, f.payload);
    };
    send(1, [ref()]);
    const t = frames[0]!.moduleTensors![0]!;
    expect([t.module, t.label, t.rows, t.cols]).toEqual(['enc', 'weight', 2, 3]);
    expect(Array.from(t.data.slice(0, 3))).toEqual([1, 2, 3]);
    expect(t.data[3]).toBeNaN();
    expect(() => send(2, [ref({ module: 'other' })])).toThrow(/moduleTensors\[0\] \(other weight\): the model announced no such module/);
    expect(() => send(3, [ref({ offset: 8 })])).toThrow(/outside the 24-byte payload/);
    expect(() => send(4, [ref({ rows: 3 })])).toThrow(/does not fit/);
    // Tensors sent for the held step (asked while paused) come as a frame of that step again.
    const frameCount = frames.length;
    run.receiveModuleTensors({ type: 'module-tensors', step: 1, moduleTensors: [ref()] }, payload);
    expect(frames.length).toBe(frameCount + 1);
    expect(frames.at(-1)).toMatchObject({ step: 1, modules: [stats] });
    expect(frames.at(-1)!.moduleTensors![0]!.label).toBe('weight');
    expect(() => run.receiveModuleTensors({ type: 'module-tensors', step: 9, moduleTensors: [ref()] }, payload)).toThrow(
      /not held at that step/,
    );
    expect(run.watchModule(null)).toBeNull();
    expect(sent.at(-1)).toMatchObject({ type: 'needs', module: null });
    // A sequential model has no modules to watch.
    expect(harness().run.watchModule('0')).toMatch(/only a model of modules/);
  });

  it('a NaN in the batch X: the first hit names the input, not H_0', () => {
    const h = harness({ breakpoints: [{ kind: 'non-finite' }] });
    h.receive(
      stepFrame(1, 'NaN', {
        A_0: { rows: 1, cols: 2, data: [NaN, 2] },
        H_0: { rows: 1, cols: 2, data: [NaN, NaN] },
      }),
    );
    expect(h.hits[0]!.message).toMatch(/^the input X \(A_0\) has 1 non-finite value\(s\) of 2 \(first: NaN at row 0, column 0\), so H_0 has 2/);
  });
});

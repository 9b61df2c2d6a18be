import { describe, expect, it } from 'vitest';
import { AttachDashboardAdapter } from './dashboard-adapter.js';
import { AttachedRun } from './attached-run.js';
import type { ServerMessage, StepMessage } from './messages.js';
import { parseClientMessage } from './messages.js';
import { FrameReader } from './wire.js';
import { helloFor, stepFrame } from './attach-test-kit.js';
import type { EngineEvent } from '../protocol/events.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { decodeTypedJson, encodeTypedJson } from '../protocol/typed-json.js';

function setup() {
  const events: EngineEvent[] = [];
  const sent: ServerMessage[] = [];
  const adapter = new AttachDashboardAdapter((e) => events.push(e));
  const run = new AttachedRun(
    helloFor([
      { units: 2, activation: 'tanh' },
      { units: 1, activation: 'identity' },
    ]),
    {
      send: (m) => sent.push(m),
      ...adapter.runHooks(),
    },
  );
  const receive = (bytes: Uint8Array): void => {
    for (const f of new FrameReader({ expectMagic: false }).push(bytes))
      run.receive(parseClientMessage(f.header) as StepMessage, f.payload);
  };
  const cmd = (c: Record<string, unknown>): void => adapter.command({ v: PROTOCOL_VERSION, ...c });
  return { events, sent, adapter, run, receive, cmd };
}

describe('AttachDashboardAdapter', () => {
  it('announces an attached run as a configured engine, with the attached badge', () => {
    const t = setup();
    t.adapter.attached(t.run);
    expect(t.events.map((e) => e.type)).toEqual(['ready', 'configured', 'state']);
    const configured = t.events[1] as Extract<EngineEvent, { type: 'configured' }>;
    expect(configured.shapes).toEqual([
      { layer: 0, W: [2, 2], b: [1, 2] },
      { layer: 1, W: [2, 1], b: [1, 1] },
    ]);
    expect(configured.parameterCount).toBe(9);
    expect(configured.model?.layers.map((l) => l.activation)).toEqual(['tanh', 'identity']);
    expect(configured.backend.attached).toEqual({ pid: 1234, host: 'test-host', torch: '1.13', python: '3.11' });
  });

  it('forwards Pause, Run and Step to the user’s loop and answers with the state', () => {
    const t = setup();
    t.adapter.attached(t.run);
    t.cmd({ id: 1, type: 'pause' });
    t.cmd({ id: 2, type: 'step', count: 1 });
    t.cmd({ id: 3, type: 'start' });
    expect(t.sent).toEqual([
      { type: 'control', action: 'pause' },
      { type: 'control', action: 'step' },
      { type: 'control', action: 'continue' },
    ]);
    expect(t.events.filter((e) => e.replyTo === 1)[0]).toMatchObject({ type: 'state', state: 'paused' });
  });

  it('asks the client for only the tensors the views show', () => {
    const t = setup();
    t.adapter.attached(t.run);
    t.cmd({ id: 4, type: 'set-telemetry', matrices: { names: ['W', 'G'] } });
    expect(t.sent.at(-1)).toMatchObject({ type: 'needs', tensors: ['W', 'G'] });
    t.run.setBreakpoints([{ kind: 'non-finite' }]); // armed breakpoints need every tensor
    expect(t.sent.at(-1)).toMatchObject({
      type: 'needs',
      tensors: ['A', 'H', 'G', 'W', 'b', 'dW', 'db', 'dX'],
      hold: true,
    });
  });

  it('serves frames live and from the history, and refuses what only a local engine can do', () => {
    const t = setup();
    t.adapter.attached(t.run);
    t.receive(stepFrame(3, 0.5, { W_0: { rows: 2, cols: 2, data: [1, 2, 3, NaN] } }));
    t.receive(stepFrame(4, 0.4, { W_0: { rows: 2, cols: 2, data: [1, 2, 3, 4] } }));
    t.cmd({ id: 7, type: 'request-frame', step: 3 });
    const f = t.events.find((e) => e.replyTo === 7) as Extract<EngineEvent, { type: 'frame' }>;
    expect(f).toMatchObject({ type: 'frame', step: 3, historical: true });
    expect(f.matrices[0]!.nonFinite).toBe(1);
    t.cmd({ id: 8, type: 'request-history' });
    expect(t.events.find((e) => e.replyTo === 8)).toMatchObject({ type: 'history', steps: [3, 4], restorable: [] });
    t.cmd({ id: 9, type: 'reset' });
    expect(t.events.find((e) => e.replyTo === 9)).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/^reset is not available for an attached run/),
    });
  });

  it('frames survive the typed JSON of the serve bridge (Float32Array and NaN included)', () => {
    const t = setup();
    t.adapter.attached(t.run);
    t.receive(stepFrame(1, 'NaN', { G_1: { rows: 1, cols: 1, data: [NaN] } }));
    const frame = t.events.find((e) => e.type === 'frame')!;
    const back = decodeTypedJson(encodeTypedJson(frame)) as typeof frame & { matrices: { data: Float32Array }[] };
    expect(back.matrices[0]!.data).toBeInstanceOf(Float32Array);
    expect(Number.isNaN(back.matrices[0]!.data[0])).toBe(true);
    expect(Number.isNaN((back as { loss: number }).loss)).toBe(true);
  });

  it('watch-module: refused with the reason for a sequential run; null (stop) is accepted', () => {
    const t = setup();
    t.adapter.attached(t.run);
    t.cmd({ id: 7, type: 'watch-module', module: 'enc' });
    const reply = t.events.find((e) => e.replyTo === 7)!;
    expect(reply).toMatchObject({ type: 'error', code: 'not-found', command: 'watch-module' });
    expect((reply as { message: string }).message).toMatch(/only a model of modules/);
    t.cmd({ id: 8, type: 'watch-module', module: null });
    expect(t.events.find((e) => e.replyTo === 8)).toMatchObject({ type: 'accepted', command: 'watch-module' });
    expect(t.sent.at(-1)).toMatchObject({ type: 'needs', module: null });
  });
});

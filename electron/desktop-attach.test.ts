import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, MessageChannelMain } from './test/mocks/electron.js';
import type { FakeMainPort } from './test/mocks/electron.js';
import { AttachServer } from '../engine/attach/node-attach-server.js';
import { encodeFrame } from '../engine/attach/wire.js';
import { helloFor, stepFrame, TEST_TOKEN, withMagic } from '../engine/attach/attach-test-kit.js';
import { PROTOCOL_VERSION } from '../engine/protocol/version.js';
import { DesktopAttach } from './desktop-attach.js';
import type { MainPortLike } from './desktop-attach.js';
import type { WindowLike } from './engine-supervisor.js';
import { ENGINE_PORT_CHANNEL } from './contract.js';

type Posted = { type: string; replyTo?: number; state?: string; backend?: { attached?: unknown } };

function setup() {
  const dash = new BrowserWindow({});
  const channels: MessageChannelMain[] = [];
  const restoreLocalEngine = vi.fn();
  const log: string[] = [];
  const attach = new DesktopAttach({
    createServer: (o) => new AttachServer({ ...o, token: TEST_TOKEN }),
    createChannel: () => {
      const c = new MessageChannelMain();
      channels.push(c);
      return c as unknown as { port1: MainPortLike; port2: MainPortLike };
    },
    dashboard: () => dash as unknown as WindowLike,
    restoreLocalEngine,
    log: (l) => log.push(l),
  });
  return { dash, channels, restoreLocalEngine, log, attach };
}

let open: { attach: DesktopAttach; sockets: Socket[] } | null = null;
afterEach(async () => {
  for (const s of open?.sockets ?? []) s.destroy();
  await open?.attach.stop();
  open = null;
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

function client(address: string): Promise<Socket> {
  const port = Number(new URL(address).port);
  return new Promise((ok) => {
    const s = connect({ host: '127.0.0.1', port }, () => ok(s));
  });
}

const hello = helloFor([
  { units: 2, activation: 'tanh' },
  { units: 1, activation: 'identity' },
]);

describe('DesktopAttach (Electron main listens for a PyTorch run)', () => {
  it('listens on 127.0.0.1 with a token, and hands the dashboard a port served by the attached run', async () => {
    const t = setup();
    await t.attach.start();
    const socket = await client(t.attach.address!);
    open = { attach: t.attach, sockets: [socket] };
    expect(t.attach.address).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+\?token=f{32}$/);
    expect(t.attach.attached).toBe(false);

    socket.write(withMagic(encodeFrame(hello)));
    await until(() => t.dash.webContents.posted.length === 1);
    const handed = t.dash.webContents.posted[0]!;
    expect(handed.channel).toBe(ENGINE_PORT_CHANNEL);
    expect(handed.message).toEqual({ reason: 'attached to PID 1234 on test-host' });
    const ours = t.channels[0]!.port1 as unknown as FakeMainPort;
    expect(handed.transfer).toEqual([t.channels[0]!.port2]);
    expect(ours.started).toBe(true);

    // The dashboard's client says hello on the new port: answered as an engine would, with the badge.
    ours.emit('message', { data: { v: PROTOCOL_VERSION, id: 1, type: 'hello' } });
    const types = (ours.posted as Posted[]).map((e) => e.type);
    expect(types).toEqual(['ready', 'configured', 'state']);
    expect((ours.posted[1] as Posted).backend?.attached).toMatchObject({ pid: 1234, host: 'test-host' });

    // A step from the user's loop arrives on the port as a frame.
    socket.write(
      stepFrame(1, 0.5, {
        A_0: { rows: 1, cols: 2, data: [1, 2] },
        H_0: { rows: 1, cols: 2, data: [0.3, -0.1] },
        A_1: { rows: 1, cols: 2, data: [Math.tanh(0.3), Math.tanh(-0.1)] },
        W_0: { rows: 2, cols: 2, data: [0.1, 0.2, 0.3, 0.4] },
        b_0: { rows: 1, cols: 2, data: [0, 0] },
        H_1: { rows: 1, cols: 1, data: [0.5] },
        A_2: { rows: 1, cols: 1, data: [0.5] },
        W_1: { rows: 2, cols: 1, data: [1, -1] },
        b_1: { rows: 1, cols: 1, data: [0] },
      }),
    );
    await until(() => (ours.posted as Posted[]).some((e) => e.type === 'frame'));
  });

  it('refuses invalid messages from the dashboard with an error event, and acts on none', async () => {
    const t = setup();
    await t.attach.start();
    const socket = await client(t.attach.address!);
    open = { attach: t.attach, sockets: [socket] };
    socket.write(withMagic(encodeFrame(hello)));
    await until(() => t.channels.length === 1);
    const ours = t.channels[0]!.port1 as unknown as FakeMainPort;
    ours.emit('message', { data: { v: PROTOCOL_VERSION, id: 2, type: 'pause', extra: 'x'.repeat(10) } });
    ours.emit('message', { data: 'not a command' });
    const errors = (ours.posted as Posted[]).filter((e) => e.type === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(t.attach.attached).toBe(true);
  });

  it('gives the dashboard back to the local engine when the run detaches, and serves reloads while attached', async () => {
    const t = setup();
    await t.attach.start();
    expect(t.attach.dashboardDidLoad()).toBe(false);
    const socket = await client(t.attach.address!);
    open = { attach: t.attach, sockets: [socket] };
    socket.write(withMagic(encodeFrame(hello)));
    await until(() => t.attach.attached);

    // A reload while attached gets a fresh attach port (the old one is closed).
    expect(t.attach.dashboardDidLoad()).toBe(true);
    expect(t.channels.length).toBe(2);
    expect((t.channels[0]!.port1 as unknown as FakeMainPort).closed).toBe(true);

    socket.destroy();
    await until(() => !t.attach.attached);
    expect(t.restoreLocalEngine).toHaveBeenCalledTimes(1);
    expect((t.channels[1]!.port1 as unknown as FakeMainPort).closed).toBe(true);
    expect(t.log.some((l) => l.includes('back to the local engine'))).toBe(true);
  });

  it('refuses a client with the wrong token: the dashboard keeps its local engine', async () => {
    const t = setup();
    await t.attach.start();
    const socket = await client(t.attach.address!);
    open = { attach: t.attach, sockets: [socket] };
    socket.write(withMagic(encodeFrame({ ...hello, token: '0'.repeat(32) })));
    await until(() => t.log.some((l) => /token/i.test(l)));
    expect(t.dash.webContents.posted).toEqual([]);
    expect(t.attach.attached).toBe(false);
  });

  it('keeps the app working when it cannot listen, and says why', async () => {
    const t = setup();
    const failing = new DesktopAttach({
      createServer: () => ({ address: '', start: () => Promise.reject(new Error('EACCES')), close: () => Promise.resolve() }),
      createChannel: () => {
        throw new Error('unused');
      },
      dashboard: () => null,
      restoreLocalEngine: vi.fn(),
      log: (l) => t.log.push(l),
    });
    await failing.start();
    expect(failing.address).toBeNull();
    expect(t.log).toEqual(['attach: not listening (EACCES)']);
  });
});

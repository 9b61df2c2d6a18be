import { describe, expect, it } from 'vitest';
import { BrowserWindow, MessageChannelMain } from './test/mocks/electron.js';
import { EngineSupervisor, MAX_RESTARTS } from './engine-supervisor.js';
import type { WindowLike } from './engine-supervisor.js';

type Fake = InstanceType<typeof BrowserWindow>;

function harness() {
  let t = 0;
  const engines: Fake[] = [];
  const channels: MessageChannelMain[] = [];
  const dashboard = new BrowserWindow({});
  const sup = new EngineSupervisor({
    createEngineWindow: () => {
      const w = new BrowserWindow({});
      engines.push(w);
      return w as unknown as WindowLike;
    },
    dashboard: () => dashboard as unknown as WindowLike,
    createChannel: () => {
      const c = new MessageChannelMain();
      channels.push(c);
      return c;
    },
    now: () => t,
  });
  return { sup, engines, channels, dashboard, advance: (ms: number) => (t += ms) };
}

const ports = (w: Fake) => w.webContents.posted.filter((p) => p.channel === 'engine:port');

describe('EngineSupervisor', () => {
  it('pairs the windows once both pages have loaded, one port each', () => {
    const h = harness();
    h.sup.start();
    h.engines[0]!.webContents.emit('did-finish-load');
    expect(h.channels).toHaveLength(0);
    h.sup.dashboardDidLoad();
    expect(h.channels).toHaveLength(1);
    expect(ports(h.engines[0]!)).toEqual([
      { channel: 'engine:port', message: { reason: null }, transfer: [h.channels[0]!.port1] },
    ]);
    expect(ports(h.dashboard)).toEqual([
      { channel: 'engine:port', message: { reason: null }, transfer: [h.channels[0]!.port2] },
    ]);
  });

  it('gives a reloaded dashboard a fresh channel and closes the old one', () => {
    const h = harness();
    h.sup.start();
    h.engines[0]!.webContents.emit('did-finish-load');
    h.sup.dashboardDidLoad();
    h.sup.dashboardDidLoad();
    expect(h.channels).toHaveLength(2);
    expect(h.channels[0]!.port1.closed && h.channels[0]!.port2.closed).toBe(true);
  });

  it('restarts a crashed engine window, tells the dashboard why, and pairs again with the reason', () => {
    const h = harness();
    h.sup.start();
    h.engines[0]!.webContents.emit('did-finish-load');
    h.sup.dashboardDidLoad();
    h.engines[0]!.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(h.engines).toHaveLength(2);
    expect(h.engines[0]!.destroyed).toBe(true);
    const note = h.dashboard.webContents.sent.find((s) => s.channel === 'engine:restarted');
    expect((note!.args[0] as { reason: string }).reason).toContain('crashed');
    h.engines[1]!.webContents.emit('did-finish-load');
    const last = ports(h.dashboard).at(-1)!;
    expect((last.message as { reason: string }).reason).toContain('exit code 139');
    expect(ports(h.engines[1]!)).toHaveLength(1);
  });

  it('ignores events from a window it already replaced', () => {
    const h = harness();
    h.sup.start();
    h.sup.restart('asked');
    h.engines[0]!.webContents.emit('render-process-gone', {}, { reason: 'killed', exitCode: 9 });
    expect(h.engines).toHaveLength(2);
  });

  it('restarts on GPU process loss and on an unresponsive engine', () => {
    const h = harness();
    h.sup.start();
    h.sup.gpuProcessGone('crashed');
    h.engines[1]!.webContents.emit('unresponsive');
    expect(h.engines).toHaveLength(3);
  });

  it('gives up on a crash loop and says so, then allows restarts again later', () => {
    const h = harness();
    h.sup.start();
    for (let i = 0; i < MAX_RESTARTS + 2; i++)
      h.engines.at(-1)!.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(h.engines).toHaveLength(1 + MAX_RESTARTS);
    expect(h.sup.failed).toMatch(/gave up/);
    h.advance(61_000);
    h.sup.restart('try again');
    expect(h.engines).toHaveLength(2 + MAX_RESTARTS);
  });

  it('does nothing after stop (quitting)', () => {
    const h = harness();
    h.sup.start();
    h.sup.stop();
    expect(h.engines[0]!.destroyed).toBe(true);
    h.sup.restart('late');
    expect(h.engines).toHaveLength(1);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { ENGINE_PORT_MESSAGE } from '../../../engine/protocol/index.js';
import type { AppApi } from '../../../engine/protocol/index.js';
import { ElectronTransport } from './electron-transport.js';

type Listener = (e: { source: unknown; data: unknown; ports: unknown[] }) => void;

function fakeWindow() {
  const listeners = new Set<Listener>();
  const win = {
    addEventListener: (_t: string, l: Listener) => listeners.add(l),
    removeEventListener: (_t: string, l: Listener) => listeners.delete(l),
    deliver: (e: { source: unknown; data: unknown; ports: unknown[] }) => listeners.forEach((l) => l(e)),
    listeners,
  };
  return win;
}

const port = () => ({
  close: vi.fn(),
  postMessage: vi.fn(),
  addEventListener: vi.fn(),
  removeEventListener: vi.fn(),
  start: vi.fn(),
});
const api = (): AppApi => ({
  platform: 'linux',
  invoke: vi.fn(async () => undefined) as unknown as AppApi['invoke'],
  on: vi.fn(() => () => undefined) as unknown as AppApi['on'],
  pathForFile: () => '',
});

describe('ElectronTransport', () => {
  it('connects on the port the preload posts to this window, with the reason', () => {
    const win = fakeWindow();
    const t = new ElectronTransport(api(), win as unknown as Window);
    const got: [unknown, string | null][] = [];
    t.onConnect((ep, reason) => got.push([ep, reason]));
    t.start();
    const p1 = port();
    win.deliver({ source: win, data: { type: ENGINE_PORT_MESSAGE, reason: null }, ports: [p1] });
    const p2 = port();
    win.deliver({ source: win, data: { type: ENGINE_PORT_MESSAGE, reason: 'engine crashed' }, ports: [p2] });
    expect(got).toEqual([
      [p1, null],
      [p2, 'engine crashed'],
    ]);
    expect(p1.close).toHaveBeenCalled(); // the old port is let go
  });

  it('ignores ports from other windows (frames, openers) and unrelated messages', () => {
    const win = fakeWindow();
    const t = new ElectronTransport(api(), win as unknown as Window);
    const got = vi.fn();
    t.onConnect(got);
    t.start();
    win.deliver({ source: {}, data: { type: ENGINE_PORT_MESSAGE, reason: null }, ports: [port()] });
    win.deliver({ source: win, data: { type: 'something-else' }, ports: [port()] });
    win.deliver({ source: win, data: { type: ENGINE_PORT_MESSAGE, reason: null }, ports: [] });
    expect(got).not.toHaveBeenCalled();
  });

  it('asks main to restart the engine and reports a failed request as lost', async () => {
    const a = api();
    (a.invoke as unknown as ReturnType<typeof vi.fn>).mockRejectedValueOnce(new Error('refused'));
    const t = new ElectronTransport(a, fakeWindow() as unknown as Window);
    const lost = vi.fn();
    t.onLost(lost);
    t.restart('watchdog');
    expect(a.invoke).toHaveBeenCalledWith('engine:restart', { reason: 'watchdog' });
    await vi.waitFor(() => expect(lost).toHaveBeenCalledWith(expect.stringContaining('refused')));
  });

  it('removes its listener on dispose', () => {
    const win = fakeWindow();
    const t = new ElectronTransport(api(), win as unknown as Window);
    t.start();
    expect(win.listeners.size).toBe(1);
    t.dispose();
    expect(win.listeners.size).toBe(0);
  });
});

/**
 * Electron: the engine runs in a hidden window. Main pairs the two windows with a
 * MessageChannelMain and hands each preload one port; ports cannot cross contextBridge, so the
 * preload forwards ours with window.postMessage (ENGINE_PORT_MESSAGE). Main restarts the engine
 * when its window dies and sends a new port (with the reason), so "lost" and "connected" both
 * arrive as a new port here.
 */
import { ENGINE_PORT_MESSAGE } from '../../../engine/protocol/index.js';
import type { AppApi, Endpoint } from '../../../engine/protocol/index.js';
import { Listeners } from './transport.js';
import type { EngineTransport } from './transport.js';

interface PortMessage {
  readonly type: typeof ENGINE_PORT_MESSAGE;
  readonly reason: string | null;
}

function isPortMessage(data: unknown): data is PortMessage {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === ENGINE_PORT_MESSAGE;
}

export class ElectronTransport implements EngineTransport {
  readonly kind = 'electron' as const;
  private port: MessagePort | null = null;
  private readonly connects = new Listeners<[Endpoint, string | null]>();
  private readonly losses = new Listeners<[string]>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly api: AppApi,
    private readonly win: Window = window,
  ) {}

  onConnect(listener: (endpoint: Endpoint, reason: string | null) => void): () => void {
    return this.connects.add(listener);
  }
  onLost(listener: (reason: string) => void): () => void {
    return this.losses.add(listener);
  }

  start(): void {
    const onMessage = (e: MessageEvent): void => {
      // Only the preload (same window, same origin) may hand us a port.
      if (e.source !== this.win || !isPortMessage(e.data) || e.ports.length !== 1) return;
      this.port?.close();
      const port = e.ports[0]!;
      this.port = port;
      this.connects.emit(port as unknown as Endpoint, e.data.reason);
    };
    this.win.addEventListener('message', onMessage);
    this.unsubscribe.push(() => this.win.removeEventListener('message', onMessage));
  }

  restart(reason: string): void {
    void this.api
      .invoke('engine:restart', { reason })
      .catch((e: unknown) => this.losses.emit(`restart failed: ${String(e)}`));
  }

  kill(): void {
    // A renderer cannot crash another renderer; the closest is dropping the port, which the
    // watchdog then reports like a hung engine. Electron e2e tests crash the window through main.
    this.port?.close();
  }

  dispose(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    this.port?.close();
    this.port = null;
    this.connects.clear();
    this.losses.clear();
  }
}

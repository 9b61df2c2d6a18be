/**
 * Electron: the engine in the hidden window (engine.html). Main hands the preload a
 * MessagePort; the preload forwards it with window.postMessage because ports cannot cross
 * contextBridge. A new port means a new dashboard page (a reload): it starts from scratch, so the
 * engine does too (a fresh host on the new port; the old session is disposed).
 */
import { ENGINE_PORT_MESSAGE } from '../../engine/protocol/index.js';
import type { Endpoint } from '../../engine/protocol/index.js';
import { bindEngine } from './bind.js';

let current: { port: MessagePort; stop: () => Promise<void> } | null = null;

window.addEventListener('message', (e: MessageEvent) => {
  const data = e.data as { type?: unknown } | null;
  if (e.source !== window || data?.type !== ENGINE_PORT_MESSAGE || e.ports.length !== 1) return;
  const port = e.ports[0]!;
  const previous = current;
  const host = bindEngine(port as unknown as Endpoint);
  current = { port, stop: () => host.dispose() };
  if (previous) {
    void previous.stop();
    previous.port.close();
  }
});

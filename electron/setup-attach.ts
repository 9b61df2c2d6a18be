/** Wires DesktopAttach to the real AttachServer, MessageChannelMain and the dashboard window. */
import { MessageChannelMain } from 'electron';
import type { App, BrowserWindow } from 'electron';
import { AttachServer } from '../engine/attach/node-attach-server.js';
import { DesktopAttach } from './desktop-attach.js';
import type { MainPortLike } from './desktop-attach.js';
import type { EngineSupervisor, WindowLike } from './engine-supervisor.js';

export function setupAttach(app: App, engine: EngineSupervisor, dashboard: () => BrowserWindow | null): DesktopAttach {
  const attach = new DesktopAttach({
    createServer: (options) => new AttachServer(options),
    createChannel: () => new MessageChannelMain() as unknown as { port1: MainPortLike; port2: MainPortLike },
    dashboard: () => dashboard() as unknown as WindowLike | null,
    // The dashboard needs a fresh local-engine port: the same path as after a reload.
    restoreLocalEngine: () => engine.dashboardDidLoad(),
    log: (m) => console.log(`[main] ${m}`),
  });
  app.on('before-quit', () => void attach.stop());
  void attach.start();
  return attach;
}

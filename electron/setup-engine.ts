/** Wires the EngineSupervisor to real windows, MessageChannelMain and the GPU process's fate. */
import { MessageChannelMain } from 'electron';
import type { App, BrowserWindow } from 'electron';
import { EngineSupervisor } from './engine-supervisor.js';
import type { WindowLike } from './engine-supervisor.js';
import type { AppPaths } from './paths.js';
import { createEngineWindow } from './setup-windows.js';

export function setupEngine(app: App, paths: AppPaths, dashboard: () => BrowserWindow | null): EngineSupervisor {
  const supervisor = new EngineSupervisor({
    createEngineWindow: () => createEngineWindow(paths) as unknown as WindowLike,
    dashboard: () => dashboard() as unknown as WindowLike | null,
    createChannel: () => new MessageChannelMain(),
    log: (m) => console.log(`[main] ${m}`),
  });
  app.on('child-process-gone', (_event, details) => {
    if (details.type === 'GPU' && details.reason !== 'clean-exit') supervisor.gpuProcessGone(details.reason);
  });
  app.on('before-quit', () => supervisor.stop());
  supervisor.start();
  return supervisor;
}

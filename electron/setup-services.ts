/** Registers the app services on ipcMain, each checked against the dashboard as sender. */
import { app, dialog, ipcMain } from 'electron';
import type { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { registerAppHandlers } from './ipc.js';
import { RecentFiles } from './recent-files.js';
import { createServices } from './services.js';
import { SessionDocument } from './session-document.js';
import { isTrustedSender } from './trust.js';
import type { AppOrigin } from './trust.js';

export function setupServices(
  origin: AppOrigin,
  dashboard: () => BrowserWindow | null,
  restartEngine: (reason: string) => void,
  attachAddress: () => string | null,
): { dispose: () => void; recent: RecentFiles; document: SessionDocument } {
  const recent = new RecentFiles(join(app.getPath('userData'), 'recent-files.json'));
  const documentsDir = (): string => app.getPath('documents');
  const document = new SessionDocument({ dialog, recent, window: dashboard, documentsDir });
  const handlers = createServices({
    dialog,
    recent,
    document,
    window: dashboard,
    restartEngine,
    attachAddress,
    documentsDir,
    info: () => ({
      version: app.getVersion(),
      platform: process.platform,
      versions: {
        electron: process.versions.electron ?? '',
        chrome: process.versions.chrome ?? '',
        node: process.versions.node,
      },
    }),
  });
  const dispose = registerAppHandlers(ipcMain, handlers, (event) =>
    isTrustedSender(event, dashboard()?.webContents.id ?? null, origin),
  );
  return { dispose, recent, document };
}

/**
 * Installs the application menu; its commands go to the dashboard as `menu:command`. File › Open
 * Recent is rebuilt whenever the recent list changes; its items are opened by main and handed to
 * the dashboard as `file:opened`.
 */
import { Menu, dialog } from 'electron';
import type { BrowserWindow } from 'electron';
import type { MenuCommand, OpenedFile, RecentFile } from './contract.js';
import { menuTemplate } from './menu.js';
import type { RecentFiles } from './recent-files.js';
import { openRecentFromMenu } from './services.js';
import type { SessionDocument } from './session-document.js';

export function setupMenu(
  dashboard: () => BrowserWindow | null,
  files: { readonly recent: RecentFiles; readonly document: SessionDocument },
): void {
  const live = (): BrowserWindow | null => {
    const win = dashboard();
    return win && !win.webContents.isDestroyed() ? win : null;
  };
  const send = (command: MenuCommand): void => live()?.webContents.send('menu:command', command);
  const notify = (file: OpenedFile): void => live()?.webContents.send('file:opened', file);
  const fail = (message: string): void => dialog.showErrorBox('Could not open the file', message);
  const build = (list: readonly RecentFile[]): void =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate(process.platform, send, undefined, {
          files: list,
          open: (path) => void openRecentFromMenu(files, path, notify, fail),
          clear: () => void files.recent.clear(),
        }),
      ),
    );
  build([]);
  files.recent.onChange(build);
  void files.recent.list().then(build);
}

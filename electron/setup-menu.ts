/** Installs the application menu; its commands go to the dashboard as `menu:command`. */
import { Menu } from 'electron';
import type { BrowserWindow } from 'electron';
import type { MenuCommand } from './contract.js';
import { menuTemplate } from './menu.js';

export function setupMenu(dashboard: () => BrowserWindow | null): void {
  const send = (command: MenuCommand): void => {
    const win = dashboard();
    if (win && !win.webContents.isDestroyed()) win.webContents.send('menu:command', command);
  };
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform, send)));
}

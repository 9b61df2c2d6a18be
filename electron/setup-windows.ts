/** Creating the two windows from the pure option functions, and loading their pages. */
import { BrowserWindow } from 'electron';
import type { AppPaths } from './paths.js';
import { dashboardWindowOptions, engineWindowOptions, pageLocation } from './windows.js';

function load(win: BrowserWindow, page: 'index' | 'engine', paths: AppPaths): void {
  void win
    .loadURL(pageLocation(page, paths.devServerUrl).url)
    .catch((e: unknown) => console.error(`[main] could not load ${page}.html`, e));
}

export function createDashboardWindow(paths: AppPaths): BrowserWindow {
  const win = new BrowserWindow(
    dashboardWindowOptions({
      dashboardPreload: paths.dashboardPreload,
      enginePreload: paths.enginePreload,
      icon: paths.icon,
    }),
  );
  win.once('ready-to-show', () => win.show());
  load(win, 'index', paths);
  return win;
}

export function createEngineWindow(paths: AppPaths): BrowserWindow {
  const win = new BrowserWindow(
    engineWindowOptions({ dashboardPreload: paths.dashboardPreload, enginePreload: paths.enginePreload }),
  );
  load(win, 'engine', paths);
  return win;
}

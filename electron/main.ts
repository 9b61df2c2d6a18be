/**
 * Electron main: composition only. Each feature lives in its own setup module; this file
 * decides the order. See docs/desktop.md for the process model.
 */
import type { BrowserWindow } from 'electron';
import { app, protocol, session } from 'electron';
import { registerAppScheme, serveAppProtocol } from './app-protocol.js';
import { setupGpu } from './gpu.js';
import { appPaths } from './paths.js';
import { setupSecurity } from './security.js';
import { setupAttach } from './setup-attach.js';
import { setupEngine } from './setup-engine.js';
import { setupMenu } from './setup-menu.js';
import { setupServices } from './setup-services.js';
import { createDashboardWindow } from './setup-windows.js';
import { appOrigin } from './trust.js';

const paths = appPaths(import.meta.dirname, process.env, app.isPackaged);
const origin = appOrigin(paths.rendererDir, paths.devServerUrl);
let dashboard: BrowserWindow | null = null;
const getDashboard = (): BrowserWindow | null => (dashboard && !dashboard.isDestroyed() ? dashboard : null);

if (!app.requestSingleInstanceLock()) app.quit();

setupGpu(app);
setupSecurity(app, origin, () => session.defaultSession);
// Before ready: the built pages come from app://backprop-lens/ with cross-origin isolation headers.
registerAppScheme(protocol);

void app.whenReady().then(() => {
  serveAppProtocol(protocol, paths.rendererDir);
  dashboard = createDashboardWindow(paths);
  const engine = setupEngine(app, paths, getDashboard);
  const attach = setupAttach(app, engine, getDashboard);
  // A reload while a PyTorch run is attached gets the attached run's port, else the local engine's.
  dashboard.webContents.on('did-finish-load', () => {
    if (!attach.dashboardDidLoad()) engine.dashboardDidLoad();
  });
  // The hidden engine window would keep the app alive: closing the dashboard quits.
  dashboard.on('closed', () => {
    dashboard = null;
    app.quit();
  });
  const files = setupServices(origin, getDashboard, (reason) => engine.restart(reason), () => attach.address);
  setupMenu(getDashboard, files);
});

app.on('second-instance', () => {
  const win = getDashboard();
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});

app.on('window-all-closed', () => app.quit());

/**
 * Window options as pure functions (unit-tested): both windows are sandboxed, context-isolated,
 * without Node integration, and load only our own pages. The engine window is never shown and
 * is not throttled in the background, so training keeps its speed while the dashboard has focus.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_BASE_URL } from './app-protocol.js';

export interface WindowPaths {
  /** Built preload scripts (CommonJS: sandboxed preloads cannot be ES modules). */
  readonly dashboardPreload: string;
  readonly enginePreload: string;
  readonly icon?: string;
}

const secure = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  // Middle-click (auxclick) could open links in new windows; switched off at the source.
  disableBlinkFeatures: 'Auxclick',
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const;

export function dashboardWindowOptions(paths: WindowPaths): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Backprop Lens',
    show: false, // shown on ready-to-show: no white flash
    backgroundColor: '#1e1e24',
    ...(paths.icon ? { icon: paths.icon } : {}),
    webPreferences: { ...secure, preload: paths.dashboardPreload },
  };
}

export function engineWindowOptions(paths: WindowPaths): BrowserWindowConstructorOptions {
  return {
    width: 400,
    height: 300,
    show: false,
    title: 'Backprop Lens engine',
    skipTaskbar: true,
    focusable: false,
    webPreferences: { ...secure, preload: paths.enginePreload, backgroundThrottling: false },
  };
}

/**
 * Where the renderer pages are: the dev server in `electron-vite dev`, else the built files served
 * on app://backprop-lens/ (app-protocol.ts: a file:// page cannot be cross-origin isolated).
 */
export function pageLocation(page: 'index' | 'engine', devServerUrl: string | undefined): { url: string } {
  if (devServerUrl)
    return { url: new URL(`${page}.html`, devServerUrl.endsWith('/') ? devServerUrl : `${devServerUrl}/`).toString() };
  return { url: `${APP_BASE_URL}${page}.html` };
}

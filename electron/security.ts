/**
 * Electron's security checklist, applied to every web contents the app creates: navigation
 * only within our pages, no new windows, no webviews, every permission request denied, and the
 * CSP also sent as a header for the dev server (the built pages carry it as a meta tag).
 */
import type { App, Session, WebContents } from 'electron';
import { isAppUrl } from './trust.js';
import type { AppOrigin } from './trust.js';
import { ISOLATION_HEADERS } from './app-protocol.js';
import { CSP } from './csp.js';

export { CSP } from './csp.js';

export function hardenWebContents(contents: WebContents, origin: AppOrigin): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, origin)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, origin)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function hardenSession(session: Session, origin: AppOrigin): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    // The dev server's pages: the CSP and cross-origin isolation (app:// pages get both from the
    // protocol handler, see app-protocol.ts).
    if (origin.devOrigin !== null && details.url.startsWith(origin.devOrigin)) {
      headers['Content-Security-Policy'] = [CSP];
      for (const [k, v] of Object.entries(ISOLATION_HEADERS)) headers[k] = [v];
    }
    callback({ responseHeaders: headers });
  });
}

export function setupSecurity(app: App, origin: AppOrigin, getSession: () => Session): void {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, origin));
  void app.whenReady().then(() => hardenSession(getSession(), origin));
}

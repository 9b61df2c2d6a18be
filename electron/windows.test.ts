import { describe, expect, it } from 'vitest';
import { dashboardWindowOptions, engineWindowOptions, pageLocation } from './windows.js';

const paths = { dashboardPreload: '/app/out/preload/dashboard.cjs', enginePreload: '/app/out/preload/engine.cjs' };

describe('window options', () => {
  for (const [name, opts] of [
    ['dashboard', dashboardWindowOptions(paths)],
    ['engine', engineWindowOptions(paths)],
  ] as const) {
    it(`${name}: isolated, sandboxed, no Node, no webviews`, () => {
      expect(opts.webPreferences).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        experimentalFeatures: false,
        disableBlinkFeatures: 'Auxclick',
      });
      expect(opts.webPreferences).not.toHaveProperty('enableBlinkFeatures');
    });
  }

  it('hides the engine window and keeps it running at full speed in the background', () => {
    const o = engineWindowOptions(paths);
    expect(o.show).toBe(false);
    expect(o.webPreferences?.backgroundThrottling).toBe(false);
    expect(o.webPreferences?.preload).toBe(paths.enginePreload);
    expect(o.skipTaskbar).toBe(true);
  });

  it('gives the dashboard its own preload and shows it only when ready', () => {
    const o = dashboardWindowOptions({ ...paths, icon: '/icon.png' });
    expect(o.webPreferences?.preload).toBe(paths.dashboardPreload);
    expect(o.show).toBe(false);
    expect(o.icon).toBe('/icon.png');
  });

  it('loads pages from the dev server in development and from files otherwise', () => {
    expect(pageLocation('index', 'http://localhost:5173')).toEqual({ url: 'http://localhost:5173/index.html' });
    // Built pages come from the app's own protocol (cross-origin isolation headers), never file://.
    expect(pageLocation('engine', undefined)).toEqual({ url: 'app://backprop-lens/engine.html' });
  });
});

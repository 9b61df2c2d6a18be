import { describe, expect, it } from 'vitest';
import { appPaths } from './paths.js';
import { appOrigin } from './trust.js';
import { pageLocation } from './windows.js';

describe('appPaths', () => {
  const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173' };

  it('uses the dev server URL of `electron-vite dev` when not packaged', () => {
    const paths = appPaths('/app/out/main', env, false);
    expect(paths.devServerUrl).toBe('http://localhost:5173');
    expect(pageLocation('index', paths.devServerUrl).url).toBe('http://localhost:5173/index.html');
  });

  it('ignores ELECTRON_RENDERER_URL in a packaged app: pages come from the app, the origin trusts nothing else', () => {
    const paths = appPaths('/app/out/main', { ELECTRON_RENDERER_URL: 'http://evil.example:8080' }, true);
    expect(paths.devServerUrl).toBeUndefined();
    expect(pageLocation('index', paths.devServerUrl).url).not.toContain('evil.example');
    expect(appOrigin(paths.rendererDir, paths.devServerUrl).devOrigin).toBeNull();
  });
});

/** Where the built pieces are, relative to the built main script (out/main/main.js). */
import { join } from 'node:path';

export interface AppPaths {
  readonly rendererDir: string;
  readonly dashboardPreload: string;
  readonly enginePreload: string;
  readonly icon: string;
  readonly devServerUrl: string | undefined;
}

/**
 * `packaged` is `app.isPackaged`: a packaged app never loads its pages from a URL in the
 * environment (anyone who can set a variable could otherwise point it at their own server).
 */
export function appPaths(mainDir: string, env: NodeJS.ProcessEnv, packaged: boolean): AppPaths {
  return {
    rendererDir: join(mainDir, '../renderer'),
    dashboardPreload: join(mainDir, '../preload/dashboard.cjs'),
    enginePreload: join(mainDir, '../preload/engine.cjs'),
    icon: join(mainDir, '../../assets/icons/png/512x512.png'),
    // Set by `electron-vite dev` only; never honoured in a packaged app.
    devServerUrl: packaged ? undefined : env.ELECTRON_RENDERER_URL,
  };
}

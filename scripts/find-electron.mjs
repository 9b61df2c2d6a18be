// Where the Electron binary is, or why there is none: for `npm start` (scripts/start.mjs) and the
// Electron e2e tests (e2e/fixtures/electron-app.ts). Never touches electron's index.js, which would
// try to download the binary.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron binary's path, or why there is none. Never triggers electron's on-demand download. */
export function findElectron(env = process.env) {
  const pkgDir = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkgDir, 'package.json')))
    return { reason: 'the electron package is not installed (run npm install)' };
  const pathFile = join(pkgDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(env.ELECTRON_OVERRIDE_DIST_PATH, rel ?? 'electron');
    return existsSync(p) ? { path: p } : { reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${p} does not exist` };
  }
  if (!rel)
    return {
      reason:
        'the Electron binary was never downloaded (node_modules/electron/path.txt is missing; on a machine with internet access run `npx install-electron`)',
    };
  const bin = join(pkgDir, 'dist', rel);
  return existsSync(bin) ? { path: bin } : { reason: `the Electron binary is missing (${bin})` };
}

#!/usr/bin/env node
// `npm start`: build and launch the Electron app. Where Electron cannot start (no binary, no
// display, or it exits at once) say why and serve web mode instead, printing its URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectron } from './find-electron.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';


function noDisplay(env = process.env) {
  return process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY
    ? 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)'
    : null;
}

function serveWeb(reason) {
  console.log(`\nBackprop Lens: Electron cannot start here: ${reason}.`);
  console.log(
    'Serving web mode instead (the same dashboard, the engine in a Web Worker). Open the URL below in Chrome or Edge.\n',
  );
  const child = spawn(npm, ['run', 'web'], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

/**
 * electron ≥ 42 downloads its binary on first use rather than at `npm install`: do that here, once,
 * so `npm install && npm start` works on a fresh machine. Offline it fails quickly and we fall back.
 */
function downloadElectron(env = process.env) {
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) return 'ELECTRON_SKIP_BINARY_DOWNLOAD is set';
  console.log('Backprop Lens: downloading the Electron binary (first start only)…');
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'pipe'],
    timeout: 300_000,
  });
  if (r.status === 0) return null;
  // The first line that is not a stack frame is the error itself (e.g. "TypeError: fetch failed").
  const lines = (r.stderr?.toString() ?? '').split('\n').map((l) => l.trim());
  const why = lines.find((l) => l && !l.startsWith('at ')) || (r.error?.message ?? `exit ${r.status}`);
  return `downloading it failed (${why.slice(0, 200)})`;
}

function main() {
  let electron = findElectron();
  if (!electron.path && existsSync(join(root, 'node_modules', 'electron', 'install.js'))) {
    const failed = downloadElectron();
    electron = failed ? { reason: `${electron.reason}; ${failed}` } : findElectron();
  }
  if (!electron.path) return serveWeb(electron.reason);
  const display = noDisplay();
  if (display) return serveWeb(display);
  const build = spawnSync(npx, ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const started = Date.now();
  let stderrTail = '';
  const child = spawn(electron.path, ['.'], { cwd: root, stdio: ['inherit', 'inherit', 'pipe'] });
  child.stderr.on('data', (d) => {
    process.stderr.write(d);
    stderrTail = (stderrTail + d.toString()).slice(-2000);
  });
  child.on('error', (e) => serveWeb(`launching ${electron.path} failed: ${e.message}`));
  child.on('exit', (code, signal) => {
    // An exit within seconds with an error is a failed start (missing libraries, sandbox, GPU); fall back.
    if ((code !== 0 || signal) && Date.now() - started < 10_000) {
      const last = stderrTail.trim().split('\n').slice(-3).join(' | ');
      return serveWeb(`Electron exited at once (${signal ?? `code ${code}`})${last ? `: ${last}` : ''}`);
    }
    process.exit(code ?? 0);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();

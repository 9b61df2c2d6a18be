/**
 * Attach mode in the desktop app: main listens for a PyTorch run (loopback, a token per app
 * start); Run › Attach a PyTorch Run… shows the BACKPROP_LENS_ATTACH line; a real PyTorch loop
 * (Debian's python3-torch) attached to it shows its heatmaps and badge, Pause holds it, and when it
 * ends the dashboard is back on the local engine. Runs where an Electron binary and torch exist;
 * elsewhere every test is skipped with the reason printed.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { expect, test } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';
import { appRoot, electronBinary, launchBuiltApp } from '../fixtures/electron-app.js';

const binary = electronBinary();
const torchMissing = spawnSync('/usr/bin/python3', ['-c', 'import torch']).status !== 0;
const skipReason =
  'reason' in binary
    ? binary.reason
    : torchMissing
      ? '/usr/bin/python3 cannot import torch (apt-get install python3-torch)'
      : null;
if (skipReason) console.log(`[e2e/electron/attach] skipped: ${skipReason}`);
test.skip(skipReason !== null, skipReason ?? '');

let app: ElectronApplication;
let page: Page;
let py: ChildProcess | null = null;

test.beforeAll(async () => {
  if (skipReason || 'reason' in binary) return;
  ({ app, page } = await launchBuiltApp(binary.path));
});

test.afterAll(async () => {
  if (py && py.exitCode === null) py.kill('SIGKILL');
  await app?.close();
});

test('the menu shows the attach line; an attached PyTorch run replaces the local engine until it ends', async () => {
  // Run › Attach a PyTorch Run… (the menu item sends show-attach, as a click would).
  await app.evaluate(({ BrowserWindow }) => {
    const dash = BrowserWindow.getAllWindows().find((w) => !w.getTitle().includes('engine'));
    dash?.webContents.send('menu:command', 'show-attach');
  });
  const line = page.locator('[data-test=desktop-attach-line]');
  await expect(line).toHaveText(/^BACKPROP_LENS_ATTACH=tcp:\/\/127\.0\.0\.1:\d+\?token=[0-9a-f]{32}$/);
  await expect(page.locator('[data-test=copy-attach]')).toBeVisible();
  const address = (await line.textContent())!.replace('BACKPROP_LENS_ATTACH=', '');

  let out = '';
  py = spawn(
    '/usr/bin/python3',
    ['engine/attach/fixtures/attached_training.py', '--steps', '100000', '--sleep', '0.02'],
    { cwd: appRoot, env: { ...process.env, BACKPROP_LENS_ATTACH: address, PYTHONPATH: `${appRoot}/python` } },
  );
  py.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  py.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  await expect.poll(() => out, { timeout: 30_000 }).toContain('attached True');
  await expect(page.locator('[data-test=attached-badge]')).toHaveText(`attached to PID ${py.pid} on ${hostname()}`);
  // A port handoff, not an engine restart: no error, and the local session is not replayed into the run.
  await expect(page.getByText('The engine restarted')).toHaveCount(0);
  await expect(page.getByText('is not available for an attached run')).toHaveCount(0);
  await page.click('[data-tab=layers]');
  for (const label of ['W_0', 'G_0'])
    await expect(page.locator(`canvas[aria-label^="${label} heatmap"]`)).toBeVisible();

  await page.click('[data-test=pause]');
  await expect(page.locator('[data-test=run-state]')).toHaveText('paused');
  const steps = (): number => (out.match(/^step \d+/gm) ?? []).length;
  await page.waitForTimeout(500);
  const held = steps();
  await page.waitForTimeout(1000);
  expect(steps()).toBe(held);

  // The run ends: the dashboard is back on the app's own engine.
  py.kill('SIGKILL');
  await expect(page.locator('[data-test=attached-badge]')).toHaveCount(0, { timeout: 15_000 });
  await expect(page.locator('[data-test=desktop-attach]')).toBeVisible();
});

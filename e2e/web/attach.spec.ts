/**
 * Attach mode in web mode: `backprop-lens serve` (dashboard + attach socket) with a real PyTorch
 * loop (Debian's python3-torch) attached; the dashboard shows the run's heatmaps with the
 * "attached to PID … on host" badge, and Pause / Run act on the user's loop. Skipped, with the
 * reason, where /usr/bin/python3 has no torch. The web build comes from the config's webServer.
 */
import { expect, test } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const torchMissing = spawnSync('/usr/bin/python3', ['-c', 'import torch']).status !== 0;
const children: ChildProcess[] = [];

test.afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function start(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; out: () => string } {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env } });
  children.push(child);
  let text = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (text += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (text += d));
  return { child, out: () => text };
}

test('an attached PyTorch run shows its heatmaps, badge and acts on Pause/Run', async ({ page }) => {
  test.skip(torchMissing, '/usr/bin/python3 cannot import torch (apt-get install python3-torch)');
  const serve = start(process.execPath, ['bin/backprop-lens.js', 'serve', '--rate', '10']);
  await expect.poll(() => /dashboard: (\S+)/.exec(serve.out())?.[1] ?? null, { timeout: 60_000 }).not.toBeNull();
  const address = /BACKPROP_LENS_ATTACH=(\S+)/.exec(serve.out())![1]!;
  const url = /dashboard: (\S+)/.exec(serve.out())![1]!;
  // Before any run: the page shows the line to give the script, with a copy button.
  await page.goto(url);
  await expect(page.locator('[data-test=attach-address] code')).toHaveText(`BACKPROP_LENS_ATTACH=${address}`);
  await expect(page.locator('[data-test=copy-attach]')).toBeVisible();
  // No engine of its own on this page: nothing to load, so nothing refused either.
  await expect(page.getByText('is not available for an attached run')).toHaveCount(0);

  const py = start(
    '/usr/bin/python3',
    ['engine/attach/fixtures/attached_training.py', '--steps', '100000', '--sleep', '0.02'],
    { BACKPROP_LENS_ATTACH: address, PYTHONPATH: `${root}python` },
  );
  await expect.poll(() => py.out(), { timeout: 30_000 }).toContain('attached True');
  await expect(page.locator('[data-test=attached-badge]')).toHaveText(
    `attached to PID ${py.child.pid} on ${(await import('node:os')).hostname()}`,
  );
  await expect(page.locator('[data-test=attach-address]')).toHaveCount(0);
  await page.click('[data-tab=layers]');
  for (const label of ['W_0', 'G_0', 'A_1', '∂L/∂W_1'])
    await expect(page.locator(`canvas[aria-label^="${label} heatmap"]`)).toBeVisible();
  await page.screenshot({ path: 'test-results/attach/layers.png' });
  await expect(page.getByText('is not available for an attached run')).toHaveCount(0);

  // Pause holds the user's loop inside lens.step: its step lines stop.
  await page.click('[data-test=pause]');
  await expect(page.locator('[data-test=run-state]')).toHaveText('paused');
  await page.waitForTimeout(500);
  const steps = (): number => (py.out().match(/^step \d+/gm) ?? []).length;
  const held = steps();
  await page.waitForTimeout(1000);
  expect(steps()).toBe(held);
  await page.click('[data-test=run]');
  await expect(page.locator('[data-test=run-state]')).toHaveText('running');
  await expect.poll(steps, { timeout: 10_000 }).toBeGreaterThan(held + 5);
});

test('a model of other modules: the per-module table (NaN counted and highlighted), its gradient flow, and a module’s tensors on request', async ({ page }) => {
  test.skip(torchMissing, '/usr/bin/python3 cannot import torch (apt-get install python3-torch)');
  const serve = start(process.execPath, ['bin/backprop-lens.js', 'serve', '--rate', '10']);
  await expect.poll(() => /dashboard: (\S+)/.exec(serve.out())?.[1] ?? null, { timeout: 60_000 }).not.toBeNull();
  const address = /BACKPROP_LENS_ATTACH=(\S+)/.exec(serve.out())![1]!;
  await page.goto(/dashboard: (\S+)/.exec(serve.out())![1]!);
  // Sequential(Linear, Tanh, Dropout, Linear): Dropout does not map onto layers, so modules are sent.
  const py = start(
    '/usr/bin/python3',
    ['engine/attach/fixtures/attached_training.py', '--modules', '--steps', '100000', '--sleep', '0.02', '--nan-at', '40'],
    { BACKPROP_LENS_ATTACH: address, PYTHONPATH: `${root}python` },
  );
  await expect.poll(() => py.out(), { timeout: 30_000 }).toContain('attached True');
  await page.click('[data-tab=layers]');
  const table = page.locator('[data-test=module-stats]');
  await expect(table.locator('tr[data-module]')).toHaveCount(4);
  await expect(table.locator('tr[data-module="1"] td').nth(1)).toHaveText('Tanh');
  await expect(page.locator('canvas[aria-label^="module gradient norm (log10) heatmap"]')).toBeVisible();

  // Step 40 has a NaN in its batch: the dashboard's default NaN/Inf breakpoint holds the loop there,
  // and module 0's NaN outputs are counted and its row highlighted, not hidden.
  await expect(page.locator('[data-test=run-state]')).toHaveText('paused', { timeout: 30_000 });
  await expect(table.locator('tr[data-module="0"][data-bad]')).toBeVisible();
  expect(Number(await table.locator('tr[data-module="0"] [data-test=out-nonfinite]').textContent())).toBeGreaterThan(0);

  // Full tensors of module 0 (Linear(4, 8)) on request, for the held step: output, weight, weight.grad, bias, bias.grad.
  await table.locator('tr[data-module="0"] [data-test=watch-module]').click();
  for (const label of ['output', 'weight', 'weight.grad', 'bias', 'bias.grad'])
    await expect(page.locator(`canvas[aria-label^="0 ${label} heatmap"]`)).toBeVisible({ timeout: 15_000 });
  await expect(page.locator('figure[data-tensor=weight] > figcaption')).toContainText('8 × 4');
  await page.screenshot({ path: 'test-results/attach/modules.png' });
  await expect(page.getByText('is not available for an attached run')).toHaveCount(0);
});

/**
 * The same flows as e2e/web/engine.spec.ts, in the Electron app: the engine in the hidden window,
 * the port handed over by main, recovery driven by main when the engine window's renderer dies.
 * Runs where an Electron binary exists; elsewhere every test is skipped with the reason printed.
 */
import { expect, test } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';
import { electronBinary, launchBuiltApp } from '../fixtures/electron-app.js';
import { events, postRaw, recordEvents, request, SMALL_CONFIG, SMALL_DATASET } from '../fixtures/engine.js';

const binary = electronBinary();
if ('reason' in binary) console.log(`[e2e/electron] skipped: ${binary.reason}`);
test.skip('reason' in binary, 'reason' in binary ? binary.reason : '');

let app: ElectronApplication;
let page: Page;

test.beforeAll(async () => {
  if ('reason' in binary) return;
  ({ app, page } = await launchBuiltApp(binary.path));
  await recordEvents(page);
});

test.afterAll(async () => {
  await app?.close();
});

test('the engine in the hidden window reports its backend', async () => {
  const ready = await request<{ backend: { name: string; fallbackReason: string | null } }>(page, { type: 'hello' });
  console.log(`electron engine backend: ${JSON.stringify(ready.backend)}`);
  expect(['webgpu-f32', 'cpu-f64', 'cpu-f32']).toContain(ready.backend.name);
  const hidden = await app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows().map((w) => ({ title: w.getTitle(), visible: w.isVisible() })),
  );
  expect(hidden.find((w) => w.title.includes('engine'))?.visible).toBe(false);
});

test('both windows are served from app:// and cross-origin isolated (cpu-f32 threads)', async () => {
  expect(page.url()).toMatch(/^app:\/\/backprop-lens\/index\.html/);
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  const engineIsolated = await app.evaluate(async ({ BrowserWindow }) => {
    const w = BrowserWindow.getAllWindows().find((x) => x.getTitle().includes('engine'));
    return w ? ((await w.webContents.executeJavaScript('globalThis.crossOriginIsolated')) as boolean) : null;
  });
  expect(engineIsolated).toBe(true);
});

test('a short training run streams frames', async () => {
  await request(page, SMALL_DATASET);
  await request(page, SMALL_CONFIG);
  await request(page, { type: 'start', maxSteps: 40 });
  await expect
    .poll(async () => (await events(page, 'state')).some((s) => s.reason === 'max-steps'), { timeout: 60_000 })
    .toBe(true);
  expect((await events(page, 'frame')).at(-1)!.step).toBe(40);
});

test('a malformed message is rejected with an error event', async () => {
  await postRaw(page, { v: 1, type: 'start', id: 99, maxSteps: -5 });
  await expect
    .poll(async () => (await events(page, 'error')).some((e) => e.replyTo === 99 && e.code === 'invalid-message'))
    .toBe(true);
});

test('main restarts a crashed engine window and training resumes', async () => {
  await request(page, { type: 'start' });
  await expect.poll(async () => (await events(page, 'checkpoint')).length, { timeout: 60_000 }).toBeGreaterThan(1);
  const before = Math.max(...(await events(page, 'checkpoint')).map((c) => (c.checkpoint as { step: number }).step));
  await app.evaluate(({ BrowserWindow }) => {
    const engine = BrowserWindow.getAllWindows().find((w) => w.getTitle().includes('engine'));
    engine?.webContents.forcefullyCrashRenderer();
  });
  await expect
    .poll(async () => (await events(page, 'state')).some((s) => s.reason === 'restored'), { timeout: 60_000 })
    .toBe(true);
  await expect
    .poll(async () => Math.max(0, ...(await events(page, 'frame')).map((f) => f.step as number)), { timeout: 60_000 })
    .toBeGreaterThan(before);
});

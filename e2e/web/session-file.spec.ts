/**
 * Session files in web mode: train a little, Save session (a .bplens download), reload the page
 * (a fresh engine), Open the file, and find the same Layers view: the same step, the same W_0 and
 * G_0 heatmaps pixel for pixel, the same weights in the engine; then training continues.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { engineMatrix, heatmapPixels, trainXorByHand } from './dashboard-kit.js';

const heatmapRgba = async (page: Page, label: string): Promise<number[]> => (await heatmapPixels(page, label)).rgba;
const engineW0 = async (page: Page): Promise<number[]> => (await engineMatrix(page, 'W', 0)).data;

async function open(page: Page): Promise<void> {
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto('/');
  await expect(page.locator('[data-test=backend] .dot.on')).toBeVisible({ timeout: 60_000 });
}

async function stepText(page: Page): Promise<string> {
  return (await page.locator('[data-test=status-step]').textContent()) ?? '';
}

test('save → reload → open gives back the same Layers view, and training continues', async ({ page }) => {
  await open(page);
  await trainXorByHand(page, 5);
  const before = { W: await heatmapRgba(page, 'W_0'), G: await heatmapRgba(page, 'G_0'), engine: await engineW0(page) };

  await page.click('[data-tab=export]');
  await page.fill('[data-test=session-notes]', 'xor after five steps');
  const download = page.waitForEvent('download');
  await page.click('[data-test=save-session]');
  const file = await (await download).path();
  expect((await (await download).suggestedFilename()).endsWith('.bplens')).toBe(true);

  await page.reload();
  await expect(page.locator('[data-test=backend] .dot.on')).toBeVisible({ timeout: 60_000 });
  await page.click('[data-tab=export]');
  await page.setInputFiles('[data-test=open-session-input]', file);
  await expect(page.locator('[data-test=session-opened]')).toContainText('at step 5');
  await expect(page.locator('[data-test=session-notes]')).toHaveValue('xor after five steps');
  await expect.poll(() => stepText(page)).toMatch(/step 5 ·/);

  await page.click('[data-tab=layers]');
  await page.waitForTimeout(1500);
  expect(await engineW0(page)).toEqual(before.engine);
  expect(await heatmapRgba(page, 'W_0')).toEqual(before.W);
  expect(await heatmapRgba(page, 'G_0')).toEqual(before.G);

  await page.click('[data-tab=train]');
  await page.keyboard.press('F10');
  await expect.poll(() => stepText(page)).toMatch(/step 6 ·/);
});

test('web: Save downloads <dataset>-step<N>.bplens, the title follows the file, a .bplens dropped anywhere opens it', async ({
  page,
}) => {
  await open(page);
  await page.click('[data-tab=data]');
  await page.selectOption('[data-test=builtin-select]', 'xor');
  await page.click('[data-test=load-builtin]');
  await page.click('[data-tab=model]');
  await page.click('[data-test=apply-model]');
  await expect(page.locator('[data-test=run-state]')).toHaveText(/idle|paused/);
  await page.click('[data-tab=train]');
  for (let k = 0; k < 3; k++) await page.keyboard.press('F10');
  await expect.poll(() => stepText(page)).toMatch(/step 3 ·/);
  await expect(page).toHaveTitle('● Untitled session — Backprop Lens');

  await page.click('[data-tab=export]');
  const download = page.waitForEvent('download');
  await page.click('[data-test=save-session]');
  expect((await download).suggestedFilename()).toBe('xor-step3.bplens');
  await expect(page).toHaveTitle('xor-step3.bplens — Backprop Lens');
  const bytes = Array.from(readFileSync((await (await download).path())!));

  await page.reload();
  await expect(page.locator('[data-test=backend] .dot.on')).toBeVisible({ timeout: 60_000 });
  await expect(page).toHaveTitle('Untitled session — Backprop Lens');
  await page.click('[data-tab=train]');
  await page.evaluate((b) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(b)], 'dropped.bplens'));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await expect.poll(() => stepText(page), { timeout: 30_000 }).toMatch(/step 3 ·/);
  await expect(page).toHaveTitle('dropped.bplens — Backprop Lens');
});

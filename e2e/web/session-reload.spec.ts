/**
 * A reload in web mode restores the session: train a little on a data set other than the
 * first-minute one, go to the Layers view, reload the page (a fresh engine), and without a click
 * find the same data set, step, tab and W_0 heatmap (pixel for pixel, and the same weights in the
 * engine), with a note that says where the session came from.
 */
import { expect, test, type Page } from '@playwright/test';
import { engineMatrix, heatmapPixels, trainXorByHand } from './dashboard-kit.js';

const heatmapRgba = async (page: Page, label: string): Promise<number[]> => (await heatmapPixels(page, label)).rgba;
const engineW0 = async (page: Page): Promise<number[]> => (await engineMatrix(page, 'W', 0)).data;

async function stepText(page: Page): Promise<string> {
  return (await page.locator('[data-test=status-step]').textContent()) ?? '';
}

/** The step the autosave in IndexedDB holds (null while there is none). */
async function autosavedStep(page: Page): Promise<number | null> {
  return page.evaluate(
    () =>
      new Promise<number | null>((resolve, reject) => {
        const req = indexedDB.open('backprop-lens', 1);
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const get = req.result.transaction('autosave', 'readonly').objectStore('autosave').get('session');
          get.onsuccess = () => resolve((get.result as { step: number } | undefined)?.step ?? null);
          get.onerror = () => reject(get.error);
        };
      }),
  );
}

test('reload restores data, model, step, history and the Layers tab without a click', async ({ page }) => {
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto('/');
  await expect(page.locator('[data-test=backend] .dot.on')).toBeVisible({ timeout: 60_000 });

  await trainXorByHand(page, 4);
  const before = { W: await heatmapRgba(page, 'W_0'), engine: await engineW0(page), loss: await page.locator('[data-test=loss]').textContent() };
  // Each step by hand and the tab switch were saved at once: nothing waits for the 30 s timer.
  await expect.poll(() => autosavedStep(page)).toBe(4);

  await page.reload();
  await expect(page.locator('[data-test=backend] .dot.on')).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => stepText(page), { timeout: 30_000 }).toMatch(/step 4 ·/);
  await expect(page.locator('[data-tab=layers]')).toHaveClass(/active/);
  await expect(page.locator('[data-test=notice]')).toContainText('Restored the session from');
  await expect(page.locator('[data-test=autosave-offer]')).toHaveCount(0);
  await page.waitForTimeout(1500);
  expect(await engineW0(page)).toEqual(before.engine);
  expect(await heatmapRgba(page, 'W_0')).toEqual(before.W);
  await expect(page.locator('[data-test=loss]')).toHaveText(before.loss ?? '');
  await expect(page.locator('[data-test=run-state]')).toHaveText(/paused/);

  // The same data set and model (not the first-minute Circles example), and training continues.
  await page.click('[data-tab=data]');
  await expect(page.locator('[data-test=dataset-summary]')).toContainText('xor');
  await page.click('[data-tab=model]');
  await expect(page.locator('[data-test=optimizer]')).toHaveValue('adam');
  await page.click('[data-tab=train]');
  await page.keyboard.press('F10');
  await expect.poll(() => stepText(page)).toMatch(/step 5 ·/);
});

test('?start=empty gives a bare start even with an autosave', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('[data-test=backend] .dot.on')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('[data-test=run-state]')).toHaveText(/idle/, { timeout: 60_000 }); // the first-minute example
  await expect.poll(() => autosavedStep(page)).toBe(0);
  await page.goto('/?start=empty');
  await expect(page.locator('[data-test=backend] .dot.on')).toBeVisible({ timeout: 60_000 });
  await page.waitForTimeout(1000);
  await expect(page.locator('[data-test=run-state]')).toHaveText('no data');
});

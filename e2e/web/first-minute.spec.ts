/**
 * The first minute, as a newcomer meets it: the app opens on a ready-to-run network (Circles)
 * with Run, the decision boundary, the loss curve and the layer heatmaps on one screen; one click
 * trains at a speed a person can watch and the boundary visibly forms; the debugger keys work on
 * a focused checkbox or slider; Space says why when it cannot act; a file dropped on any view opens
 * in the Data view. Screenshots go to test-results/first-minute/.
 *
 *   BACKPROP_LENS_PORT=4187 npx playwright test e2e/web/first-minute.spec.ts
 */
import { expect, test, type Page } from '@playwright/test';

const SHOTS = 'test-results/first-minute';

async function open(page: Page, path = '/'): Promise<void> {
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(path);
  await expect(page.locator('[data-test=backend] .dot.on')).toBeVisible({ timeout: 60_000 });
}

/** The boundary canvas's pixels, as a coarse grey-level signature (one value per 8×8 block). */
async function boundarySignature(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas[data-chart=boundary]')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const out: number[] = [];
    for (let y = 0; y < c.height; y += 8) for (let x = 0; x < c.width; x += 8) {
      const k = 4 * (y * c.width + x);
      out.push(d[k]! - d[k + 2]!); // red minus blue: which class the plot shades there
    }
    return out;
  });
}
const changed = (a: number[], b: number[]) => a.filter((v, k) => Math.abs(v - b[k]!) > 30).length / a.length;

test('opening the app shows a ready-to-run network; one click visibly trains the boundary at a watchable speed', async ({ page }) => {
  await open(page);
  await expect(page.locator('[data-tab=train]')).toHaveClass(/active/);
  await expect(page.locator('[data-test=run-state]')).toHaveText(/idle/, { timeout: 60_000 });
  await expect(page.locator('[data-test=run]')).toBeVisible();
  await expect(page.locator('[data-test=first-hint]')).toBeVisible();
  await expect(page.locator('canvas[data-chart=boundary]')).toBeVisible();
  await expect(page.locator('[data-test=layer-maps] canvas').first()).toBeVisible();
  // Everything on one screen: Run, boundary and the layer heatmaps are within the 1400×900 window.
  for (const sel of ['[data-test=run]', 'canvas[data-chart=boundary]', '[data-test=layer-maps]']) {
    const box = (await page.locator(sel).first().boundingBox())!;
    expect(box.y + Math.min(box.height, 40), sel).toBeLessThan(900);
  }
  await expect(page.locator('[data-test=speed]')).toBeVisible();
  await expect(page.locator('.speed .mono')).toHaveText('30/s');
  await page.screenshot({ path: `${SHOTS}/01-first-screen.png` });
  await page.waitForTimeout(1500);
  const before = await boundarySignature(page);

  await page.click('[data-test=run]');
  await expect(page.locator('[data-test=run-state]')).toHaveText(/running/i);
  await expect(page.locator('[data-test=first-hint]')).toHaveCount(0);
  await page.waitForTimeout(2500);
  const stepEarly = Number(/step (\d+)/.exec((await page.locator('[data-test=status-step]').textContent()) ?? '')?.[1]);
  // Watchable: about 30 steps a second, not thousands.
  expect(stepEarly).toBeGreaterThan(10);
  expect(stepEarly).toBeLessThan(200);
  await page.screenshot({ path: `${SHOTS}/02-forming.png` });
  await page.waitForTimeout(7000);
  const after = await boundarySignature(page);
  expect(changed(before, after), 'the boundary visibly changed').toBeGreaterThan(0.1);
  await expect(page.locator('.loss-chart, [data-chart=loss]').first()).toBeVisible();
  // Classification metrics live: accuracy, a confusion matrix whose cells list their samples.
  await expect(page.locator('[data-test=class-metrics]')).toBeVisible();
  await expect.poll(async () => parseFloat((await page.locator('[data-test=train-accuracy]').textContent()) ?? '0'), { timeout: 30_000 }).toBeGreaterThan(80);
  // Everything still on one screen with the metrics shown.
  for (const sel of ['[data-test=pause]', 'canvas[data-chart=boundary]', '[data-test=layer-maps]', '[data-test=class-metrics]']) {
    const box = (await page.locator(sel).first().boundingBox())!;
    expect(box.y + Math.min(box.height, 60), sel).toBeLessThan(900);
  }
  await page.screenshot({ path: `${SHOTS}/03-learnt.png` });
  await page.click('[data-test=confusion] td[data-cell="0-0"]');
  await expect(page.locator('[data-test=confusion-examples]')).toContainText('predicted as');
  await expect(page.locator('[data-test=confusion-examples] .mono').first()).toContainText(/row \d+/);

  // "max" is one click away, and the choice is remembered across launches.
  await page.locator('[data-test=speed]').fill('6');
  await expect(page.locator('.speed .mono')).toHaveText('max');
  await page.keyboard.press('Space');
  await expect(page.locator('[data-test=run-state]')).toHaveText(/paused/i);
  await page.reload();
  // The reload restores the paused session (the autosave), not a new first-minute example.
  await expect(page.locator('[data-test=run-state]')).toHaveText(/paused/i, { timeout: 60_000 });
  await expect(page.locator('.speed .mono')).toHaveText('max');
  await expect(page.locator('[data-test=first-hint]')).toHaveCount(0);
});

test('the debugger keys work on a focused checkbox and slider; Space says why when it cannot act', async ({ page }) => {
  await open(page, '/?start=empty');
  await page.click('[data-tab=train]');
  await page.keyboard.press('Space');
  await expect(page.locator('[data-test=notice]')).toContainText('Nothing to run yet');
  await expect(page.locator('[data-test=run-state]')).toHaveText('no data');

  await page.click('[data-tab=data]');
  await page.click('[data-test=load-builtin]');
  await expect(page.locator('[data-test=dataset-summary]')).toBeVisible();
  await expect(page.locator('[data-test=run-state]')).toHaveText('no model');
  await page.click('[data-tab=model]');
  await page.click('[data-test=apply-model]');
  await expect(page.locator('[data-test=run-state]')).toHaveText(/idle/);

  await page.click('[data-tab=layers]');
  const box = page.locator('.layers-view .controls input[type=checkbox]').first();
  await box.focus();
  const checked = await box.isChecked();
  await page.keyboard.press('F10');
  await expect(page.locator('[data-test=status-step]')).toContainText('step 1');
  await page.keyboard.press('Space');
  await expect(page.locator('[data-test=run-state]')).toHaveText(/running/i);
  expect(await box.isChecked(), 'Space ran training instead of toggling the checkbox').toBe(checked);
  await page.locator('[data-test=speed]').focus();
  await page.keyboard.press('Space');
  await expect(page.locator('[data-test=run-state]')).toHaveText(/paused/i);
  // Typing in a text field still types.
  await page.click('[data-tab=model]');
  await page.locator('[data-test=lr]').focus();
  await page.keyboard.press('Space');
  await expect(page.locator('[data-test=run-state]')).toHaveText(/paused/i);
});

test('a file dropped on any view opens in the Data view; the browser never navigates to it', async ({ page }) => {
  await open(page);
  await expect(page.locator('[data-test=run-state]')).toHaveText(/idle/, { timeout: 60_000 });
  await page.click('[data-tab=layers]');
  const url = page.url();
  const dt = await page.evaluateHandle(() => {
    const d = new DataTransfer();
    d.items.add(new File(['x1,x2,label\n0.1,0.2,0\n0.3,0.1,1\n0.5,0.9,0\n0.7,0.4,1\n'], 'dropped.csv', { type: 'text/csv' }));
    return d;
  });
  await page.dispatchEvent('.content', 'dragenter', { dataTransfer: dt });
  await page.dispatchEvent('.content', 'dragover', { dataTransfer: dt });
  await expect(page.locator('[data-test=drop-overlay]')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/04-drop-overlay.png` });
  await page.dispatchEvent('.content', 'drop', { dataTransfer: dt });
  await expect(page.locator('[data-test=drop-overlay]')).toHaveCount(0);
  await expect(page.locator('[data-tab=data]')).toHaveClass(/active/);
  await expect(page.locator('.data-view')).toContainText('dropped.csv');
  expect(page.url()).toBe(url);
});

test('invalid numeric fields are refused in the form, in plain words', async ({ page }) => {
  await open(page);
  await expect(page.locator('[data-test=run-state]')).toHaveText(/idle/, { timeout: 60_000 });
  await page.click('[data-tab=model]');
  await page.fill('[data-test=batch]', 'abc');
  await page.locator('[data-test=batch]').press('Tab');
  await expect(page.locator('[data-test=batch-problem]')).toContainText('Batch size "abc" is not a number');
  await page.fill('[data-test=units-0]', '');
  await expect(page.locator('[data-test=model-problem]')).toHaveText("Hidden layer 1's units must be a number.");
  await page.fill('[data-test=units-0]', '8');
  await page.fill('[data-test=batch]', '16');
  await page.locator('[data-test=batch]').press('Tab');
  await expect(page.locator('[data-test=batch-problem]')).toHaveCount(0);
  await expect(page.locator('[data-test=model-problem]')).toHaveCount(0);
});

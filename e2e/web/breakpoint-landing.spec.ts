/**
 * The breakpoint landing tells the truth: the card names the step and op that fired and shows the
 * fired matrix's statistics at that moment (the compared number equals the message's), the marked
 * heatmap is outlined and scrolled into view; time travel to a past step hides the live hit and
 * its marks and says which step is shown. Screenshots go to test-results/breakpoint-landing/.
 *
 *   BACKPROP_LENS_PORT=4187 npx playwright test e2e/web/breakpoint-landing.spec.ts
 */
import { expect, test, type Page } from '@playwright/test';

const SHOTS = 'test-results/breakpoint-landing';

async function open(page: Page): Promise<void> {
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto('/?start=empty');
  await expect(page.locator('[data-test=backend] .dot.on')).toBeVisible({ timeout: 60_000 });
}

test('an exploding-gradient hit: card and banner agree, marks in view, hidden during time travel', async ({ page }) => {
  await open(page);
  await page.click('[data-tab=data]');
  await page.selectOption('[data-test=builtin-select]', 'plane');
  await page.click('[data-test=load-builtin]');
  await expect(page.locator('[data-test=dataset-summary]')).toContainText('plane');
  await page.click('[data-tab=model]');
  // Three hidden layers: the layer that fires is far down the Layers view.
  while ((await page.locator('[data-test^=units-]').count()) < 3) await page.click('[data-test=add-layer]');
  for (let i = 0; i < 3; i++) {
    await page.fill(`[data-test=units-${i}]`, '8');
    await page.selectOption(`[data-test=act-${i}]`, 'relu');
  }
  await page.selectOption('[data-test=act-out]', 'identity');
  await page.selectOption('[data-test=loss]', 'mse');
  await page.fill('[data-test=lr]', '3');
  await page.click('[data-test=apply-model]');
  await expect(page.locator('[data-test=run-state]')).toHaveText(/idle/);
  await page.click('[data-tab=breakpoints]');
  await page.click('[data-test=bp-add-exploding]');
  await expect(page.locator('.bp-editor[data-kind=exploding]')).toContainText('‖G_i‖ > 1000');
  await page.click('[data-test=bp-apply]');
  await page.click('[data-tab=train]');
  await page.locator('[data-test=speed]').fill('6'); // max
  await page.click('[data-test=run]');

  const card = page.locator('[data-test=hit-banner]');
  await expect(card).toBeVisible({ timeout: 90_000 });
  await expect(page.locator('[data-tab=layers]')).toHaveClass(/active/);
  const message = (await card.locator('.msg').textContent()) ?? '';
  const hitStep = Number(/step (\d+)/.exec((await card.locator('.head b').textContent()) ?? '')?.[1]);
  expect(hitStep).toBeGreaterThan(0);
  // The compared statistic (‖G_i‖ at the hit) is the number in the message.
  const compared = page.locator('[data-test=hit-stats] .compared b');
  await expect(compared).toHaveCount(1);
  const norm = (await compared.textContent())!.trim();
  expect(message).toContain(`= ${norm} is above 1000`);
  // The status bar tells the same hit.
  await expect(page.locator('[data-test=status-bar]')).toContainText(message.slice(0, 20));
  // The marked heatmap is outlined and scrolled into view.
  const marked = page.locator('.heatmap.has-marks').first();
  await expect(marked).toBeInViewport();
  await expect(marked.locator('.mark').first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/01-hit.png` });

  // Time travel to a past step: the live hit and its marks are hidden, the step shown is named.
  await page.click('[data-tab=history]');
  await page.fill('[data-test=history-step]', String(Math.max(1, hitStep - 2)));
  const show = page.locator('[data-test=history-show]');
  if (await show.isEnabled()) {
    await show.click();
    await page.click('[data-tab=layers]');
    await expect(page.locator('[data-test=hit-banner]')).toHaveCount(0);
    await expect(page.locator('.heatmap.has-marks')).toHaveCount(0);
    await expect(page.locator('[data-test=travel-note]')).toContainText(`Showing step ${Math.max(1, hitStep - 2)}`);
    await expect(page.locator('[data-test=travel-note]')).toContainText(`breakpoint hit of step ${hitStep}`);
    await expect(page.locator('[data-test=status-bar]')).not.toContainText('breakpoint:');
    await page.screenshot({ path: `${SHOTS}/02-time-travel.png` });
    await page.click('[data-test=travel-note] button');
    await expect(page.locator('[data-test=hit-banner]')).toBeVisible();
  }
});

/**
 * Graph mode in web mode: open the Graph tab, step the whole backward pass of the tutorial's
 * f(x, y) = (x + σ(y)) / (x² + y) at (3, −4) one operation at a time, and read the final δ_x and
 * δ_y from the page (full precision from data-value attributes).
 */
import { expect, test, type Page } from '@playwright/test';

// ∂f/∂x = 1/d − 2x·b/d², ∂f/∂y = σ'(y)/d − b/d² with b = 3 + σ(−4), d = 5 (derived by hand in
// engine/graph/tutorial.test.ts).
const SIGMA = 1 / (1 + Math.exp(4));
const B = 3 + SIGMA;
const DELTA_X = 1 / 5 - (2 * 3 * B) / 25;
const DELTA_Y = (SIGMA * (1 - SIGMA)) / 5 - B / 25;

const testid = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);
const numberAt = async (page: Page, id: string): Promise<number> => Number(await testid(page, id).getAttribute('data-value'));

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => console.log(`[page] ${e.message}`));
  await page.goto('/');
  await page.locator('[data-tab="graph"]').click();
  await expect(testid(page, 'graph-view')).toBeVisible();
});

test('steps the whole backward pass of the tutorial example and reads δ_x and δ_y', async ({ page }) => {
  await expect(testid(page, 'graph-node-f')).toBeVisible();
  expect(await numberAt(page, 'graph-output')).toBeCloseTo(B / 5, 12);
  await expect(testid(page, 'graph-step-position')).toHaveText('step 0 / 6');

  const order = ['f = b · e', 'e = 1/d', 'd = y + c', 'c = x^2', 'b = x + a', 'a = σ(y)'];
  for (const [k, equation] of order.entries()) {
    await testid(page, 'graph-step-next').click();
    await expect(testid(page, 'graph-step-position')).toHaveText(`step ${k + 1} / 6`);
    await expect(testid(page, 'graph-step-equation')).toHaveText(equation);
    // The op being processed is highlighted in the drawing.
    await expect(testid(page, `graph-node-${equation[0]}`)).toHaveClass(/\bcurrent\b/);
  }
  await expect(testid(page, 'graph-step-done')).toBeVisible();
  await expect(testid(page, 'graph-step-next')).toBeDisabled();

  const dx = await numberAt(page, 'graph-delta-x');
  const dy = await numberAt(page, 'graph-delta-y');
  console.log(`δ_x = ${dx}, δ_y = ${dy}`);
  expect(dx).toBeCloseTo(DELTA_X, 12);
  expect(dy).toBeCloseTo(DELTA_Y, 12);
  await expect(testid(page, 'graph-delta-x')).toHaveText('−0.524317');
  await expect(testid(page, 'graph-delta-y')).toHaveText('−0.117187');
});

test('the finite-difference check agrees for both inputs', async ({ page }) => {
  await testid(page, 'graph-fd-check').click();
  await expect(testid(page, 'graph-fd-summary')).toContainText('all inputs agree');
  await expect(testid(page, 'graph-fd-row-x')).toHaveAttribute('data-ok', 'true');
  await expect(testid(page, 'graph-fd-row-y')).toHaveAttribute('data-ok', 'true');
});

test('a typo shows a caret at its column', async ({ page }) => {
  await testid(page, 'graph-expression').fill('x + sigmod(y)');
  await expect(testid(page, 'graph-parse-error')).toHaveAttribute('data-column', '5');
  await expect(testid(page, 'graph-parse-error')).toContainText('did you mean "sigmoid"');
});

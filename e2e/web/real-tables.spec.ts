/**
 * The data people actually have, with fixture files generated here in the shapes of the real ones:
 * scikit-learn's counts-line CSV with integer labels (iris), vega-datasets' JSON records with text
 * and missing values (cars), a gzipped table (wine), a binary file and an empty one.
 * Screenshots go to test-results/real-tables/.
 *
 *   BACKPROP_LENS_PORT=4187 npx playwright test e2e/web/real-tables.spec.ts
 */
import { expect, test, type Page } from '@playwright/test';
import { gzipSync } from 'node:zlib';

const SHOTS = 'test-results/real-tables';

async function open(page: Page): Promise<void> {
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto('/?start=empty');
  await expect(page.locator('[data-test=backend] .dot.on')).toBeVisible({ timeout: 60_000 });
  await page.click('[data-tab=data]');
}
const file = (name: string, text: string | Buffer) => ({ name, mimeType: 'application/octet-stream', buffer: typeof text === 'string' ? Buffer.from(text) : text });

/** iris.csv as scikit-learn ships it: a counts line, 4 features, integer labels 0/1/2. */
function irisCsv(): string {
  const rows: string[] = [];
  for (let k = 0; k < 30; k++) {
    const c = k % 3;
    rows.push([5 + c + (k % 5) * 0.1, 3 + (k % 4) * 0.1, 1.4 + 2 * c, 0.2 + 0.8 * c, c].map((v) => +v.toFixed(1)).join(','));
  }
  return `30,4,setosa,versicolor,virginica\n${rows.join('\n')}\n`;
}
/** cars.json as vega-datasets ships it: records with a text name, missing numbers and a text category. */
function carsJson(): string {
  const origins = ['USA', 'Europe', 'Japan'];
  return JSON.stringify(
    Array.from({ length: 30 }, (_, k) => ({
      Name: `car ${k}`,
      Miles_per_Gallon: k % 7 === 3 ? null : 15 + (k % 10),
      Horsepower: k % 9 === 4 ? null : 80 + 5 * (k % 12),
      Origin: origins[k % 3],
      Year: `19${70 + (k % 10)}-01-01`,
    })),
  );
}

test('a scikit-learn counts-line CSV: header and task inferred and explained, one click to switch the task', async ({ page }) => {
  await open(page);
  await page.setInputFiles('[data-test=file-input]', file('iris.csv', irisCsv()));
  await expect(page.locator('[data-test=reading-choices]')).toBeVisible();
  await page.click('[data-test=load-file]');
  const summary = page.locator('[data-test=load-summary]');
  await expect(summary).toContainText('scikit-learn counts line');
  await expect(page.locator('[data-test=task-reason]')).toContainText('classification');
  await expect(page.locator('[data-test=dataset-summary]')).toContainText('setosa, versicolor, virginica');
  await page.screenshot({ path: `${SHOTS}/01-iris-inferred.png`, fullPage: true });
  // Four inputs: the Train view shows the samples on two principal components, coloured by prediction.
  await page.click('[data-tab=model]');
  await page.click('[data-test=apply-model]');
  await expect(page.locator('[data-test=run-state]')).toHaveText(/idle/);
  await page.click('[data-tab=train]');
  await page.locator('[data-test=speed]').fill('6');
  await page.click('[data-test=run]');
  await expect(page.locator('[data-test=projection]')).toBeVisible();
  await expect(page.locator('[data-test=projection-wrong]')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('[data-test=class-metrics]')).toBeVisible();
  await page.waitForTimeout(3000);
  await page.click('[data-test=pause]');
  await page.screenshot({ path: `${SHOTS}/05-iris-train.png` });
  await page.click('[data-tab=data]');
  await page.click('[data-test=switch-task]');
  await expect(page.locator('[data-test=task-reason]')).toContainText('regression');
});

test('JSON records with text and missing values: columns chosen, missing values dropped or filled, text one-hot encoded', async ({ page }) => {
  await open(page);
  await page.setInputFiles('[data-test=file-input]', file('cars.json', carsJson()));
  const pending = page.locator('[data-test=pending-file]');
  await expect(pending.locator('thead tr').first()).toContainText('Miles_per_Gallon');
  // Year is date-like: suggested as ignore
  await expect(page.locator('[data-test=role-4]')).toHaveValue('ignore');
  await page.selectOption('[data-test=role-0]', 'ignore'); // Name
  await page.selectOption('[data-test=role-1]', 'target'); // Miles_per_Gallon
  await page.selectOption('[data-test=role-3]', 'feature'); // Origin
  await expect(page.locator('[data-test=one-hot-note]')).toContainText('Origin');
  await page.selectOption('[data-test=task]', 'regression');
  await page.selectOption('[data-test=missing-1]', 'drop');
  await page.selectOption('[data-test=missing-2]', 'mean');
  await page.screenshot({ path: `${SHOTS}/02-cars-choices.png`, fullPage: true });
  await page.click('[data-test=load-file]');
  await expect(page.locator('[data-test=cleaning-summary]')).toContainText(/\d+ rows? with a missing value dropped/);
  await expect(page.locator('[data-test=cleaning-summary]')).toContainText('Horsepower');
  await expect(page.locator('[data-test=cleaning-summary]')).toContainText('Origin one-hot encoded into 3 columns');
  await expect(page.locator('[data-test=dataset-summary]')).toContainText('4 features'); // Horsepower + 3 origins
  await page.screenshot({ path: `${SHOTS}/03-cars-loaded.png`, fullPage: true });
});

test('a gzipped table gets the column chooser; binary and empty files are named, one error at a time', async ({ page }) => {
  await open(page);
  const wine = 'alcohol,malic_acid,ash,class\n' + Array.from({ length: 30 }, (_, k) => `${13 + (k % 3) * 0.5},${1 + (k % 5) * 0.2},${2 + (k % 4) * 0.1},${k % 3}`).join('\n') + '\n';
  await page.setInputFiles('[data-test=file-input]', file('wine.csv.gz', gzipSync(Buffer.from(wine))));
  await expect(page.locator('[data-test=pending-file] thead tr').first()).toContainText('malic_acid');
  await expect(page.locator('[data-test=role-3]')).toHaveValue('target');
  await page.click('[data-test=load-file]');
  await expect(page.locator('[data-test=task-reason]')).toContainText('3 distinct integers');

  await page.setInputFiles('[data-test=file-input]', file('book.xlsx', Buffer.from([0x50, 0x4b, 3, 4, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0])));
  await expect(page.locator('.tray [role=alert]')).toContainText('this looks like a binary file');
  await page.setInputFiles('[data-test=file-input]', file('empty.csv', ''));
  await expect(page.locator('.tray [role=alert]')).toContainText('the file is empty');
  await expect(page.locator('.tray [role=alert]')).toHaveCount(1);
  await page.screenshot({ path: `${SHOTS}/04-one-error.png` });
});

test('a digits table from a file (64 pixel columns of 0…16) is drawn as a pixel grid', async ({ page }) => {
  await open(page);
  const header = [...Array.from({ length: 64 }, (_, k) => `pixel_${k}`), 'target'].join(',');
  const rows = Array.from({ length: 30 }, (_, r) => [...Array.from({ length: 64 }, (_, k) => ((k + r) % 17)), r % 10].join(','));
  await page.setInputFiles('[data-test=file-input]', file('digits.csv', `${header}\n${rows.join('\n')}\n`));
  await page.click('[data-test=load-file]');
  await expect(page.locator('[data-test=dataset-summary]')).toContainText('64 features');
  await expect(page.locator('canvas[data-chart=images]')).toBeVisible();
});

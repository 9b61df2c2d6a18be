/**
 * Compare mode in web mode: open the first tutorial's network with its original bug (its numpy
 * arrays, weights and batch from examples/), and see the red equation and the diagnosis.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';

const root = fileURLToPath(new URL('../../', import.meta.url));
const at = (page: Page, id: string) => page.locator(`[data-test="${id}"]`);

test('names dW-uses-H in the tutorial network, lights the chain and shows the heatmaps', async ({ page }, info) => {
  page.on('pageerror', (e) => console.log(`[page] ${e.message}`));
  await page.goto('/');
  await page.locator('[data-tab="compare"]').click();
  await at(page, 'compare-files').setInputFiles([
    `${root}examples/compare/xsin4pix-mine.npz`,
    `${root}examples/xsin4pix/weights.json`,
    `${root}examples/xsin4pix/batch.json`,
  ]);
  await expect(at(page, 'compare-weights')).toContainText('weights.json');
  await expect(at(page, 'compare-batch')).toContainText('batch.json');
  await at(page, 'compare-run').click();

  await expect(at(page, 'compare-verdict')).toContainText('diverges');
  await expect(at(page, 'compare-eq-dW10')).toHaveAttribute('data-status', 'new-error');
  await expect(at(page, 'compare-eq-dW1')).toHaveAttribute('data-status', 'new-error');
  await expect(at(page, 'compare-eq-dW0')).toHaveAttribute('data-status', 'ok');
  await expect(at(page, 'compare-eq-G9')).toHaveAttribute('data-status', 'ok');
  await expect(at(page, 'compare-diagnosis')).toContainText('dW-uses-H');
  await expect(at(page, 'compare-diagnosis')).toContainText('∂L/∂W_10 = H_9ᵀ G_10');
  // The first error is selected: its three heatmaps are drawn.
  await expect(at(page, 'compare-heatmaps')).toContainText('∂L/∂W_10 = A_10ᵀ G_10');
  await expect(at(page, 'compare-heatmaps').locator('canvas')).toHaveCount(3);
  await page.screenshot({ path: info.outputPath('compare.png'), fullPage: true });

  // An unusable file is one clear error, not a crash.
  await page.getByRole('button', { name: 'Clear' }).click();
  await at(page, 'compare-files').setInputFiles([
    { name: 'mine.npz', mimeType: 'application/octet-stream', buffer: Buffer.from('not a zip') },
    ...['weights.json', 'batch.json'].map((name) => ({
      name,
      mimeType: 'application/json',
      buffer: readFileSync(`${root}examples/xsin4pix/${name}`),
    })),
  ]);
  await at(page, 'compare-run').click();
  await expect(page.getByRole('alert').first()).toContainText('mine.npz: not an .npz file');
});

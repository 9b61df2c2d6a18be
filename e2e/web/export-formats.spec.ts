/**
 * The Export view in web mode offers what docs/formats.md and docs/dashboard.md promise: the weights
 * as JSON, NumPy .npz, PyTorch .safetensors and ONNX (each a download the CLI reads back to the same
 * weights), the session Save/Open buttons, and the dataset summary counts in the singular for one
 * target (xsin: "1 target").
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

async function open(page: Page): Promise<void> {
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto('/');
  await expect(page.locator('[data-test=backend] .dot.on')).toBeVisible({ timeout: 60_000 });
}

/** The weights of a file as the CLI reads it (converted to backprop-lens/weights JSON). */
function weightsOf(file: string, dir: string): number[][] {
  const out = join(dir, `${file.split('/').pop()}.json`);
  execFileSync(process.execPath, ['bin/backprop-lens.js', 'convert', file, out], { encoding: 'utf8' });
  const w = JSON.parse(readFileSync(out, 'utf8')) as { parameters: { W: number[][]; b: number[] }[] };
  return w.parameters.flatMap((l) => [l.W.flat(), l.b]);
}

test('Export: weights as JSON, .npz, .safetensors and ONNX download and read back; session Save/Open are there', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'bplens-export-'));
  await open(page);
  await page.click('[data-tab=data]');
  await page.selectOption('[data-test=builtin-select]', 'xsin');
  await page.click('[data-test=load-builtin]');
  await expect(page.locator('[data-test=dataset-targets]')).toHaveText('1 target');
  await page.click('[data-tab=model]');
  await page.click('[data-test=apply-model]');
  await expect(page.locator('[data-test=run-state]')).toHaveText(/idle|paused/);
  await page.click('[data-tab=train]');
  for (let k = 0; k < 3; k++) await page.keyboard.press('F10');
  await expect.poll(async () => (await page.locator('[data-test=status-step]').textContent()) ?? '').toMatch(/step 3 ·/);

  await page.click('[data-tab=export]');
  await expect(page.locator('[data-test=save-session]')).toBeEnabled();
  await expect(page.locator('[data-test=open-session]')).toBeEnabled();
  const saved: Record<string, string> = {};
  for (const [kind, ext] of [
    ['weights', '.json'],
    ['weights-npz', '.npz'],
    ['weights-safetensors', '.safetensors'],
    ['weights-onnx', '.onnx'],
  ] as const) {
    const download = page.waitForEvent('download');
    await page.click(`[data-test=export-${kind}]`);
    const d = await download;
    expect(d.suggestedFilename(), kind).toMatch(new RegExp(`\\${ext}$`));
    const path = join(dir, d.suggestedFilename());
    await d.saveAs(path);
    saved[kind] = path;
  }
  const reference = weightsOf(saved['weights']!, dir);
  for (const kind of ['weights-npz', 'weights-safetensors', 'weights-onnx']) {
    const got = weightsOf(saved[kind]!, dir);
    expect(got.map((m) => m.length), kind).toEqual(reference.map((m) => m.length));
    // .npz keeps float64; safetensors and ONNX are float32.
    got.forEach((m, i) => m.forEach((x, k) => expect(Math.abs(x - reference[i]![k]!), `${kind} ${i}[${k}]`).toBeLessThan(1e-6)));
  }
});

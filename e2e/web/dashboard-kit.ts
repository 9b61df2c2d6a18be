/** Helpers of the dashboard's web e2e specs: open the app, load data, apply a model, read ground truth from the engine. */
import { expect, type Page } from '@playwright/test';

export const SHOTS = 'test-results/dashboard';

export interface Matrix {
  rows: number;
  cols: number;
  data: number[];
}

export async function engineMatrix(page: Page, name: string, layer: number): Promise<Matrix> {
  return page.evaluate(
    async ([n, l]) => {
      const engine = (
        globalThis as unknown as {
          __backpropLensEngine: {
            request(c: unknown): Promise<{ matrix: { rows: number; cols: number; data: ArrayLike<number> } }>;
          };
        }
      ).__backpropLensEngine;
      const e = await engine.request({ type: 'request-matrix', layer: l, name: n });
      return { rows: e.matrix.rows, cols: e.matrix.cols, data: Array.from(e.matrix.data) };
    },
    [name, layer] as const,
  );
}

/** The pixels of a heatmap canvas (one per cell) by its label, e.g. "W_0". */
export async function heatmapPixels(page: Page, label: string): Promise<{ width: number; height: number; rgba: number[] }> {
  // A heatmap appears a frame after the click that asks for it (a cold first run lost that race).
  await page.waitForSelector(`canvas[aria-label^="${label} heatmap"]`);
  return page.evaluate((l) => {
    const c = document.querySelector<HTMLCanvasElement>(`canvas[aria-label^="${l} heatmap"]`);
    if (!c) throw new Error(`no heatmap ${l}`);
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    return { width: c.width, height: c.height, rgba: Array.from(d.data) };
  }, label);
}

export async function open(page: Page, path = '/'): Promise<void> {
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('frame-ancestors')) console.log(`[console] ${m.text()}`);
  });
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(path);
  await expect(page.locator('[data-test=backend] .dot.on')).toBeVisible({ timeout: 60_000 });
  // The first-minute start (Circles, default model) settles before a test loads its own data.
  if (path === '/') await expect(page.locator('[data-test=run-state]')).toHaveText(/idle/, { timeout: 60_000 });
}

export async function loadBuiltin(page: Page, name: string, params: Record<string, string> = {}): Promise<void> {
  await page.click('[data-tab=data]');
  await page.selectOption('[data-test=builtin-select]', name);
  for (const [k, v] of Object.entries(params)) await page.fill(`[data-test=param-${k}]`, v);
  await page.click('[data-test=load-builtin]');
  await expect(page.locator('[data-test=dataset-summary]')).toContainText(name);
}

export async function applyModel(
  page: Page,
  opts: {
    units?: number[];
    act?: string;
    lr?: string;
    optimizer?: 'sgd' | 'adam';
    loss?: string;
    outAct?: string;
    historyMemoryMiB?: string;
  } = {},
): Promise<void> {
  await page.click('[data-tab=model]');
  const units = opts.units ?? [8];
  // remove extra hidden layers, add missing ones
  while ((await page.locator('[data-test^=units-]').count()) > units.length)
    await page.locator('[data-test^=layer-] button').last().click();
  while ((await page.locator('[data-test^=units-]').count()) < units.length) await page.click('[data-test=add-layer]');
  for (const [i, u] of units.entries()) {
    await page.fill(`[data-test=units-${i}]`, String(u));
    if (opts.act) await page.selectOption(`[data-test=act-${i}]`, opts.act);
  }
  if (opts.outAct) await page.selectOption('[data-test=act-out]', opts.outAct);
  if (opts.loss) await page.selectOption('[data-test=loss]', opts.loss);
  if (opts.optimizer) await page.selectOption('[data-test=optimizer]', opts.optimizer);
  if (opts.lr) await page.fill('[data-test=lr]', opts.lr);
  if (opts.historyMemoryMiB) await page.fill('[data-test=history-memory]', opts.historyMemoryMiB);
  await expect(page.locator('[data-test=model-problem]')).toHaveCount(0);
  await page.click('[data-test=apply-model]');
  await expect(page.locator('[data-test=run-state]')).toHaveText(/idle|paused/);
}

export async function currentStep(page: Page): Promise<number> {
  const t = await page.locator('[data-test=status-step]').textContent();
  return Number(/step (\d+)/.exec(t ?? '')?.[1] ?? NaN);
}

export async function trainLoss(page: Page): Promise<number> {
  return Number(await page.locator('[data-test=train-loss]').textContent());
}

export async function predictions(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const engine = (
      globalThis as unknown as {
        __backpropLensEngine: { request(c: unknown): Promise<{ F: { data: ArrayLike<number> } }> };
      }
    ).__backpropLensEngine;
    const data = Array.from({ length: 50 }, (_, k) => [Math.cos(k) * 1.5, Math.sin(k * 0.7) * 1.5]).flat();
    return Array.from((await engine.request({ type: 'predict', X: { rows: 50, cols: 2, data } })).F.data);
  });
}

/**
 * The session specs' run: xor, the default model with Adam at lr 0.05, `steps` steps by hand
 * (F10) in the Train view, then the Layers view once its heatmaps have drawn.
 */
export async function trainXorByHand(page: Page, steps: number): Promise<void> {
  await loadBuiltin(page, 'xor');
  await page.click('[data-tab=model]');
  await page.selectOption('[data-test=optimizer]', 'adam');
  await page.fill('[data-test=lr]', '0.05');
  await page.click('[data-test=apply-model]');
  await expect(page.locator('[data-test=run-state]')).toHaveText(/idle|paused/);
  await page.click('[data-tab=train]');
  for (let k = 0; k < steps; k++) await page.keyboard.press('F10');
  await expect.poll(() => currentStep(page)).toBe(steps);
  await page.click('[data-tab=layers]');
  await page.waitForTimeout(1500);
}

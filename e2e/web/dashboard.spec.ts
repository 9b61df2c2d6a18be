/**
 * The dashboard in web mode (engine in a Web Worker, Chromium with WebGPU/SwiftShader), driven
 * through its UI like a person would: load data, build a model, train, look at heatmaps, step
 * op by op, hit a NaN breakpoint, check gradients, export and re-import weights. The engine
 * client (`__backpropLensEngine`) is used only to read back ground truth (full-resolution
 * matrices) to compare with what the dashboard shows. Screenshots go to test-results/dashboard/.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

const SHOTS = 'test-results/dashboard';

interface Matrix {
  rows: number;
  cols: number;
  data: number[];
}

async function engineMatrix(page: Page, name: string, layer: number): Promise<Matrix> {
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
async function heatmapPixels(page: Page, label: string): Promise<{ width: number; height: number; rgba: number[] }> {
  return page.evaluate((l) => {
    const c = document.querySelector<HTMLCanvasElement>(`canvas[aria-label^="${l} heatmap"]`);
    if (!c) throw new Error(`no heatmap ${l}`);
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    return { width: c.width, height: c.height, rgba: Array.from(d.data) };
  }, label);
}

async function open(page: Page): Promise<void> {
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('frame-ancestors')) console.log(`[console] ${m.text()}`);
  });
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto('/');
  await expect(page.locator('[data-test=backend] .dot.on')).toBeVisible({ timeout: 60_000 });
}

async function loadBuiltin(page: Page, name: string, params: Record<string, string> = {}): Promise<void> {
  await page.click('[data-tab=data]');
  await page.selectOption('[data-test=builtin-select]', name);
  for (const [k, v] of Object.entries(params)) await page.fill(`[data-test=param-${k}]`, v);
  await page.click('[data-test=load-builtin]');
  await expect(page.locator('[data-test=dataset-summary]')).toContainText(name);
}

async function applyModel(
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

async function currentStep(page: Page): Promise<number> {
  const t = await page.locator('[data-test=status-step]').textContent();
  return Number(/step (\d+)/.exec(t ?? '')?.[1] ?? NaN);
}

async function trainLoss(page: Page): Promise<number> {
  return Number(await page.locator('[data-test=train-loss]').textContent());
}

test('a built-in set trains until the loss falls, and the heatmaps draw the matrices', async ({ page }) => {
  await open(page);
  await loadBuiltin(page, 'xor');
  await expect(page.locator('[data-test=preview-table] tbody tr')).toHaveCount(20);
  await page.screenshot({ path: `${SHOTS}/01-data-builtin.png` });
  await applyModel(page, { units: [8], act: 'tanh', optimizer: 'adam', lr: '0.05' });
  await page.click('[data-tab=train]');
  await page.click('[data-test=step]');
  await expect.poll(() => trainLoss(page)).toBeGreaterThan(0);
  const first = await trainLoss(page);
  await page.keyboard.press('Space'); // run
  await expect(page.locator('[data-test=run-state]')).toHaveText(/running/i);
  await expect.poll(() => trainLoss(page), { timeout: 90_000 }).toBeLessThan(first * 0.6);
  await page.keyboard.press('Space'); // pause
  await expect(page.locator('[data-test=run-state]')).toHaveText(/paused/i);
  await page.screenshot({ path: `${SHOTS}/02-train.png` });

  // One more whole step (F10) so the last frame and the engine's state agree, then compare pixels to W_0.
  const before = await currentStep(page);
  await page.keyboard.press('F10');
  await expect.poll(() => currentStep(page)).toBe(before + 1);
  await page.click('[data-tab=layers]');
  await page.waitForTimeout(1500);
  const W = await engineMatrix(page, 'W', 0);
  const px = await heatmapPixels(page, 'W_0');
  expect([px.height, px.width]).toEqual([W.rows, W.cols]);
  const maxAbs = Math.max(...W.data.map(Math.abs));
  let checked = 0;
  W.data.forEach((v, k) => {
    const [r, , b, a] = px.rgba.slice(k * 4, k * 4 + 4);
    expect(a).toBe(255);
    if (Math.abs(v) < 0.05 * maxAbs) return; // near-white either way
    checked++;
    if (v > 0) expect(r!, `W_0 cell ${k} = ${v} should be red`).toBeGreaterThan(b!);
    else expect(b!, `W_0 cell ${k} = ${v} should be blue`).toBeGreaterThan(r!);
  });
  expect(checked).toBeGreaterThan(W.data.length / 2);
  // the cell of largest |value| sits at the end of the scale (the darkest colour of its sign)
  const kMax = W.data.findIndex((v) => Math.abs(v) === maxAbs);
  const [r0, g0, b0] = px.rgba.slice(kMax * 4, kMax * 4 + 3);
  expect(r0! + g0! + b0!).toBeLessThan(260);
  // G_0 (n × 8) is drawn too, with more than one colour
  const g = await heatmapPixels(page, 'G_0');
  expect(
    new Set(Array.from({ length: g.width * g.height }, (_, k) => g.rgba.slice(k * 4, k * 4 + 3).join())).size,
  ).toBeGreaterThan(10);
  // hovering a cell shows its exact value and indices
  const box = (await page.locator('canvas[aria-label^="W_0 heatmap"]').boundingBox())!;
  await page.mouse.move(box.x + box.width / (2 * W.cols), box.y + box.height / (2 * W.rows));
  await expect(page.locator('[role=tooltip]')).toContainText('W_0[0, 0] =');
  await page.screenshot({ path: `${SHOTS}/03-layers.png` });
});

test('a CSV file loads with column choices and trains', async ({ page }) => {
  await open(page);
  await page.click('[data-tab=data]');
  const rows = ['x1,x2,note,label'];
  for (let i = 0; i < 80; i++) {
    const x1 = Math.sin(i * 1.7) * 2;
    const x2 = Math.cos(i * 0.9) * 2;
    rows.push(`${x1.toFixed(4)},${x2.toFixed(4)},row${i},${x1 * x2 > 0 ? 'same' : 'diff'}`);
  }
  await page.setInputFiles('[data-test=file-input]', {
    name: 'quadrants.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(rows.join('\n')),
  });
  await expect(page.locator('[data-test=pending-file]')).toContainText('quadrants.csv');
  await page.selectOption('[data-test=role-2]', 'ignore'); // the text column is not a feature
  await page.screenshot({ path: `${SHOTS}/04-csv-columns.png` });
  await page.click('[data-test=load-file]');
  await expect(page.locator('[data-test=dataset-summary]')).toContainText('80');
  await expect(page.locator('[data-test=dataset-summary]')).toContainText('2 features');
  await expect(page.locator('[data-test=stats-table] tbody tr')).toHaveCount(4); // x1, x2, diff, same
  await page.screenshot({ path: `${SHOTS}/05-csv-loaded.png` });
  await applyModel(page, { units: [6], act: 'tanh', optimizer: 'adam', lr: '0.05' });
  await page.click('[data-tab=train]');
  await page.click('[data-test=step]');
  await expect.poll(() => trainLoss(page)).toBeGreaterThan(0);
  const first = await trainLoss(page);
  await page.click('[data-test=run]');
  await expect.poll(() => trainLoss(page), { timeout: 90_000 }).toBeLessThan(first * 0.8);
  await page.click('[data-test=pause]');
});

test('the stepper walks one whole step op by op with typeset equations', async ({ page }) => {
  await open(page);
  await loadBuiltin(page, 'circles');
  await applyModel(page, { units: [4, 3], act: 'tanh', lr: '0.1' });
  await page.click('[data-tab=stepper]');
  const ops = await page.locator('[data-test=op-list] li').count();
  expect(ops).toBe(2 * 3 + 2); // forward ×3, loss, backward ×3, update
  const labels: string[] = [];
  for (let k = 0; k < ops; k++) {
    await page.keyboard.press('F11');
    await expect(page.locator(`[data-test=op-list] li[data-op="${k}"]`)).toHaveClass(/done-last/);
    labels.push((await page.locator('[data-test=op-detail] h2').textContent()) ?? '');
    await expect(page.locator('[data-test=equation] .katex')).toBeVisible();
    if (k === 4) await page.screenshot({ path: `${SHOTS}/06-stepper-backward.png` });
  }
  expect(labels[0]).toContain('forward layer 0');
  expect(labels[ops - 1]).toContain('update');
  await expect(page.locator('[data-test=status-step]')).toContainText('step 1');
  await expect(page.locator('.stepper-view')).toContainText('(complete)');
});

test('a NaN breakpoint fires on a planted divergent learning rate', async ({ page }) => {
  await open(page);
  await loadBuiltin(page, 'plane');
  await applyModel(page, { units: [8], act: 'relu', outAct: 'identity', loss: 'mse', lr: '1e6' });
  await page.click('[data-tab=breakpoints]');
  await expect(page.locator('.bp-editor[data-kind=non-finite]')).toHaveCount(1);
  await page.click('[data-test=bp-apply]');
  await page.click('[data-tab=train]');
  await page.click('[data-test=run]');
  // the hit pauses training and jumps to the Layers view with the offending cells marked
  await expect(page.locator('[data-test=hit-banner]')).toBeVisible({ timeout: 90_000 });
  await expect(page.locator('[data-test=run-state]')).toHaveText(/paused/i);
  await expect(page.locator('[data-tab=layers]')).toHaveClass(/active/);
  await expect(page.locator('[data-test=hit-banner]')).toContainText(/NaN|Inf|non-finite/i);
  await expect(page.locator('.mark').first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/07-breakpoint.png` });
  await page.click('[data-tab=breakpoints]');
  await expect(page.locator('[data-test=bp-hits] tbody tr')).not.toHaveCount(0);
});

test('a loss that diverges to NaN or Infinity is marked on the loss chart, not left as a gap', async ({ page }) => {
  await open(page);
  await loadBuiltin(page, 'plane');
  await applyModel(page, { units: [8], act: 'relu', outAct: 'identity', loss: 'mse', lr: '1e6' });
  // No breakpoint may pause it first: training runs on into the non-finite losses.
  await page.click('[data-tab=breakpoints]');
  for (const box of await page.locator('[data-test=bp-enabled]').all()) await box.uncheck();
  await page.click('[data-test=bp-apply]');
  await page.click('[data-tab=train]');
  await page.click('[data-test=run]');
  await expect(page.locator('[data-test=loss-nonfinite]')).toBeVisible({ timeout: 60_000 });
  await page.click('[data-test=pause]');
  await expect(page.locator('[data-test=loss-nonfinite]')).toContainText(/\d+ non-finite/);
  await page.screenshot({ path: `${SHOTS}/07b-loss-nonfinite.png` });
});

test('the debugging loop: a breakpoint fires, go back before it, lower the learning rate, train on', async ({
  page,
}) => {
  await open(page);
  await loadBuiltin(page, 'plane');
  await applyModel(page, { units: [8], act: 'relu', outAct: 'identity', loss: 'mse', lr: '3' });
  await page.click('[data-tab=breakpoints]');
  await page.click('[data-test=bp-add-exploding]');
  await page.click('[data-test=bp-apply]');
  await page.click('[data-tab=train]');
  await page.click('[data-test=run]');
  await expect(page.locator('[data-test=hit-banner]')).toBeVisible({ timeout: 90_000 });
  const hitStep = await currentStep(page);
  console.log(`exploding gradient hit while computing step ${hitStep + 1}`);
  await page.click('[data-tab=breakpoints]');
  const goBack = page.locator('[data-test=bp-go-back]');
  await expect(goBack).toBeVisible();
  const back = Number(/step (\d+)/.exec((await goBack.textContent()) ?? '')?.[1]);
  expect(back).toBeLessThan(hitStep + 1);
  await goBack.click();
  await expect(page.locator('[data-tab=history]')).toHaveClass(/active/);
  await expect(page.locator('[data-test=history-step]')).toHaveValue(String(back));
  await page.click('[data-test=history-rewind]');
  await expect.poll(() => currentStep(page), { timeout: 30_000 }).toBe(back);
  await expect(page.locator('[data-test=status-bar]')).not.toContainText('breakpoint:');
  await page.fill('[data-test=live-lr]', '0.01');
  await page.click('[data-test=live-lr-set]');
  for (let k = 0; k < 10; k++) await page.click('[data-test=step]');
  await expect.poll(() => currentStep(page), { timeout: 30_000 }).toBe(back + 10);
  await expect(page.locator('[data-test=status-bar]')).not.toContainText('breakpoint:');
});

test('the gradient check passes', async ({ page }) => {
  await open(page);
  await loadBuiltin(page, 'xor', { n: '40' });
  await applyModel(page, { units: [5], act: 'tanh', lr: '0.1' });
  await page.click('[data-test=step]').catch(() => undefined);
  await page.click('[data-tab=gradcheck]');
  await page.click('[data-test=gc-run]');
  await expect(page.locator('[data-test=gc-summary]')).toContainText('PASSED', { timeout: 90_000 });
  await expect(page.locator('[data-test=gc-layer-0]')).toContainText('pass');
  await expect(page.locator('[data-test=gc-layer-1]')).toContainText('pass');
  // GPU f32 against the cpu-f64 reference on the same rows and weights
  await page.click('[data-test=gc-compare]');
  await expect(page.locator('[data-test=gc-cmp-layer-1]')).toBeVisible({ timeout: 90_000 });
  await expect(page.locator('[data-test=gc-cmp-layer-0]')).toContainText('pass');
  await expect(page.locator('[data-test=gc-cmp-layer-1]')).toContainText('pass');
  await page.screenshot({ path: `${SHOTS}/08-gradcheck.png`, fullPage: true });
});

/** F = A_L at the current parameters for a fixed grid of 2-D inputs (the engine's `predict`, as the decision boundary uses it). */
async function predictions(page: Page): Promise<number[]> {
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

test('exported weights are a valid file and reload to the same predictions', async ({ page }) => {
  await open(page);
  await loadBuiltin(page, 'moons', { n: '60' });
  await applyModel(page, { units: [6], act: 'tanh', optimizer: 'adam', lr: '0.05' });
  await page.click('[data-tab=train]');
  for (let k = 0; k < 5; k++) await page.click('[data-test=step]');
  await expect.poll(() => currentStep(page)).toBe(5);

  await page.click('[data-tab=export]');
  const download = page.waitForEvent('download');
  await page.click('[data-test=export-weights]');
  const file = await (await download).path();
  const text = readFileSync(file, 'utf8');
  const doc = JSON.parse(text) as {
    format: string;
    version: number;
    model: { inputSize: number; layers: { units: number }[] };
    parameters: { W: number[][]; b: number[] }[];
  };
  expect(doc.format).toBe('backprop-lens/weights');
  expect(doc.version).toBe(1);
  expect(doc.model.inputSize).toBe(2);
  expect(doc.parameters).toHaveLength(2);
  expect(doc.parameters[0]!.W).toHaveLength(2);
  expect(doc.parameters[0]!.W[0]).toHaveLength(6);
  expect(doc.parameters[1]!.W).toHaveLength(6);
  expect(doc.parameters.flatMap((p) => [...p.W.flat(), ...p.b]).every(Number.isFinite)).toBe(true);

  // gradients JSON and the loss history CSV
  const gradDownload = page.waitForEvent('download');
  await page.click('[data-test=export-gradients]');
  const grads = JSON.parse(readFileSync(await (await gradDownload).path(), 'utf8')) as {
    format: string;
    version: number;
    layers: { dW: number[][]; db: number[] }[];
    loss: number;
  };
  expect(grads.format).toBe('backprop-lens/gradients');
  expect(grads.layers).toHaveLength(2);
  expect(grads.layers[0]!.dW).toHaveLength(2);
  expect(Number.isFinite(grads.loss)).toBe(true);
  const lossDownload = page.waitForEvent('download');
  await page.click('[data-test=export-loss]');
  const csv = readFileSync(await (await lossDownload).path(), 'utf8')
    .trim()
    .split(/\r?\n/);
  expect(csv[0]).toMatch(/step/i);
  expect(csv.length).toBe(1 + 5); // header + one row per step

  const before = await predictions(page);

  // Load the file back: the model starts from these weights (step 0).
  await page.click('[data-tab=export]');
  await page.setInputFiles('[data-test=import-input]', {
    name: 'weights.json',
    mimeType: 'application/json',
    buffer: Buffer.from(text),
  });
  await expect(page.locator('[data-test=imported]')).toContainText('weights.json');
  await page.click('[data-test=apply-imported]');
  await expect(page.locator('[data-test=status-step]')).toContainText('step 0');
  const after = await predictions(page);
  expect(after).toHaveLength(100);
  expect(new Set(after.map((v) => v.toFixed(3))).size).toBeGreaterThan(10); // not a constant output
  after.forEach((v, k) => expect(Math.abs(v - before[k]!)).toBeLessThan(1e-5));
  await page.screenshot({ path: `${SHOTS}/09-export.png` });
});

test('time travel shows a past step and diffs two steps', async ({ page }) => {
  await open(page);
  await loadBuiltin(page, 'gaussians', { n: '60' });
  await applyModel(page, { units: [4], act: 'tanh', lr: '0.5' });
  // A fixed number of whole steps (not a timed run: a fast backend would push steps 3 and 10 out of the history).
  await page.click('[data-tab=train]');
  for (let k = 0; k < 12; k++) await page.click('[data-test=step]');
  await expect.poll(() => currentStep(page), { timeout: 60_000 }).toBe(12);
  await page.click('[data-tab=history]');
  // a step the engine does not keep is refused with an explanation, not shown as an empty past
  await page.fill('[data-test=history-step]', '0');
  await expect(page.locator('[data-test=history-not-kept]')).toContainText('Step 0 is no longer kept');
  await expect(page.locator('[data-test=history-show]')).toBeDisabled();
  // the slider moves over the kept steps by position; the number field picks a step by its number
  await page.fill('[data-test=history-step]', '3');
  await page.click('[data-test=history-show]');
  await expect(page.locator('[data-test=status-bar]')).toContainText('viewing step 3');
  await page.fill('[data-test=history-compare]', '10');
  await page.click('[data-test=history-diff]');
  // W_0 at step 3 and step 10 differ: the Δ heatmap has coloured (non-white) cells
  const diff = await heatmapPixels(page, 'Δ W_0');
  const coloured = Array.from({ length: diff.width * diff.height }, (_, k) => diff.rgba.slice(k * 4, k * 4 + 3)).filter(
    ([r, g, b]) => r! + g! + b! < 700,
  );
  expect(coloured.length).toBeGreaterThan(0);
  // the diff is exactly W_0(step 3) − W_0(step 10), cell by cell in sign
  const [w3, w10] = await Promise.all(
    [3, 10].map((step) =>
      page.evaluate(async (st) => {
        const engine = (
          globalThis as unknown as {
            __backpropLensEngine: { request(c: unknown): Promise<{ matrix: { data: ArrayLike<number> } }> };
          }
        ).__backpropLensEngine;
        return Array.from(
          (await engine.request({ type: 'request-matrix', layer: 0, name: 'W', step: st })).matrix.data,
        );
      }, step),
    ),
  );
  const d = w3!.map((v, k) => v - w10![k]!);
  const big = Math.max(...d.map(Math.abs));
  d.forEach((v, k) => {
    if (Math.abs(v) < 0.1 * big) return;
    const [r, , b] = diff.rgba.slice(k * 4, k * 4 + 3);
    expect(v > 0 ? r! > b! : b! > r!).toBe(true);
  });
  await page.click('[data-tab=layers]');
  await expect(page.locator('.travel')).toContainText('Showing step 3');
  await page.screenshot({ path: `${SHOTS}/11-history.png` });
  await page.click('.travel button');
  await expect(page.locator('[data-test=status-bar]')).not.toContainText('viewing step');
  // After a short free run the engine keeps only some steps (≈ 20 a second): every slider position is one of them.
  await page.click('[data-tab=train]');
  await page.click('[data-test=run]');
  await expect.poll(() => currentStep(page), { timeout: 60_000 }).toBeGreaterThan(60);
  await page.click('[data-test=pause]');
  await expect(page.locator('[data-test=run-state]')).toHaveText(/paused/i);
  await page.click('[data-tab=history]');
  const slider = page.locator('[data-test=history-slider]');
  await expect.poll(async () => Number(await slider.getAttribute('max'))).toBeGreaterThan(1);
  const positions = Number(await slider.getAttribute('max')) + 1;
  const seen: number[] = [];
  for (let i = 0; i < positions; i++) {
    await slider.fill(String(i));
    await expect(page.locator('[data-test=history-not-kept]')).toHaveCount(0);
    const step = Number(await page.locator('[data-test=history-step]').inputValue());
    await page.click('[data-test=history-show]');
    await expect(page.locator('[data-test=status-bar]')).toContainText(`viewing step ${step}`);
    seen.push(step);
  }
  expect(seen).toEqual([...seen].sort((a, b) => a - b));
  expect(new Set(seen).size).toBe(positions);
  expect(seen.at(-1)).toBe(await currentStep(page));
  await page.click('[data-test=history-prev]');
  expect(Number(await page.locator('[data-test=history-step]').inputValue())).toBe(seen.at(-2));
});

test('training resumes from a past step; steps past the history memory are view-only', async ({ page }) => {
  await open(page);
  await loadBuiltin(page, 'gaussians', { n: '60' });
  // A history memory of ≈ 0.5 KB: the newest few steps keep their state (float32 parameters and momentum), older ones only what is shown.
  await applyModel(page, { units: [4], act: 'tanh', lr: '0.5', historyMemoryMiB: '0.0005' });
  await page.click('[data-tab=train]');
  for (let k = 0; k < 12; k++) await page.click('[data-test=step]');
  await expect.poll(() => currentStep(page), { timeout: 60_000 }).toBe(12);
  const history = await page.evaluate(async () => {
    const engine = (
      globalThis as unknown as {
        __backpropLensEngine: { request(c: unknown): Promise<{ steps: number[]; restorable: number[] }> };
      }
    ).__backpropLensEngine;
    return engine.request({ type: 'request-history' });
  });
  const viewOnly = history.steps.filter((st) => st >= 1 && !history.restorable.includes(st));
  const target = history.restorable.find((st) => st >= 1 && st < 12);
  console.log(`history: restorable ${history.restorable.join(',')}; view-only ${viewOnly.join(',')}`);
  expect(viewOnly.length).toBeGreaterThan(0);
  expect(target).toBeDefined();
  await page.click('[data-tab=history]');
  await expect(page.locator('[data-test=history-kept]')).toContainText(
    `Training can resume from ${history.restorable.filter((st) => st >= 1).length} of them`,
  );
  await page.fill('[data-test=history-step]', String(viewOnly[0]));
  await expect(page.locator('[data-test=history-view-only]')).toContainText(
    `Step ${viewOnly[0]} is kept for viewing only`,
  );
  await expect(page.locator('[data-test=history-rewind]')).toBeDisabled();
  await page.fill('[data-test=history-step]', String(target));
  await expect(page.locator('[data-test=history-rewind]')).toBeEnabled();
  await page.screenshot({ path: `${SHOTS}/12-history-resume.png` });
  await page.click('[data-test=history-rewind]');
  await expect.poll(() => currentStep(page), { timeout: 30_000 }).toBe(target);
  await expect(page.locator('[data-test=run-state]')).toHaveText(/paused/i);
  // Training goes on from there, here with a smaller learning rate for this run (no new run).
  await expect(page.locator('[data-test=live-lr]')).toHaveValue('0.5');
  await page.fill('[data-test=live-lr]', '0.05');
  await page.click('[data-test=live-lr-set]');
  await expect(page.locator('[data-test=live-lr-set]')).toBeDisabled();
  await page.click('[data-test=step]');
  await expect.poll(() => currentStep(page), { timeout: 30_000 }).toBe(target! + 1);
  const weights = await page.evaluate(async () => {
    const engine = (
      globalThis as unknown as { __backpropLensEngine: { request(c: unknown): Promise<{ contents: string }> } }
    ).__backpropLensEngine;
    return (await engine.request({ type: 'export', what: 'weights' })).contents;
  });
  expect(weights).toContain('"learningRate": 0.05');
  await page.screenshot({ path: `${SHOTS}/13-train-live-lr.png` });
});

test('dark theme, empty states and the error tray', async ({ page }) => {
  await open(page);
  await page.click('[data-tab=train]');
  await expect(page.locator('.empty-state')).toContainText('Nothing to train yet');
  await page.click('.theme');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.click('[data-tab=model]');
  await page.fill('[data-test=lr]', '-1');
  await expect(page.locator('[data-test=model-problem]')).toContainText('learning rate');
  // A bad file shows an error with its detail, not a blank page.
  await page.fill('[data-test=lr]', '0.1');
  await page.click('[data-tab=data]');
  await page.setInputFiles('[data-test=file-input]', {
    name: 'bad.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('a,b\n1,2\n3,oops\n'),
  });
  await page.click('[data-test=load-file]');
  await expect(page.locator('.tray [role=alert]').first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/10-dark-error.png` });
});

test('the digits image set shows an image grid and trains', async ({ page }) => {
  await open(page);
  await loadBuiltin(page, 'digits', { n: '200' });
  await expect(page.locator('[data-test=dataset-summary]')).toContainText('64 features');
  const grid = page.locator('canvas[data-chart=images]');
  await expect(grid).toBeVisible();
  // 32 images of 8×8 with 1-px gutters: many grey levels, and a label per image
  const px = await grid.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const greys = new Set<number>();
    for (let k = 0; k < d.length; k += 4) greys.add(d[k]!);
    return { w: c.width, h: c.height, greys: greys.size };
  });
  expect([px.w, px.h]).toEqual([8 * 10, 4 * 10]);
  expect(px.greys).toBeGreaterThan(20);
  const labels = ((await page.locator('[data-test=image-labels]').textContent()) ?? '')
    .replace('labels:', '')
    .trim()
    .split(/\s+/);
  expect(labels).toHaveLength(32);
  labels.forEach((l) => expect(l).toMatch(/^[0-9]$/));
  await page.screenshot({ path: `${SHOTS}/12-digits.png` });
  await applyModel(page, { units: [16], act: 'relu', optimizer: 'adam', lr: '0.01' });
  await page.click('[data-tab=train]');
  await page.click('[data-test=step]');
  await expect.poll(() => trainLoss(page)).toBeGreaterThan(0);
  const first = await trainLoss(page);
  for (let k = 0; k < 30; k++) await page.click('[data-test=step]');
  await expect.poll(() => currentStep(page)).toBe(31);
  expect(await trainLoss(page)).toBeLessThan(first);
});

test('bad files report their file, line and column', async ({ page }) => {
  await open(page);
  await page.click('[data-tab=data]');
  const header = "{'descr': '<c16', 'fortran_order': False, 'shape': (2, 2), }";
  const padded = header + ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const npy = Buffer.concat([
    Buffer.from([0x93]),
    Buffer.from('NUMPY'),
    Buffer.from([1, 0, padded.length & 255, padded.length >> 8]),
    Buffer.from(padded),
    Buffer.alloc(64),
  ]);
  const cases: [string, Buffer, RegExp][] = [
    ['ragged.csv', Buffer.from('a,b,y\n1,2,3\n4,5\n6,7,8\n'), /ragged\.csv, line 3, column 3/],
    ['nan.csv', Buffer.from('a,b,y\n1,2,3\n4,NaN,5\n6,7,8\n'), /nan\.csv, line 3, column 2.*"NaN"/],
    ['complex.npy', npy, /complex\.npy.*dtype '<c16' is not supported/],
  ];
  for (const [name, buffer, message] of cases) {
    await page.setInputFiles('[data-test=file-input]', { name, mimeType: 'application/octet-stream', buffer });
    await expect(page.locator('[data-test=pending-file]')).toContainText(name);
    await page.click('[data-test=load-file]');
    const alert = page.locator('.tray [role=alert]').last();
    await expect(alert).toContainText(message);
    await page.screenshot({ path: `${SHOTS}/13-bad-${name}.png` });
    await alert.locator('.dismiss').click();
    await expect(page.locator('.tray [role=alert]')).toHaveCount(0);
  }
  // the app still works after three bad files
  await loadBuiltin(page, 'xor', { n: '40' });
});

test('clicking a cell traces that sample row through every layer', async ({ page }) => {
  await open(page);
  await loadBuiltin(page, 'xor', { n: '40' });
  await applyModel(page, { units: [6, 4], act: 'tanh', lr: '0.1' });
  await page.click('[data-tab=train]');
  await page.click('[data-test=step]');
  await expect.poll(() => currentStep(page)).toBe(1);
  await page.click('[data-tab=layers]');
  const h0 = page.locator('canvas[aria-label^="H_0 heatmap"]');
  await expect(h0).toBeVisible();
  const size = await h0.evaluate((c: HTMLCanvasElement) => ({ rows: c.height, cols: c.width }));
  const row = 7;
  const unit = 2;
  const box = (await h0.boundingBox())!;
  await page.mouse.click(
    box.x + ((unit + 0.5) / size.cols) * box.width,
    box.y + ((row + 0.5) / size.rows) * box.height,
  );
  const trace = page.locator('[data-test=trace]');
  await expect(trace).toContainText(`Sample row ${row} through the layers`);
  await expect(trace.locator('tbody tr')).toHaveCount(3);
  // every A, H, G heatmap (and F) highlights that row; the unit's column in H_0, G_0, W_0, ∂L/∂W_0, ∂L/∂b_0 and A_1; its fan-in row in W_1
  await expect(page.locator('.trace-row')).toHaveCount(3 * 3 + 1 + 2);
  await expect(page.locator('.trace-col')).toHaveCount(6);
  // the listed H row is the engine's H_0 row
  const H = await engineMatrix(page, 'H', 0);
  const first = Number(
    /\[([^,\]]+)/.exec((await trace.locator('tbody tr').first().locator('td').nth(1).textContent()) ?? '')?.[1],
  );
  expect(first).toBeCloseTo(H.data[row * H.cols]!, 5);
  await page.screenshot({ path: `${SHOTS}/14-trace.png` });
  await page.click('text=clear trace');
  await expect(trace).toHaveCount(0);
  await expect(page.locator('.trace-row')).toHaveCount(0);
});

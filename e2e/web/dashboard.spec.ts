/**
 * The dashboard in web mode (engine in a Web Worker, Chromium with WebGPU/SwiftShader), driven
 * through its UI like a person would: load data, build a model, train, look at heatmaps, step
 * op by op, hit a NaN breakpoint, check gradients, export and re-import weights. The engine
 * client (`__backpropLensEngine`) is used only to read back ground truth (full-resolution
 * matrices) to compare with what the dashboard shows. Screenshots go to test-results/dashboard/.
 * Time travel, themes, image sets, bad files and tracing are in dashboard-views.spec.ts.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { SHOTS, engineMatrix, heatmapPixels, open, loadBuiltin, applyModel, currentStep, trainLoss, predictions } from './dashboard-kit.js';

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

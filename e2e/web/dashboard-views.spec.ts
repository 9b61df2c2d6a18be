/**
 * The dashboard in web mode, continued (dashboard.spec.ts has the training walk): time travel and
 * resuming from a past step, themes and empty states, image sets, bad files, tracing a sample.
 * Screenshots go to test-results/dashboard/.
 */
import { expect, test } from '@playwright/test';
import { SHOTS, engineMatrix, heatmapPixels, open, loadBuiltin, applyModel, currentStep, trainLoss } from './dashboard-kit.js';

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
  // It is drawn once the engine has sent the compared step's matrices, so wait for it.
  await expect(page.locator('canvas[aria-label^="Δ W_0 heatmap"]')).toBeVisible();
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
  await open(page, '/?start=empty');
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

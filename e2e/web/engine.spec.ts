/**
 * Web mode: the engine in a Web Worker, driven through the page's engine client. Covers the
 * flows of the desktop-shell issue: the backend report, streaming frames, rejection of a
 * malformed message, and recovery after the engine is killed.
 */
import { expect, test } from '@playwright/test';
import { events, postRaw, recordEvents, request, send, SMALL_CONFIG, SMALL_DATASET } from '../fixtures/engine.js';

// A short watchdog so the kill test does not wait 8 s for the engine to be declared dead; a bare
// start (no ready-to-run example, no restored autosave), since these tests drive the engine themselves.
const PAGE = '/?watchdog=1500&start=empty';

test.beforeEach(async ({ page }) => {
  page.on('console', (m) => {
    if (m.type() === 'error') console.log(`[page] ${m.text()}`);
  });
  await page.goto(PAGE);
  await recordEvents(page);
});

test('the engine reports its backend', async ({ page }) => {
  const ready = await request<{
    backend: { name: string; precision: string; adapter: string | null; fallbackReason: string | null };
    telemetry: { kernels?: string };
  }>(page, { type: 'hello' });
  console.log(`engine backend: ${JSON.stringify(ready.backend)}, telemetry kernels: ${ready.telemetry.kernels}`);
  // The telemetry kernels compile in the worker under the page's CSP ('wasm-unsafe-eval').
  expect(ready.telemetry.kernels).toBe('wasm-simd');
  expect(['webgpu-f32', 'cpu-f64', 'cpu-f32']).toContain(ready.backend.name);
  // With --enable-unsafe-webgpu (SwiftShader here) an adapter exists; otherwise the reason must be given.
  if (ready.backend.name === 'webgpu-f32') expect(ready.backend.adapter).toBeTruthy();
  else expect(ready.backend.fallbackReason).toBeTruthy();
});

test('a short training run streams frames', async ({ page }) => {
  await request(page, SMALL_DATASET);
  const configured = await request<{ ops: unknown[] }>(page, SMALL_CONFIG);
  expect(configured.ops.length).toBe(6);
  // The dashboard on this page streams only what its open view draws while training runs (the
  // Data view: no matrices); the Layers view draws every kind.
  await page.click('[data-tab=layers]');
  await request(page, { type: 'start', maxSteps: 40 });
  await expect
    .poll(async () => (await events(page, 'state')).some((s) => s.reason === 'max-steps'), { timeout: 90_000 })
    .toBe(true);
  const frames = await events(page, 'frame');
  expect(frames.length).toBeGreaterThan(0);
  const last = frames.at(-1)!;
  expect(last.step).toBe(40);
  expect(last.matrixCount).toBeGreaterThan(0);
  expect((last.firstMatrix as { isF32: boolean }).isF32).toBe(true);
  const losses = frames.flatMap((f) => (f.losses as { step: number }[]).map((l) => l.step));
  expect(losses).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
});

test('a malformed message is rejected with an error event and the engine carries on', async ({ page }) => {
  await postRaw(page, { v: 1, type: 'configure', id: 777, config: { model: { inputSize: 'two' } } });
  await postRaw(page, { hello: 'world' });
  await expect.poll(async () => (await events(page, 'error')).length).toBeGreaterThanOrEqual(2);
  const errs = await events(page, 'error');
  expect(errs[0]).toMatchObject({ code: 'invalid-message', replyTo: 777, command: 'configure' });
  expect(String(errs[0]!.path)).toContain('config');
  const pong = await request<{ type: string }>(page, { type: 'ping' });
  expect(pong.type).toBe('pong');
});

test('the engine survives being killed and training resumes', async ({ page }) => {
  await request(page, SMALL_DATASET);
  await request(page, SMALL_CONFIG);
  await send(page, { type: 'set-frame-rate', fps: 10 });
  await request(page, { type: 'start' });
  await expect
    .poll(
      async () => (await events(page, 'checkpoint')).filter((c) => (c.checkpoint as { step: number }).step > 0).length,
      { timeout: 90_000 },
    )
    .toBeGreaterThan(0);
  const before = await page.evaluate(() => {
    const evs = (globalThis as unknown as { __events: { type: string; checkpoint?: { step: number } }[] }).__events;
    return evs.filter((e) => e.type === 'checkpoint').at(-1)!.checkpoint!.step;
  });
  await page.evaluate(() =>
    (globalThis as unknown as { __backpropLensEngine: { killEngine(): void } }).__backpropLensEngine.killEngine(),
  );
  // The watchdog notices, a new worker starts, the client replays data, model and checkpoint, and training goes on.
  await expect
    .poll(
      async () =>
        page.evaluate(() =>
          (globalThis as unknown as { __statuses: { state: string }[] }).__statuses.map((s) => s.state),
        ),
      { timeout: 60_000 },
    )
    .toContain('restarting');
  await expect
    .poll(
      async () => (await events(page, 'state')).some((s) => s.reason === 'restored' && (s.step as number) >= before),
      { timeout: 60_000 },
    )
    .toBe(true);
  await expect
    .poll(async () => Math.max(0, ...(await events(page, 'frame')).map((f) => f.step as number)), { timeout: 60_000 })
    .toBeGreaterThan(before);
  const statuses = await page.evaluate(
    () => (globalThis as unknown as { __statuses: { state: string; reason: string | null }[] }).__statuses,
  );
  expect(statuses.at(-1)!.state).toBe('ready');
  console.log(`restart reason: ${statuses.find((s) => s.state === 'restarting')!.reason}`);
});

test('training runs on WebGPU when the model asks for it', async ({ page }) => {
  const ready = await request<{ backend: { adapter: string | null } }>(page, { type: 'hello' });
  test.skip(ready.backend.adapter === null, 'no WebGPU adapter in this browser');
  await request(page, SMALL_DATASET);
  const configured = await request<{ backend: { name: string } }>(page, {
    ...SMALL_CONFIG,
    config: { ...SMALL_CONFIG.config, backend: 'webgpu-f32' },
  });
  expect(configured.backend.name).toBe('webgpu-f32');
  const state = await request<{ step: number }>(page, { type: 'step', count: 3 });
  expect(state.step).toBe(3);
  const frame = (await events(page, 'frame')).at(-1)!;
  expect(frame.step).toBe(3);
  expect(Number.isFinite(frame.loss as number)).toBe(true);
});

test('the page is cross-origin isolated, so cpu-f32 shares a big product over 2 threads', async ({ page }) => {
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  // An M-size step (64-256-256-10 on 256 rows ≈ 140 MFLOP) is over cpu-f32's threading threshold.
  const rows = 256;
  const cols = 64;
  await request(page, {
    type: 'load-dataset',
    source: {
      kind: 'matrices',
      name: 'e2e-threads',
      X: { rows, cols, data: Array.from({ length: rows * cols }, (_, k) => Math.sin(k * 0.37)) },
      Y: { rows, cols: 10, data: Array.from({ length: rows * 10 }, (_, k) => Math.cos(k * 0.11)) },
    },
  });
  const configured = await request<{ backend: { name: string; detail?: string } }>(page, {
    type: 'configure',
    config: {
      model: {
        inputSize: cols,
        layers: [
          { units: 256, activation: 'relu' },
          { units: 256, activation: 'relu' },
          { units: 10, activation: 'identity' },
        ],
        loss: 'mse',
      },
      optimizer: { kind: 'sgd', lr: 0.01 },
      backend: 'cpu-f32',
    },
  });
  console.log(`cpu-f32: ${configured.backend.detail} (${cores} cores)`);
  expect(configured.backend.name).toBe('cpu-f32');
  expect(configured.backend.detail).toContain(`${Math.min(cores, 4)} thread`);
  if (cores >= 2) expect(configured.backend.detail).toMatch(/wasm-(relaxed-)?simd kernels, [2-4] threads/);
  const state = await request<{ step: number }>(page, { type: 'step', count: 3 });
  expect(state.step).toBe(3);
  const frame = (await events(page, 'frame')).at(-1)!;
  expect(Number.isFinite(frame.loss as number)).toBe(true);
});

test('predict and compare-backends: WebGPU (or cpu-f32) against cpu-f64 on the current batch', async ({ page }) => {
  const ready = await request<{ commands: string[]; backend: { adapter: string | null } }>(page, { type: 'hello' });
  expect(ready.commands).toEqual(expect.arrayContaining(['predict', 'compare-backends']));
  await request(page, SMALL_DATASET);
  await request(page, SMALL_CONFIG);
  await request(page, { type: 'step', count: 2 });
  const pred = await page.evaluate(async () => {
    const client = (globalThis as unknown as { __backpropLensEngine: { request(c: unknown): Promise<unknown> } })
      .__backpropLensEngine;
    const r = (await client.request({ type: 'predict', X: { rows: 3, cols: 2, data: [0, 0, 1, -1, 0.5, 0.25] } })) as {
      F: { rows: number; cols: number; data: ArrayLike<number> };
    };
    return { rows: r.F.rows, cols: r.F.cols, finite: Array.from(r.F.data).every(Number.isFinite) };
  });
  expect(pred).toEqual({ rows: 3, cols: 1, finite: true });
  const wanted = ready.backend.adapter ? 'webgpu-f32' : 'cpu-f32';
  const cmp = await request<{ backend: string; maxRelError: number; loss: { fast: number; reference: number } }>(page, {
    type: 'compare-backends',
    backend: wanted,
  });
  console.log(`compare-backends: ${cmp.backend} vs cpu-f64, max relative difference ${cmp.maxRelError}`);
  expect(cmp.backend).toBe(wanted);
  expect(cmp.maxRelError).toBeLessThan(1e-3);
  expect(Math.abs(cmp.loss.fast - cmp.loss.reference)).toBeLessThan(1e-4 * Math.max(1, cmp.loss.reference));
});

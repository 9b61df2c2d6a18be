/**
 * End-to-end tests. `web`: the web-mode build (`npm run web`) in Debian's Chromium with WebGPU
 * (SwiftShader here). `electron`: the packaged app through Playwright's _electron, where an
 * Electron binary exists (the tests skip with the reason where it does not).
 *
 *   npx playwright test --project=web
 *   npx playwright test --project=electron
 */
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.BACKPROP_LENS_PORT ?? 4174);
export const WEB_URL = `http://127.0.0.1:${PORT}/`;

export default defineConfig({
  testDir: './e2e',
  // Overridable so several people running e2e at once on one machine do not clean each other's results.
  outputDir: process.env.BACKPROP_LENS_E2E_OUT ?? './test-results/e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  // Two shared cores: one worker keeps timings sane.
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: WEB_URL,
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'web',
      testDir: './e2e/web',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--no-sandbox', '--disable-gpu-sandbox'],
        },
      },
    },
    { name: 'electron', testDir: './e2e/electron' },
  ],
  webServer: {
    command: 'npm run web',
    url: WEB_URL,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stdout: 'ignore',
    env: { BACKPROP_LENS_PORT: String(PORT) },
  },
});

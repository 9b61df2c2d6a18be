/**
 * Web mode: the same dashboard served by Vite, with the engine host in a module Web Worker
 * (renderer/app/transport/web-transport.ts). `npm run web` builds into out/web and serves it;
 * `npm run web:dev` serves the sources with hot reload. The Playwright e2e tests use `npm run web`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export const WEB_PORT = Number(process.env.BACKPROP_LENS_PORT ?? 4174);

/**
 * Cross-origin isolation (COOP same-origin + COEP require-corp): without it a page has no
 * SharedArrayBuffer, and cpu-f32 cannot share its WebAssembly memory with worker threads (it then
 * runs on one thread). Everything the app loads is its own, so require-corp blocks nothing.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [vue()],
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('./out/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2023',
    // Only the dashboard page: in web mode the engine runs in a worker, not in engine.html.
    rolldownOptions: { input: { index: fileURLToPath(new URL('./renderer/index.html', import.meta.url)) } },
  },
  server: { port: WEB_PORT, strictPort: true, host: '127.0.0.1', headers: ISOLATION_HEADERS },
  preview: { port: WEB_PORT, strictPort: true, host: '127.0.0.1', headers: ISOLATION_HEADERS },
});

/**
 * electron-vite: main process, the two preloads (CommonJS: sandboxed preloads cannot be ES
 * modules, and they must bundle what they import since a sandbox has no `require` beyond
 * `electron`), and the renderer with its two pages (dashboard, hidden engine window).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: here('./out/main'),
      rolldownOptions: { input: { main: here('./electron/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: here('./out/preload'),
      externalizeDeps: false,
      // One self-contained file per preload: a sandboxed preload cannot require shared chunks.
      isolatedEntries: true,
      rolldownOptions: {
        input: { dashboard: here('./electron/preload/dashboard.ts'), engine: here('./electron/preload/engine.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: here('./renderer'),
    plugins: [vue()],
    build: {
      outDir: here('./out/renderer'),
      target: 'es2023',
      rolldownOptions: { input: { index: here('./renderer/index.html'), engine: here('./renderer/engine.html') } },
    },
  },
});

import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// Unit and component tests. Playwright e2e tests live in e2e/ and run separately.
export default defineConfig({
  // Compiles .vue single-file components for the dashboard's component tests.
  plugins: [vue()],
  test: {
    include: ['engine/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    // Mocks `electron` once for every test (electron/test/mocks); see electron/test/setup.ts.
    setupFiles: ['./electron/test/setup.ts'],
    pool: 'forks',
  },
});

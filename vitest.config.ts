import { defineConfig } from 'vitest/config';

// Unit and component tests. Playwright e2e tests live in e2e/ and run separately.
export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});

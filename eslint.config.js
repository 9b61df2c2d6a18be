// Flat config. The import rules enforce the layering of ARCHITECTURE.md (docs/architecture.md):
// engine/** imports nothing outside engine/; renderer/** imports only the engine's public entry
// and engine/protocol; electron/** imports only its own files and protocol types; the engine host
// (engine/host) is imported only by the engine-host page (renderer/engine-host) and by itself.
// Each files block below replaces no-restricted-imports as a whole, so shared groups are spelled once.
import tseslint from 'typescript-eslint';

const outside = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group].flat(), message })) }],
});

const notEngine = ['**/electron/**', '**/renderer/**', 'electron', 'vue', 'pinia', 'echarts'];
// engine/host as seen from the other engine folders (relative imports) and from anywhere else.
const hostPaths = ['../host', '../host/*', '../../host', '../../host/*', '**/engine/host', '**/engine/host/*'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'release/**', '.tools/**', 'test-results/**', '**/*.vue'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['engine/**/*.ts'],
    ignores: ['engine/host/**'],
    rules: outside(
      [...notEngine, hostPaths],
      'engine/ is pure TypeScript: it imports nothing from electron/ or renderer/, and only the engine-host page imports engine/host (ARCHITECTURE.md).',
    ),
  },
  {
    files: ['engine/host/**/*.ts'],
    rules: outside(notEngine, 'engine/ is pure TypeScript: it imports nothing from electron/ or renderer/ (ARCHITECTURE.md).'),
  },
  {
    files: ['renderer/**/*.ts'],
    rules: outside(
      ['**/electron/**', 'electron', ['**/engine/*', '!**/engine/index.js', '!**/engine/protocol']],
      'renderer/ talks to the engine through engine/protocol and the public entry (engine/index.js) only; only renderer/engine-host runs the engine host.',
    ),
  },
  {
    // The engine-host page (Web Worker, hidden Electron window) is where the engine host runs.
    // The transport test runs a real EngineHost in-process to exercise the client against the real engine.
    files: ['renderer/engine-host/**/*.ts', 'renderer/app/transport/client.test.ts'],
    rules: outside(
      ['**/electron/**', 'electron', ['**/engine/*', '!**/engine/index.js', '!**/engine/protocol', '!**/engine/host']],
      'renderer/engine-host talks to the engine through engine/host, engine/protocol and the public entry only.',
    ),
  },
  {
    files: ['electron/**/*.ts'],
    rules: outside(
      ['**/renderer/**', '**/engine/backends/**', '**/engine/train/**', '**/engine/data/**', '**/engine/host'],
      'electron/ imports only its own files and protocol types; the engine host runs in the engine-host page.',
    ),
  },
  // bench/** may import engine/host: the benchmarks measure the host itself (no restriction there).
);

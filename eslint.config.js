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
      ['**/renderer/**', '**/engine/backends/**', '**/engine/train/**', '**/engine/data/**', '**/engine/host', '**/engine/attach/**'],
      'electron/ imports only its own files and protocol types; the engine host runs in the engine-host page.',
    ),
  },
  {
    // Attach mode: main itself listens for PyTorch runs (a TCP socket needs Node, so it cannot
    // live in a page) and serves the dashboard's port with the attach adapter. Only these files
    // may reach the node-only engine/attach modules; the rest of electron/ stays as above.
    files: ['electron/desktop-attach.ts', 'electron/desktop-attach.test.ts', 'electron/setup-attach.ts'],
    rules: outside(
      ['**/renderer/**', '**/engine/backends/**', '**/engine/train/**', '**/engine/data/**', '**/engine/host'],
      'electron/ attach files import engine/attach and protocol types only; the engine host runs in the engine-host page.',
    ),
  },
  // bench/** may import engine/host: the benchmarks measure the host itself (no restriction there).
  // Inside the dashboard app (docs/dashboard.md "Code layout"), for .ts files (.vue files are
  // checked by renderer/app/layering.test.ts): stores and the helpers below them (services/,
  // transport/) never import the wiring, views, charts or components above them, nor test
  // helpers; helpers never import stores. A later no-restricted-imports replaces an earlier one,
  // so each block restates the renderer's engine rule.
  ...appLayer(['renderer/app/stores/**/*.ts'], ['wiring', 'views', 'bench', 'charts', 'components', 'testing'], 'stores'),
  ...appLayer(['renderer/app/services/**/*.ts', 'renderer/app/transport/**/*.ts'], ['wiring', 'views', 'bench', 'charts', 'components', 'stores', 'testing'], 'helpers (services/, transport/)'),
);

/** The renderer/** engine rule above, restated for the app-layer blocks (which replace it for their files). */
function rendererEngineRule() {
  return outside(
    ['**/electron/**', 'electron', ['**/engine/*', '!**/engine/index.js', '!**/engine/protocol']],
    'renderer/ talks to the engine through engine/protocol and the public entry (engine/index.js) only; only renderer/engine-host runs the engine host.',
  )['no-restricted-imports'][1].patterns;
}

function appLayer(files, above, what) {
  return [
    {
      files,
      ignores: ['**/*.test.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              ...rendererEngineRule(),
              { group: above.map((dir) => `**/app/${dir}/**`).concat(above.map((dir) => `../${dir}/*`)), message: `renderer/app ${what} import only their own folder and the ones below it (docs/dashboard.md "Code layout").` },
            ],
          },
        ],
      },
    },
  ];
}

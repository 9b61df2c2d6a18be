// Flat config. The import rules enforce the layering of ARCHITECTURE.md:
// engine/** imports nothing outside engine/; renderer/** imports only the engine's public entry
// and engine/protocol; electron/** imports only its own files and protocol types.
import tseslint from 'typescript-eslint';

const outside = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group].flat(), message })) }],
});

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
    rules: outside(
      ['**/electron/**', '**/renderer/**', 'electron', 'vue', 'pinia', 'echarts'],
      'engine/ is pure TypeScript: it imports nothing from electron/ or renderer/ (ARCHITECTURE.md).',
    ),
  },
  {
    files: ['renderer/**/*.ts'],
    rules: outside(
      ['**/electron/**', 'electron', ['**/engine/*', '!**/engine/index.js', '!**/engine/protocol']],
      'renderer/ talks to the engine through engine/protocol and the public entry (engine/index.js) only.',
    ),
  },
  {
    files: ['electron/**/*.ts'],
    rules: outside(
      ['**/renderer/**', '**/engine/backends/**', '**/engine/train/**', '**/engine/data/**'],
      'electron/ imports only its own files and protocol types.',
    ),
  },
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
    'renderer/ talks to the engine through engine/protocol and the public entry (engine/index.js) only.',
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

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
);

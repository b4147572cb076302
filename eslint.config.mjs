// Lint, including the layer rules of ARCHITECTURE.md as import restrictions.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = { group: ['node:*'], message: 'Layer rule: this layer may not use Node built-ins.' };
const electronImport = { name: 'electron', message: 'Layer rule: only electron/main and electron/preload may import electron.' };

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { ecmaVersion: 2023, sourceType: 'module' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Payloads render as text, never as HTML.' }],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/headless/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronImport], patterns: [{ group: ['**/main/**', '**/preload/**', '../main', '../preload'], message: 'Layer rule: the core does not depend on the Electron shell.' }] }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronImport, { name: 'react', message: 'shared/ is runtime-free.' }, { name: 'ioredis', message: 'shared/ is runtime-free.' }, { name: 'amqplib', message: 'shared/ is runtime-free.' }, { name: 'ws', message: 'shared/ is runtime-free.' }],
        patterns: [nodeBuiltins, { group: ['**/electron/**', '**/renderer/**', 'react-dom', 'react-dom/*'], message: 'shared/ imports nothing but zod and itself.' }],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronImport, { name: 'ioredis', message: 'The renderer never touches brokers.' }, { name: 'amqplib', message: 'The renderer never touches brokers.' }, { name: 'ws', message: 'The renderer uses the browser WebSocket.' }],
        patterns: [nodeBuiltins, { group: ['**/electron/**'], message: 'Layer rule: the renderer imports only shared/ and its own files.' }],
      }],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [nodeBuiltins, { group: ['**/core/**', '**/headless/**'], message: 'The sandboxed preload holds the bridge only.' }] }],
    },
  },
  {
    files: ['electron/build.mjs', 'eslint.config.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
);

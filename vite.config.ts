import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// One config for the renderer build (vite) and the test runner (vitest projects).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: { host: '127.0.0.1' },
  test: {
    root: '.',
    projects: [
      {
        extends: true,
        // 20 s, not vitest's 5 s: a few unit tests run ssh-keygen or a worker thread, slow when the 2-core CI machine is busy (not a timing assertion).
        test: { name: 'unit', root: '.', include: ['test/unit/**/*.test.{ts,tsx}'], environment: 'node', testTimeout: 20_000, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          root: '.',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Fails the run listing every key, group, queue, exchange or database it left behind (test/leaks).
          globalSetup: ['test/leaks/vitest-global-setup.ts'],
          // Fault tests start their own brokers; keep the 2-core machine from thrashing.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

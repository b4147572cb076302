import { defineConfig } from '@playwright/test';

// Drives Debian's Chromium (never a downloaded browser) against browser mode with real brokers.
export default defineConfig({
  testDir: '.',
  testMatch: /.*\.e2e\.ts/,
  // Fails the run listing every key, queue or exchange it left behind on the shared brokers.
  globalSetup: '../leaks/playwright-global-setup.ts',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: '../../test-results/e2e',
  use: {
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
});

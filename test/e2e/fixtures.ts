import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page } from '@playwright/test';
import { tempHome, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace } from '../helpers/core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'dist/headless/cli.cjs');

export interface Console {
  /** The URL with the token, as printed by `watchfloor serve`. */
  openUrl: string;
  /** Namespace of the Local environment in this run: every stream and queue it creates starts with it. */
  namespace: string;
  output: () => string;
}

function runCli(home: string, args: string[]): void {
  const result = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, WATCHFLOOR_HOME: home }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`watchfloor ${args.join(' ')} failed: ${result.stderr}`);
}

/**
 * Starts the built browser mode (`watchfloor serve`) with a fresh config home whose Local
 * environment works under a namespace of its own, so the run touches nobody else's keys.
 */
export async function startConsole(shared?: { namespace: string }, edit?: (profiles: { environments: Record<string, unknown>[] }) => void): Promise<{ console: Console; stop: () => Promise<void> }> {
  const home = tempHome();
  const namespace = shared?.namespace ?? uniqueNamespace('e2e');
  runCli(home.dir, ['env', 'list']); // first start: creates Local
  const file = path.join(home.dir, 'environments.json');
  const profiles = JSON.parse(readFileSync(file, 'utf8'));
  profiles.environments[0].namespace = namespace;
  edit?.(profiles);
  writeFileSync(file, JSON.stringify(profiles, null, 2));

  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { env: { ...process.env, WATCHFLOOR_HOME: home.dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const openUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL:\n${output}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /open (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  return {
    console: { openUrl, namespace, output: () => output },
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      // A second console on the same namespace leaves the clean-up to the first.
      if (!shared) await cleanupNamespace(namespace).catch(() => undefined);
      home.cleanup();
    },
  };
}

export const test = base.extend<{ app: Console }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture list from this pattern
  app: async ({}, use) => {
    const { console, stop } = await startConsole();
    await use(console);
    await stop();
  },
});

export { expect };

/**
 * Where a screenshot goes: into the README's test/e2e/screenshots/ when UPDATE_SCREENSHOTS is set,
 * else into this test's output folder (kept for a failed run, never committed).
 */
export const shot = (name: string): string => (process.env.UPDATE_SCREENSHOTS ? `test/e2e/screenshots/${name}` : test.info().outputPath(name));

/** What an analyst does on the Overview. */
export class OverviewPage {
  constructor(private readonly page: Page) {}
  card(envId: string) {
    return this.page.getByTestId(`env-card-${envId}`);
  }
  redisStatus(envId: string) {
    return this.page.getByTestId(`redis-status-${envId}`);
  }
  amqpStatus(envId: string) {
    return this.page.getByTestId(`amqp-status-${envId}`);
  }
  streamRow(name: string) {
    return this.page.getByTestId(`stream-row-${name}`);
  }
  async streamLength(name: string): Promise<number> {
    const text = await this.streamRow(name).getByTestId('stream-length').innerText();
    return Number(text.replace(/[^0-9]/g, ''));
  }
  async startDemo(envId: string, rate: number) {
    await this.page.getByTestId(`demo-rate-${envId}`).fill(String(rate));
    await this.page.getByTestId(`demo-start-${envId}`).click();
  }
  async stopDemo(envId: string) {
    await this.page.getByTestId(`demo-stop-${envId}`).click();
  }
}

/** What an analyst does on the Environments view. */
export class EnvironmentsPage {
  constructor(private readonly page: Page) {}
  async open() {
    await this.page.getByRole('link', { name: /environments/i }).or(this.page.getByRole('button', { name: /^environments$/i })).first().click();
  }
  async add(fields: { name: string; redisUrl?: string; redisPassword?: string; amqpUrl?: string; amqpPassword?: string; managementUrl?: string }) {
    await this.page.getByTestId('env-add').click();
    await this.page.getByTestId('env-name').fill(fields.name);
    if (fields.redisUrl !== undefined) await this.page.getByTestId('env-redis-url').fill(fields.redisUrl);
    if (fields.redisPassword !== undefined) await this.page.getByTestId('env-redis-password').fill(fields.redisPassword);
    if (fields.amqpUrl !== undefined) await this.page.getByTestId('env-amqp-url').fill(fields.amqpUrl);
    if (fields.amqpPassword !== undefined) await this.page.getByTestId('env-amqp-password').fill(fields.amqpPassword);
    if (fields.managementUrl !== undefined) await this.page.getByTestId('env-management-url').fill(fields.managementUrl);
  }
  /**
   * The step every read-only spec starts with: a production environment on the test's namespace
   * (production makes it read-only unless a role says otherwise; the form must show that), saved
   * without a form error.
   */
  async addProduction(fields: Parameters<EnvironmentsPage['add']>[0], namespace: string, options: { role?: 'viewer' | 'operator' | 'admin' } = {}) {
    await this.open();
    await this.add(fields);
    await this.page.getByTestId('env-production').check();
    if (options.role) await this.page.getByTestId('env-role').selectOption(options.role);
    else await expect(this.page.getByTestId('env-read-only')).toBeChecked();
    await this.page.getByTestId('env-namespace').fill(namespace);
    await this.page.getByTestId('env-save').click();
    await expect(this.page.getByTestId('form-error')).toHaveCount(0);
  }
  testResult(broker: 'redis' | 'amqp' | 'management') {
    return this.page.getByTestId(`test-result-${broker}`);
  }
}

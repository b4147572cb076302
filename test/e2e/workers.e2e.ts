import type { Page } from '@playwright/test';
import { EnvironmentsPage, expect, OverviewPage, shot, test } from './fixtures';

/** What an analyst does on the Workers view. */
class WorkersPage {
  constructor(private readonly page: Page) {}
  env(envId: string) {
    return this.page.getByTestId(`workers-env-${envId}`);
  }
  row(envId: string, processor: string) {
    return this.env(envId).getByTestId(`worker-row-${processor}`);
  }
  state(envId: string, processor: string) {
    return this.row(envId, processor).getByTestId('worker-state');
  }
  async count(envId: string, processor: string, counter: string): Promise<number> {
    return Number((await this.row(envId, processor).getByTestId(`worker-${counter}`).innerText()).replace(/[^0-9]/g, ''));
  }
}

test('an analyst starts the event processor, watches it work, pauses it and stops it', async ({ page, app }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(app.openUrl);
  const overview = new OverviewPage(page);
  await expect(overview.redisStatus('local')).toContainText(/connected/i);
  await overview.startDemo('local', 50);

  // The keyboard way in: g w.
  await page.keyboard.press('g');
  await page.keyboard.press('w');
  await expect(page.getByTestId('workers-screen')).toBeVisible();
  const workers = new WorkersPage(page);
  await expect(workers.state('local', 'event')).toHaveText('Stopped');
  await expect(page.getByTestId('workers-summary')).toContainText('0 running');
  // What cannot run here says why (no destination, no RabbitMQ, not in this build).
  await expect(workers.state('local', 'slack')).toHaveText('Unavailable');
  await expect(workers.row('local', 'slack').getByTestId('worker-unavailable')).not.toBeEmpty();

  await workers.row('local', 'event').getByTestId('worker-start').click();
  await expect(workers.state('local', 'event')).toHaveText('Running', { timeout: 30_000 });
  await expect.poll(() => workers.count('local', 'event', 'processed'), { timeout: 30_000 }).toBeGreaterThan(0);
  const first = await workers.count('local', 'event', 'processed');
  await expect.poll(() => workers.count('local', 'event', 'processed'), { timeout: 30_000 }).toBeGreaterThan(first);
  await expect(page.getByTestId('workers-summary')).toContainText('1 running');
  await expect(page.getByTestId('workers-summary')).toContainText('msg/s');
  await page.screenshot({ path: shot('workers.png') });
  await page.getByTestId('destinations-toggle-local').click();
  await expect(page.getByTestId('destinations-state')).toContainText('Slack: not set');
  // The Slack URL is a write-only secret: once saved the field stays empty and says so; "clear" removes it.
  await page.getByTestId('dest-slack-url').fill('https://hooks.slack.com/services/T000/B000/XXXX');
  await page.getByTestId('destinations-save').click();
  await expect(page.getByTestId('destinations-state')).toContainText('Slack: webhook URL set');
  await expect(page.getByTestId('dest-slack-url')).toHaveValue('');
  await expect(page.getByTestId('dest-slack-url')).toHaveAttribute('placeholder', '•••• (unchanged)');
  await expect(page.getByLabel('Incoming-webhook URL — set')).toBeVisible();
  await page.getByTestId('dest-slack-url-clear').check();
  await page.getByTestId('destinations-save').click();
  await expect(page.getByTestId('destinations-state')).toContainText('Slack: not set');
  await expect(page.getByTestId('dest-slack-url-clear')).toHaveCount(0);

  await workers.row('local', 'event').getByTestId('worker-pause').click();
  await expect(workers.state('local', 'event')).toHaveText('Paused', { timeout: 15_000 });
  await expect(workers.row('local', 'event').getByTestId('worker-resume')).toBeEnabled();
  await expect(page.getByTestId('workers-summary')).toContainText('1 paused');
  await workers.row('local', 'event').getByTestId('worker-resume').click();
  await expect(workers.state('local', 'event')).toHaveText('Running', { timeout: 15_000 });

  await workers.row('local', 'event').getByTestId('worker-stop').click();
  await expect(workers.state('local', 'event')).toHaveText('Stopped', { timeout: 15_000 });
  await expect(workers.row('local', 'event').getByTestId('worker-start')).toBeEnabled();
  await expect(workers.row('local', 'event').getByTestId('worker-error')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('on a read-only environment the worker controls are disabled and say why', async ({ page, app }) => {
  await page.goto(app.openUrl);
  const environments = new EnvironmentsPage(page);
  await environments.addProduction({ name: 'Prod RO', redisUrl: 'redis://127.0.0.1:6379' }, app.namespace);
  await page.getByTestId('nav-workers').click();
  const readOnly = page.locator('[data-testid^="workers-env-"]').filter({ hasText: 'Prod RO' });
  await expect(readOnly).toContainText('READ-ONLY');
  await expect(readOnly.locator('[data-testid^="workers-start-all-"]')).toBeDisabled();
  await expect(readOnly.locator('[data-testid^="workers-start-all-"]')).toHaveAttribute('title', /Prod RO is read-only/);
  await expect(readOnly.getByTestId('worker-row-event').getByTestId('worker-start')).toBeDisabled();
  await expect(readOnly.getByTestId('worker-row-event').getByTestId('worker-concurrency')).toBeDisabled();
  await readOnly.locator('[data-testid^="destinations-toggle-"]').click();
  await expect(readOnly.getByTestId('destinations-save')).toBeDisabled();
  await expect(readOnly.getByTestId('destinations-blocked')).toContainText('read-only');
  // The writable Local environment next to it is not affected.
  await expect(page.getByTestId('workers-start-all-local')).toBeEnabled();
});

// StreamConsumer.stop() used to wait for loops parked on "paused" before waking them: it hung.
test('stopping a paused processor stops it', async ({ page, app }) => {
  await page.goto(app.openUrl);
  await page.getByTestId('nav-workers').click();
  const workers = new WorkersPage(page);
  await workers.row('local', 'event').getByTestId('worker-start').click();
  await expect(workers.state('local', 'event')).toHaveText('Running', { timeout: 30_000 });
  await workers.row('local', 'event').getByTestId('worker-pause').click();
  await expect(workers.state('local', 'event')).toHaveText('Paused', { timeout: 15_000 });
  await workers.row('local', 'event').getByTestId('worker-stop').click();
  await expect(workers.row('local', 'event').getByTestId('worker-start')).toBeEnabled({ timeout: 15_000 });
  await expect(workers.state('local', 'event')).toHaveText('Stopped');
});

import { OwnRedis } from '../helpers/brokers';
import { EnvironmentsPage, OverviewPage, expect, test } from './fixtures';

test.describe('an analyst opens the console', () => {
  let secured: OwnRedis;
  test.beforeAll(async () => {
    secured = await OwnRedis.start(['--requirepass', 'the-right-one']);
  });
  test.afterAll(async () => {
    await secured.stop();
  });

  test('sees Local connected, starts demo traffic and watches a stream grow', async ({ page, app }) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.openUrl);
    const overview = new OverviewPage(page);

    await expect(overview.card('local')).toBeVisible();
    await expect(overview.card('local')).toContainText('Local');
    await expect(overview.redisStatus('local')).toContainText(/connected/i);
    await expect(overview.amqpStatus('local')).toContainText(/connected/i);
    await expect(overview.redisStatus('local')).not.toContainText(/disconnected/i);

    await overview.startDemo('local', 100);
    const events = `${app.namespace}security.events`;
    await expect(overview.streamRow(events)).toBeVisible();
    await expect.poll(() => overview.streamLength(events)).toBeGreaterThan(0);
    const first = await overview.streamLength(events);
    // Refreshed every second without reloading the page.
    await expect.poll(() => overview.streamLength(events)).toBeGreaterThan(first);
    await expect(page.getByTestId(`queue-row-${app.namespace}discovery_queue`)).toBeVisible();

    await page.screenshot({ path: test.info().outputPath('overview.png') });

    await overview.stopDemo('local');
    expect(errors).toEqual([]);
  });

  test('adds an environment with a wrong password and sees the authentication error', async ({ page, app }) => {
    await page.goto(app.openUrl);
    const environments = new EnvironmentsPage(page);
    await environments.open();
    await environments.add({
      name: 'Wrong password',
      redisUrl: `redis://127.0.0.1:${secured.port}`,
      redisPassword: 'not-the-right-one',
      amqpUrl: 'amqp://guest@127.0.0.1:5672',
      amqpPassword: 'not-guest',
    });
    await page.getByTestId('env-test').click();
    await expect(environments.testResult('redis')).toContainText(/authentication failed/i);
    await expect(environments.testResult('amqp')).toContainText(/authentication failed/i);
    await page.screenshot({ path: test.info().outputPath('env-test.png') });

    await page.getByTestId('env-save').click();
    await expect(page.getByTestId('form-error')).toHaveCount(0);
    await page.getByRole('link', { name: /overview/i }).or(page.getByRole('button', { name: /^overview$/i })).first().click();
    const card = page.locator('[data-testid^="env-card-"]').filter({ hasText: 'Wrong password' });
    await expect(card.locator('[data-testid^="redis-status-"]')).toContainText(/authentication failed/i);
    // The password never reaches the page.
    expect(await page.content()).not.toContain('not-the-right-one');
    await page.screenshot({ path: test.info().outputPath('overview-auth.png') });
  });

  test('refuses invalid input with a clear message', async ({ page, app }) => {
    await page.goto(app.openUrl);
    const environments = new EnvironmentsPage(page);
    await environments.open();
    await environments.add({ name: 'Bad', redisUrl: 'http://not-redis:6379' });
    await page.getByTestId('env-save').click();
    await expect(page.getByTestId('form-error')).toContainText('unknown scheme "http:"');
  });
});

import { freePort } from '../helpers/brokers';
import { expect, shot, startConsole, test } from './fixtures';

/**
 * Issue 21.3, "unknown is not zero": an environment whose Redis and RabbitMQ both refuse
 * connections. Before, the fleet said "live", Dead letters said "nothing has failed" and the
 * workers offered to start as if all were well; each screen must now say the brokers are down.
 */
test('an environment whose brokers are down is never shown as live, empty or healthy', async ({ page }) => {
  test.setTimeout(90_000);
  const deadRedis = await freePort();
  const deadAmqp = await freePort();
  const { console: app, stop } = await startConsole(undefined, (profiles) => {
    profiles.environments.push({
      id: 'dead',
      name: 'Dead',
      colour: '#d73a49',
      production: false,
      namespace: '',
      redis: { url: `redis://127.0.0.1:${deadRedis}`, username: '', tls: false },
      amqp: { url: `amqp://guest@127.0.0.1:${deadAmqp}` },
    });
  });
  try {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(app.openUrl);

    // Overview: the dead environment's fleet row names both brokers and why, its DLQ count is unknown.
    const dead = page.getByTestId('fleet-row-dead');
    await expect(dead.getByTestId('fleet-data-none')).toContainText('no data: Redis (connection refused), RabbitMQ (connection refused)', { timeout: 20_000 });
    await expect(dead.getByTestId('fleet-dlq')).toHaveText('—');
    await expect(dead.getByTestId('fleet-firing')).toHaveText('unknown');
    await expect(page.getByTestId('fleet-row-local')).toContainText('live');
    await expect(page.getByTestId('env-card-local').getByTestId('card-updated')).toContainText(/updated (just now|\d+ s ago)/);
    await page.screenshot({ path: shot('brokers-down.png'), fullPage: false });

    // Dead letters: no "nothing has failed" while Redis cannot be read.
    await page.getByTestId('nav-deadletters').click();
    await page.getByTestId('dlq-env').selectOption('dead');
    await expect(page.getByTestId('dlq-redis-down')).toContainText('Redis (connection refused) is not reachable');
    await expect(page.getByTestId('dlq-screen')).not.toContainText('nothing has failed');

    // Workers: the view says the brokers are down before anyone starts processors on it.
    await page.getByTestId('nav-workers').click();
    await expect(page.getByTestId('workers-brokers-down-dead')).toContainText('Redis (connection refused), RabbitMQ (connection refused) are not reachable');
    await expect(page.getByTestId('workers-brokers-down-local')).toHaveCount(0);
    expect(errors).toEqual([]);
  } finally {
    await stop();
  }
});

/**
 * Issue 21.2: two profiles of the same Redis under the same namespace are one set of data. The
 * Overview says so and what to do, the Environments list marks the repeat, and the badge and the
 * all-environments alert list count each alert once.
 */
test('two environments on the same Redis and namespace are flagged and their alerts counted once', async ({ page }) => {
  test.setTimeout(120_000);
  const { console: app, stop } = await startConsole(undefined, (profiles) => {
    const local = profiles.environments[0]!;
    profiles.environments.push({ ...local, id: 'twin', name: 'Twin', amqp: null });
  });
  try {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(app.openUrl);
    const warning = page.getByTestId('same-redis-warning');
    await expect(warning).toContainText('Twin and Local are the same Redis server under the same namespace', { timeout: 20_000 });
    await expect(warning).toContainText('Give one of them its own namespace');
    await page.screenshot({ path: shot('same-redis.png'), fullPage: false });

    // Alerts from the demo, seen through both profiles.
    await page.getByTestId('demo-rate-local').fill('40');
    await page.getByTestId('demo-start-local').click();
    await page.getByTestId('nav-alerts').click();
    await page.getByTestId('alerts-env').selectOption('local');
    await expect(page.locator('[data-testid^="alert-row-"]').first()).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('nav-overview').click();
    await page.getByTestId('demo-stop-local').click();

    // The badge equals the open critical and high alerts of one profile, not twice that.
    await page.getByTestId('nav-alerts').click();
    await page.getByTestId('alerts-status').selectOption('open');
    await page.getByTestId('alerts-sev-critical').click();
    await page.getByTestId('alerts-sev-high').click();
    const count = page.getByTestId('alerts-count');
    await expect(count).toContainText('shown of');
    const shown = async () => Number((await count.textContent())!.split(' ')[0]!.replace(/,/g, ''));
    // Read together until they settle (an in-flight event may still raise one more alert).
    await expect.poll(async () => {
      const n = await shown();
      return n > 0 && (await page.getByTestId('alerts-badge').textContent()) === String(n);
    }).toBe(true);
    const local = await shown();
    await page.getByTestId('alerts-env').selectOption('twin');
    await expect(count).toContainText(`${local} shown of`);
    await page.getByTestId('alerts-env').selectOption('all');
    await expect(count).toContainText(`${local} shown of`);
    await expect(page.getByTestId('alerts-same-redis')).toContainText('Twin (same Redis and namespace as Local): its alerts are listed once');

    await page.getByTestId('nav-environments').click();
    await expect(page.getByTestId('env-same-redis-twin')).toHaveText('same Redis as Local');
    await expect(page.getByTestId('env-same-redis-local')).toHaveCount(0);
    expect(errors).toEqual([]);
  } finally {
    await stop();
  }
});

import { freePort } from '../helpers/brokers';
import { expect, startConsole, test } from './fixtures';

const shot = (name: string) => (process.env.UPDATE_SCREENSHOTS ? `test/e2e/screenshots/${name}` : test.info().outputPath(name));

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

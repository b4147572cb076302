import amqp from 'amqplib';
import { Queue } from 'bullmq';
import { AMQP_URL, MANAGEMENT_URL, REDIS_URL } from '../helpers/brokers';
import { createMigratedDatabase, type TestDatabase } from '../helpers/postgres';
import { EnvironmentsPage, expect, shot, test } from './fixtures';

// Issue 17: the RabbitMQ queue detail and the BullMQ queue chart reach 24 h and 7 d back from the database.
test.describe('queue charts past the live hour', () => {
  let db: TestDatabase | undefined;

  test.beforeAll(async () => {
    db = await createMigratedDatabase();
  });
  test.afterAll(async () => {
    await db?.drop();
  });

  test('an analyst opens a queue at 24 h and 7 d from the database; without one only the live hour is offered', async ({ page, app }) => {
    test.setTimeout(120_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const queue = `${app.namespace}orders`;
    const connection = await amqp.connect(AMQP_URL);
    const channel = await connection.createChannel();
    const redis = new URL(REDIS_URL);
    const bull = new Queue('ingress', { connection: { host: redis.hostname, port: Number(redis.port || 6379), maxRetriesPerRequest: null }, prefix: `${app.namespace}bull` });
    try {
      await channel.assertQueue(queue, { durable: false });
      for (let i = 0; i < 3; i++) channel.sendToQueue(queue, Buffer.from(String(i)));
      for (let i = 0; i < 2; i++) await bull.add('job', { i });
      // What an earlier console stored: the last 20 hours, a minute each, a backlog building up and
      // draining twice (ready up to 400), rates alongside; the BullMQ queue's waiting jobs likewise.
      const client = await db!.client();
      try {
        await client.query(
          `INSERT INTO queue_samples (broker, queue, minute, ready, unacked, consumers, publish_rate, deliver_rate, ack_rate)
           SELECT 'rabbitmq', $1, date_trunc('minute', $2::timestamptz) - (m || ' minutes')::interval,
                  round(200 + 200 * sin(m / 190.0)), m % 7, 2, 40 + 10 * sin(m / 60.0), 38 + 10 * sin(m / 60.0), 38 + 10 * sin(m / 60.0)
           FROM generate_series(2, 1200) m`,
          [queue, new Date(Date.now())],
        );
        await client.query(
          `INSERT INTO queue_samples (broker, queue, minute, waiting, active, delayed, prioritized, failed, completed)
           SELECT 'bullmq', $1, date_trunc('minute', $2::timestamptz) - (m || ' minutes')::interval, round(50 + 50 * cos(m / 120.0)), 3, 1, 0, m / 300, 0
           FROM generate_series(2, 1200) m`,
          [`${app.namespace}bull:ingress`, new Date(Date.now())],
        );
      } finally {
        await client.end();
      }

      await page.setViewportSize({ width: 1440, height: 1000 });
      await page.goto(app.openUrl);
      const environments = new EnvironmentsPage(page);
      await environments.open();
      await environments.add({ name: 'Stored', redisUrl: REDIS_URL, amqpUrl: AMQP_URL, managementUrl: MANAGEMENT_URL });
      await page.getByTestId('env-namespace').fill(app.namespace);
      await page.getByTestId('env-postgres-url').fill(db!.url);
      await page.getByTestId('env-save').click();
      await expect(page.getByTestId('env-form')).toHaveCount(0);

      await page.getByTestId('nav-queues').click();
      // The Local environment has no database: its queue detail offers the live hour only.
      const local = page.getByTestId('rabbit-env-local');
      await local.getByTestId(`rabbit-row-${queue}`).click();
      await expect(local.getByTestId('rabbit-detail').getByTestId('rabbit-window-3600')).toBeVisible();
      await expect(local.getByTestId('rabbit-detail').getByTestId('rabbit-window-86400')).toHaveCount(0);
      await local.getByLabel('Close queue detail').click();

      const stored = page.locator('[data-testid^="rabbit-env-"]').filter({ hasText: 'Stored' });
      await stored.getByTestId(`rabbit-row-${queue}`).click();
      const detail = stored.getByTestId('rabbit-detail');
      await detail.getByTestId('rabbit-window-86400').click();
      await expect(detail.getByTestId('rabbit-window-86400')).toHaveAttribute('aria-pressed', 'true');
      await expect(detail.getByTestId('rabbit-history-stored')).toContainText('5-minute buckets');
      await expect(detail.getByTestId('rabbit-history-stored-since')).toContainText('the database has no earlier sample of this queue in the last 24 hours');
      // The last stored bucket holds the newest sample (its depth = ready + unacked of the highest minute).
      await expect(detail.getByTestId('rabbit-chart-depth')).not.toHaveAttribute('data-last', '');
      await expect(detail.getByTestId('rabbit-chart-depth').locator('.recharts-line path').first()).toBeVisible();
      await expect(detail.getByTestId('rabbit-chart-rates')).toContainText('as the console sampled them');
      // Day-and-time axis labels over a day, not bare clock times.
      await expect(detail.getByTestId('rabbit-chart-depth')).toContainText(/(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:\d\d/);
      await detail.scrollIntoViewIfNeeded();
      await detail.screenshot({ path: shot('queue-stored-history.png') });
      await detail.getByTestId('rabbit-window-604800').click();
      await expect(detail.getByTestId('rabbit-history-stored')).toContainText('1-hour buckets');
      await expect(detail.getByTestId('rabbit-history-stored-since')).toContainText('in the last 7 days');
      // Back to the live hour: the console's own memory again, no database note.
      await detail.getByTestId('rabbit-window-900').click();
      await expect(detail.getByTestId('rabbit-history-stored')).toHaveCount(0);
      await expect(detail.getByTestId('rabbit-chart-depth')).toBeVisible();

      // The BullMQ queue of the same environment.
      const bullPanel = page.locator('[data-testid^="bull-env-"]').filter({ hasText: 'Stored' });
      await bullPanel.getByTestId('bull-row-ingress').click();
      const bullDetail = bullPanel.getByTestId('bull-detail');
      await bullDetail.getByTestId('bull-window-86400').click();
      await expect(bullDetail.getByTestId('bull-history-stored')).toContainText('5-minute buckets (each job count: the highest in the bucket)');
      await expect(bullDetail.getByTestId('bull-chart')).not.toHaveAttribute('data-last', '');
      await expect(bullDetail.getByTestId('bull-chart').locator('.recharts-line path').first()).toBeVisible();
      await bullDetail.getByTestId('bull-chart').scrollIntoViewIfNeeded();
      await bullDetail.getByTestId('bull-chart').screenshot({ path: shot('bull-stored-history.png') });
      expect(errors).toEqual([]);
    } finally {
      await bull.obliterate({ force: true }).catch(() => undefined);
      await bull.close();
      await channel.deleteQueue(queue).catch(() => undefined);
      await connection.close();
    }
  });
});

import type { Page } from '@playwright/test';
import amqp from 'amqplib';
import { AMQP_URL } from '../helpers/brokers';
import { OwnRabbit } from '../helpers/rabbitmq';
import { EnvironmentsPage, OverviewPage, expect, shot, test } from './fixtures';

/** What an analyst does on the Queues screen's RabbitMQ panel. */
class RabbitQueuesPage {
  constructor(private readonly page: Page) {}
  async open() {
    await this.page.getByTestId('nav-queues').click();
  }
  row(queue: string) {
    return this.page.getByTestId(`rabbit-row-${queue}`);
  }
  async number(queue: string, cell: string): Promise<number> {
    const text = await this.row(queue).getByTestId(cell).innerText();
    return Number(text.replace(/[^0-9.]/g, '') || 'NaN');
  }
}

test('an analyst watches the demo queues, opens a queue\'s charts and purges it with typed confirmation', async ({ page, app }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(app.openUrl);
  const overview = new OverviewPage(page);
  const queues = new RabbitQueuesPage(page);
  const discovery = `${app.namespace}discovery_queue`;
  const metrics = `${app.namespace}metrics_queue`;

  await expect(overview.amqpStatus('local')).toContainText(/connected/i);
  await overview.startDemo('local', 100);
  await queues.open();

  // The demo's queues with their numbers, DLQs marked, the stats-lag note shown.
  await expect(queues.row(discovery)).toBeVisible();
  await expect(queues.row(`${discovery}.dlq`)).toContainText('DLQ');
  await expect(page.getByTestId('rabbit-stats-note')).toContainText('~5 s');
  await expect.poll(() => queues.number(discovery, 'rabbit-ready'), { timeout: 30_000 }).toBeGreaterThan(0);
  // Publish rate from the management API (RabbitMQ refreshes it every ~5 s).
  await expect.poll(() => queues.number(discovery, 'rabbit-publish'), { timeout: 40_000 }).toBeGreaterThan(0);

  // Sorting by ready puts the fullest queue first.
  await page.getByTestId('rabbit-sort-ready').click();
  const names = await page.locator('[data-testid^="rabbit-row-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')));
  const readies = await Promise.all(names.map((n) => queues.number(n!.slice('rabbit-row-'.length), 'rabbit-ready')));
  expect(readies[0]).toBe(Math.max(...readies));

  // Detail: depth and rate charts from queues.history, drawn and refreshing.
  await queues.row(metrics).click();
  const detail = page.getByTestId('rabbit-detail');
  await expect(detail).toBeVisible();
  await expect(detail.getByTestId('rabbit-chart-depth').locator('.recharts-line path').first()).toBeVisible();
  await expect(detail.getByTestId('rabbit-chart-rates').locator('.recharts-line').first()).toBeAttached();
  const depthPath = () => detail.getByTestId('rabbit-chart-depth').locator('.recharts-line path').first().getAttribute('d');
  const before = await depthPath();
  await expect.poll(depthPath, { timeout: 20_000 }).not.toBe(before);
  // The best of these is kept as test/e2e/screenshots/queues.png.
  await page.screenshot({ path: test.info().outputPath('queues.png') });

  // Stop the traffic, then purge metrics_queue: the button waits for the exact name.
  await page.getByTestId('nav-overview').click();
  await overview.stopDemo('local');
  await queues.open();
  await queues.row(metrics).click();
  await expect(detail).toBeVisible();
  await detail.getByTestId('purge-open').click();
  const input = page.getByTestId('purge-confirm-input');
  const confirm = page.getByTestId('purge-confirm');
  await expect(confirm).toBeDisabled();
  await input.fill(metrics.toUpperCase());
  await expect(confirm).toBeDisabled();
  await input.fill(metrics);
  await expect(confirm).toBeEnabled();
  await page.screenshot({ path: test.info().outputPath('purge-dialog.png') });
  await confirm.click();
  await expect(page.getByTestId('purge-result')).toContainText(/Purged [1-9][\d,]* messages?/);
  await expect.poll(() => queues.number(metrics, 'rabbit-ready'), { timeout: 30_000 }).toBe(0);
  await page.screenshot({ path: test.info().outputPath('purged.png') });

  // A queue deleted while its detail is open shows as gone, not as empty.
  const alerts = `${app.namespace}alert_queue`;
  await queues.row(alerts).click();
  await expect(detail.getByTestId('rabbit-chart-depth')).toBeVisible();
  const connection = await amqp.connect(AMQP_URL);
  try {
    await (await connection.createChannel()).deleteQueue(alerts);
  } finally {
    await connection.close();
  }
  await expect(detail.getByTestId('queue-gone')).toBeVisible({ timeout: 20_000 });
  await expect(detail.getByTestId('purge-open')).toBeDisabled();
  await page.screenshot({ path: test.info().outputPath('gone.png') });
  expect(errors).toEqual([]);
});

test('on a read-only environment the purge button is disabled and says why; the top-bar selection narrows the panel', async ({ page, app }) => {
  const queue = `${app.namespace}ro-check`;
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  await channel.assertQueue(queue, { durable: false });
  channel.sendToQueue(queue, Buffer.from('{}'));
  try {
    await page.goto(app.openUrl);
    const environments = new EnvironmentsPage(page);
    await environments.addProduction({ name: 'Prod RO', amqpUrl: 'amqp://guest@127.0.0.1:5672', amqpPassword: 'guest', managementUrl: 'http://guest:guest@127.0.0.1:15672' }, app.namespace);

    await page.getByTestId('nav-queues').click();
    const readOnly = page.locator('[data-testid^="rabbit-env-"]').filter({ hasText: 'Prod RO' });
    await expect(readOnly).toContainText('READ-ONLY');
    await readOnly.getByTestId(`rabbit-row-${queue}`).click();
    const detail = readOnly.getByTestId('rabbit-detail');
    await expect(detail.getByTestId('purge-open')).toBeDisabled();
    await expect(detail.getByTestId('purge-blocked')).toContainText('Prod RO is read-only');
    await expect(page.locator('[data-testid^="rabbit-env-"]')).toHaveCount(2);

    const filter = page.getByTestId('env-filter');
    const readOnlyId = await filter.locator('option', { hasText: 'Prod RO' }).getAttribute('value');
    await filter.selectOption(readOnlyId!);
    await expect(page.locator('[data-testid^="rabbit-env-"]')).toHaveCount(1);
    await expect(page.getByTestId('rabbit-env-local')).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath('read-only.png') });
    expect((await channel.checkQueue(queue)).messageCount).toBe(1);
  } finally {
    await channel.deleteQueue(queue).catch(() => undefined);
    await connection.close();
  }
});

test('an analyst sees each RabbitMQ node\'s memory and disk against their limits and finds a client\'s connection and channels', async ({ page, app }) => {
  test.setTimeout(90_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1400, height: 1000 });
  const clientName = `${app.namespace}alert-router`;
  const queue = `${app.namespace}e2e-consumed`;
  const connection = await amqp.connect(AMQP_URL, { clientProperties: { connection_name: clientName } });
  try {
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: false });
    await channel.prefetch(25);
    await channel.consume(queue, () => undefined);
    await connection.createChannel();
    await page.goto(app.openUrl);
    await page.getByTestId('nav-queues').click();
    const broker = page.getByTestId('rabbit-broker-local');
    // The node with its memory against the high watermark and its free disk against the limit; no alarm.
    const node = broker.locator('[data-testid^="rabbit-node-"]').first();
    await expect(node.getByTestId('rabbit-node-memory')).toContainText(/memory \d+(\.\d)? (MiB|GiB) of \d+(\.\d)? (MiB|GiB) \(\d+(\.\d)? %\)/, { timeout: 20_000 });
    await expect(node.getByTestId('rabbit-node-disk')).toContainText(/disk free .* \(alarm below .*\)/);
    await expect(broker.getByTestId('rabbit-alarm')).toHaveCount(0);
    // The test's named connection, its two channels, the consumer with its prefetch (RabbitMQ's stats take ~5 s).
    await broker.getByTestId('rabbit-connections-toggle').click();
    const row = broker.getByTestId(`rabbit-connection-${clientName}`);
    await expect(row).toBeVisible({ timeout: 20_000 });
    await expect(row).toContainText('amqplib');
    await expect(row.getByTestId('rabbit-connection-state')).toHaveText('running');
    await row.click();
    const channels = broker.getByTestId('rabbit-channels');
    await expect(channels.getByTestId('rabbit-channel-1')).toContainText('25', { timeout: 20_000 });
    await expect(channels.getByTestId('rabbit-channel-2')).toBeVisible();
    await expect(channels.getByTestId('rabbit-channel-1')).toContainText(/^1\s*1\s*25/);
    await page.screenshot({ path: shot('rabbit-connections.png') });
    expect(errors).toEqual([]);
  } finally {
    await connection.createChannel().then((c) => c.deleteQueue(queue)).catch(() => undefined);
    await connection.close().catch(() => undefined);
  }
});

test('a RabbitMQ node in a memory alarm is said at the top in red, with its figures and that publishers are blocked', async ({ page, app }) => {
  test.setTimeout(180_000);
  // A private node whose high watermark (1 MB) is below what any node uses: in an alarm from its start.
  const rabbit = await OwnRabbit.start(['vm_memory_high_watermark.absolute = 1MB']);
  try {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(app.openUrl);
    const environments = new EnvironmentsPage(page);
    await environments.open();
    await environments.add({ name: 'Alarmed', amqpUrl: `amqp://guest@127.0.0.1:${rabbit.amqpPort}`, amqpPassword: 'guest', managementUrl: rabbit.managementUrl });
    await page.getByTestId('env-save').click();
    await expect(page.getByTestId('form-error')).toHaveCount(0);
    await page.getByTestId('nav-queues').click();
    const alarmed = page.locator('[data-testid^="rabbit-env-"]').filter({ hasText: 'Alarmed' });
    await expect(alarmed.getByTestId('rabbit-alarm')).toContainText(`Memory alarm on ${rabbit.nodeName}`, { timeout: 60_000 });
    await expect(alarmed.getByTestId('rabbit-alarm')).toContainText('publishers are blocked');
    await expect(alarmed.locator(`[data-testid="rabbit-node-${rabbit.nodeName}"]`).getByTestId('rabbit-node-memory')).toContainText('ALARM');
    // The shared broker of Local is not in an alarm, and says nothing.
    await expect(page.getByTestId('rabbit-broker-local').getByTestId('rabbit-alarm')).toHaveCount(0);
    await alarmed.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('rabbit-alarm.png') });
  } finally {
    await rabbit.stop();
  }
});

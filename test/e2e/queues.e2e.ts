import type { Page } from '@playwright/test';
import amqp from 'amqplib';
import { AMQP_URL } from '../helpers/brokers';
import { OverviewPage, expect, test } from './fixtures';

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

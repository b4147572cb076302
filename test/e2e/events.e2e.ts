import type { Page } from '@playwright/test';
import { Redis } from 'ioredis';
import { REDIS_URL } from '../helpers/brokers';
import type pg from 'pg';
import { eventColumns, INSERT_EVENTS_SQL } from '../../electron/core/database/event-store';
import { migrate } from '../../electron/core/database/schema';
import { INSERT_METRICS_SQL, metricColumns } from '../../electron/core/database/metrics-store';
import { createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import type { SecurityEvent, SecurityMetric } from '../../shared/schemas/security-streams';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { EnvironmentsPage, expect, shot, test } from './fixtures';

const HOUR = 3_600_000;
const ASSETS = ['asset-a', 'asset-b', 'asset-c'];
const METRIC_SAMPLES = 141;

/** What an analyst does on the Events view. */
class EventsPage {
  constructor(private readonly page: Page) {}
  async open() {
    await this.page.getByTestId('nav-events').click();
    await expect(this.page.getByTestId('events-screen')).toBeVisible();
  }
  total() {
    return this.page.getByTestId('events-total');
  }
  rows() {
    return this.page.getByTestId('event-row');
  }
  problem() {
    return this.page.getByTestId('events-problem');
  }
  async ids(): Promise<string[]> {
    return this.rows().evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id') ?? ''));
  }
}

/** Newest first, as the host pages them: time, then id, descending. */
const newestFirst = (list: readonly SecurityEvent[]) => [...list].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || (a.id < b.id ? 1 : -1)).map((e) => e.id);

// Issue 17: the stored event history in the console, against the real PostgreSQL.
test.describe('the Events view', () => {
  let db: TestDatabase | undefined;
  let bare: TestDatabase | undefined;
  const now = Date.now();
  /** 360 events over the last 20 hours (one every 200 s, three assets in turn), and 40 more 2 to 5 days ago. */
  const recent: SecurityEvent[] = [];
  const older: SecurityEvent[] = [];

  test.beforeAll(async () => {
    const random = createRandom(17);
    for (let i = 0; i < 360; i++) recent.push({ ...(securityEvent(random, now - 60_000 - i * 200_000) as SecurityEvent), asset_id: ASSETS[i % 3]! });
    for (let i = 0; i < 40; i++) older.push({ ...(securityEvent(random, now - 2 * 24 * HOUR - i * 2 * HOUR) as SecurityEvent), asset_id: ASSETS[i % 3]! });
    db = await createTestDatabase();
    // A database the event-store sink has never run on: no events table.
    bare = await createTestDatabase();
    let client: pg.Client | undefined;
    try {
      client = await db.client();
      await migrate(client);
      const inserted = await client.query(INSERT_EVENTS_SQL, eventColumns([...recent, ...older].map((value) => ({ value, entryId: null }))));
      expect(inserted.rowCount).toBe(400);
      // asset-b's metric samples: one every 10 minutes over the last 23.5 hours, cpu 40..49, memory 70.
      const metrics: SecurityMetric[] = Array.from({ length: METRIC_SAMPLES }, (_, k) => ({ asset_id: 'asset-b', organization_id: 'org-1', metric_type: 'system', timestamp: new Date(now - 60_000 - k * 600_000).toISOString(), metrics: { cpu_usage: 40 + (k % 10), memory_usage: 70 }, tags: {} }) as SecurityMetric);
      await client.query(INSERT_METRICS_SQL, metricColumns(metrics.map((value) => ({ value, entryId: null }))));
    } finally {
      await client?.end();
    }
  });

  test.afterAll(async () => {
    await db?.drop();
    await bare?.drop();
  });

  test('an analyst reads the stored history: chart total and rows match the filter, older pages load, missing databases say what to do', async ({ page, app }) => {
    test.setTimeout(120_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(app.openUrl);
    await expect(page.getByTestId('env-card-local')).toBeVisible();

    // The keyboard way in: g v. Local has no database: the view says so and how to add one.
    await page.keyboard.press('g');
    await page.keyboard.press('v');
    const events = new EventsPage(page);
    await expect(page.getByTestId('events-screen')).toBeVisible();
    await expect(page.getByTestId('nav-events')).toHaveAttribute('aria-current', 'page');
    await expect(events.problem()).toHaveAttribute('data-kind', 'no-database');
    await expect(events.problem()).toContainText('No database configured for this environment.');
    await expect(events.problem()).toContainText('Environments → Edit → Database');
    await expect(page.getByTestId('events-edit-env')).toHaveText('Edit Local');

    // Two environments on the same Redis namespace: one with the filled database, one with the bare one.
    const environments = new EnvironmentsPage(page);
    for (const [name, url] of [
      ['History', db!.url],
      ['Bare DB', bare!.url],
    ] as const) {
      await environments.open();
      await environments.add({ name, redisUrl: 'redis://127.0.0.1:6379' });
      await page.getByTestId('env-namespace').fill(app.namespace);
      await page.getByTestId('env-postgres-url').fill(url);
      await page.getByTestId('env-save').click();
      await expect(page.getByTestId('form-error')).toHaveCount(0);
      await expect(page.getByTestId('env-form')).toHaveCount(0);
    }

    // The bare database: no events table yet, and the way to the sink that creates it.
    await events.open();
    await page.getByTestId('events-env').selectOption({ label: 'Bare DB' });
    await expect(events.problem()).toHaveAttribute('data-kind', 'no-table');
    await expect(events.problem()).toContainText('no events table');
    await expect(events.problem()).toContainText('Workers view');
    await page.screenshot({ path: test.info().outputPath('events-no-table.png') });

    // The overview shows each environment's database: Local has none, Bare DB is up with no schema yet, History is up and current.
    await page.getByTestId('nav-overview').click();
    const databaseCell = (name: string) => page.locator('tr[data-testid^="fleet-row-"]', { has: page.getByText(name, { exact: true }) }).getByTestId('fleet-postgres');
    await expect(databaseCell('Local')).toHaveText('—');
    await expect(databaseCell('History')).toHaveText('up');
    await expect(databaseCell('Bare DB')).toHaveText('up !');
    await expect(databaseCell('Bare DB')).toHaveAttribute('title', /no schema yet/);
    const bareCard = page.locator('article[data-testid^="env-card-"]', { has: page.getByRole('heading', { name: 'Bare DB', exact: true }) });
    await expect(bareCard.locator('[data-testid^="postgres-note-"]')).toContainText('no schema yet');
    // The card of History (its fleet row picks it).
    await page.locator('tr[data-testid^="fleet-row-"]', { has: page.getByText('History', { exact: true }) }).click();
    const historyCard = page.locator('article[data-testid^="env-card-"]', { has: page.getByRole('heading', { name: 'History', exact: true }) });
    await expect(historyCard.locator('[data-testid^="postgres-schema-"]')).toHaveText(/^schema v\d+ · plain PostgreSQL · retention by this console/);
    await historyCard.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('overview-database.png') });
    await events.open();

    // The last 24 h of History: the 360 recent events, the first 100 of them newest first.
    await page.getByTestId('events-env').selectOption({ label: 'History' });
    await expect(events.total()).toHaveText('360');
    await expect(events.rows()).toHaveCount(100);
    await expect(page.getByTestId('events-shown')).toContainText('Showing 100 of 360');
    const all = newestFirst(recent);
    expect(await events.ids()).toEqual(all.slice(0, 100));
    const first = recent.find((e) => e.id === all[0])!;
    const firstRow = events.rows().first();
    await expect(firstRow.getByTestId('event-title')).toHaveText(first.title);
    await expect(firstRow.getByTestId('event-type')).toHaveText(first.event_type);
    await expect(firstRow.getByTestId('event-asset')).toHaveText(first.asset_id);
    await expect(firstRow.getByTestId('event-correlation')).toHaveText(first.correlation_id);
    await expect(firstRow.locator('.sev-badge')).toHaveText(first.severity);

    // One asset: 120 events, two pages; Load older adds the second, each event once, then says it is the end.
    await page.getByTestId('events-asset').fill('asset-b');
    const assetB = newestFirst(recent.filter((e) => e.asset_id === 'asset-b'));
    await expect(events.total()).toHaveText(String(assetB.length));
    // Filtered to one asset, its stored metrics are charted above the rows: a chart a field, the newest bucket's mean beside it.
    const cpu = page.getByTestId('asset-metric-system-cpu_usage');
    await expect(cpu).toBeVisible();
    await expect(cpu.getByTestId('asset-metric-latest')).toHaveText('40');
    await expect(cpu).toContainText(`${METRIC_SAMPLES} samples`);
    await expect(page.getByTestId('asset-metric-system-memory_usage').getByTestId('asset-metric-latest')).toHaveText('70');
    await expect(cpu.locator('.recharts-line-curve').first()).toBeVisible();
    await page.getByTestId('asset-metrics').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('events-asset-metrics.png') });
    await expect(events.rows()).toHaveCount(100);
    await page.getByTestId('events-older').click();
    await expect(events.rows()).toHaveCount(assetB.length);
    expect(await events.ids()).toEqual(assetB);
    await expect(page.getByTestId('events-end')).toBeVisible();
    await expect(page.getByTestId('events-older')).toHaveCount(0);

    // And only critical and high: the chart's total and the rows are exactly those events.
    await page.getByTestId('events-sev-critical').click();
    await page.getByTestId('events-sev-high').click();
    const urgent = newestFirst(recent.filter((e) => e.asset_id === 'asset-b' && (e.severity === 'critical' || e.severity === 'high')));
    expect(urgent.length).toBeGreaterThan(5);
    await expect(events.total()).toHaveText(String(urgent.length));
    await expect(events.rows()).toHaveCount(urgent.length);
    expect(await events.ids()).toEqual(urgent);
    await expect(page.locator('[data-testid="event-row"]:not([data-severity="critical"]):not([data-severity="high"])')).toHaveCount(0);

    // A type nobody emits: the empty state.
    await page.getByTestId('events-type').fill('no_such_type');
    await expect(page.getByTestId('events-empty')).toHaveText('No stored events in this range with this filter.');
    await expect(events.total()).toHaveText('0');

    // Clear the filters, 7 days: the older events too; paging to the end gives all 400 once, newest first.
    await page.getByTestId('events-type').fill('');
    await page.getByTestId('events-asset').fill('');
    await page.getByTestId('events-sev-critical').click();
    await page.getByTestId('events-sev-high').click();
    await page.getByTestId('events-range-7d').click();
    await expect(page.getByTestId('events-range-7d')).toHaveAttribute('aria-pressed', 'true');
    await expect(events.total()).toHaveText('400');
    await expect(page.getByTestId('events-chart')).toContainText('400 stored events in the last 7 days');
    await expect(events.rows()).toHaveCount(100);
    await page.screenshot({ path: shot('events.png') });
    for (const shown of [200, 300, 400]) {
      await page.getByTestId('events-older').click();
      await expect(events.rows()).toHaveCount(shown);
    }
    expect(await events.ids()).toEqual(newestFirst([...recent, ...older]));
    await expect(page.getByTestId('events-end')).toBeVisible();

    // One event type over 7 days: the total and the rows match what was inserted.
    const type = first.event_type;
    await page.getByTestId('events-type').fill(type);
    const typed = newestFirst([...recent, ...older].filter((e) => e.event_type === type));
    await expect(events.total()).toHaveText(String(typed.length));
    await expect(events.rows()).toHaveCount(Math.min(100, typed.length));
    expect(await events.ids()).toEqual(typed.slice(0, 100));

    // The way out of "no database": Edit Local opens its form.
    await page.getByTestId('events-env').selectOption({ label: 'Local' });
    await expect(events.problem()).toHaveAttribute('data-kind', 'no-database');
    await page.getByTestId('events-edit-env').click();
    await expect(page.getByTestId('env-form')).toBeVisible();
    await expect(page.getByTestId('env-name')).toHaveValue('Local');
    await page.getByTestId('env-cancel').click();
    expect(errors).toEqual([]);
  });

  test('a stream’s charts reach 24 h and 7 d back from the database; without one only the live hour is offered', async ({ page, app }) => {
    test.setTimeout(90_000);
    const redis = new Redis(REDIS_URL);
    const stream = `${app.namespace}orders`;
    try {
      await redis.xgroup('CREATE', stream, 'workers', '$', 'MKSTREAM');
      for (let i = 0; i < 5; i++) await redis.xadd(stream, '*', 'data', '{}');
      await page.setViewportSize({ width: 1440, height: 1000 });
      await page.goto(app.openUrl);
      const environments = new EnvironmentsPage(page);
      await environments.open();
      await environments.add({ name: 'Stored', redisUrl: 'redis://127.0.0.1:6379' });
      await page.getByTestId('env-namespace').fill(app.namespace);
      await page.getByTestId('env-postgres-url').fill(db!.url);
      await page.getByTestId('env-save').click();
      await expect(page.getByTestId('env-form')).toHaveCount(0);

      await page.getByTestId('nav-streams').click();
      const local = page.getByTestId('streams-env-local');
      await local.getByTestId(`streams-row-${stream}`).click();
      await expect(local.getByTestId('stream-detail').getByTestId('window-3600')).toBeVisible();
      await expect(local.getByTestId('stream-detail').getByTestId('window-86400')).toHaveCount(0);

      const withDb = page.locator('[data-testid^="streams-env-"]').filter({ hasText: 'Stored' });
      await withDb.getByTestId(`streams-row-${stream}`).click();
      const detail = withDb.getByTestId('stream-detail');
      await detail.getByTestId('window-86400').click();
      await expect(detail.getByTestId('window-86400')).toHaveAttribute('aria-pressed', 'true');
      await expect(detail.getByTestId('stream-history-stored')).toContainText('5-minute buckets');
      await expect(detail.getByTestId('stream-history-stored-since')).toContainText('the database has no earlier sample of this stream in the last 24 hours');
      await expect(detail.getByTestId('chart-length')).toHaveAttribute('data-last', '5');
      await expect(detail.getByTestId('chart-lag')).toHaveAttribute('data-last', '5');
      await detail.scrollIntoViewIfNeeded();
      await page.screenshot({ path: shot('stream-stored-history.png') });
      await detail.getByTestId('window-604800').click();
      await expect(detail.getByTestId('stream-history-stored')).toContainText('1-hour buckets');
      await expect(detail.getByTestId('chart-length')).toHaveAttribute('data-last', '5');
    } finally {
      await redis.del(stream);
      redis.disconnect();
    }
  });
});

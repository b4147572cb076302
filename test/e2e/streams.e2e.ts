import type { Page } from '@playwright/test';
import { Redis } from 'ioredis';
import { REDIS_URL } from '../helpers/brokers';
import { EnvironmentsPage, expect, OverviewPage, shot, test } from './fixtures';

/** Screenshots worth keeping go to test/e2e/screenshots with UPDATE_SCREENSHOTS=1, to the test output otherwise. */

/** What an analyst does on the Streams view. */
class StreamsPage {
  constructor(private readonly page: Page) {}
  async open() {
    await this.page.getByTestId('nav-streams').click();
  }
  row(stream: string) {
    return this.page.getByTestId(`streams-row-${stream}`);
  }
  async length(stream: string): Promise<number> {
    return Number((await this.row(stream).getByTestId('streams-length').innerText()).replace(/[^0-9]/g, '') || 'NaN');
  }
  groupPending(stream: string, group: string) {
    return this.page.getByTestId(`streams-group-${stream}-${group}`).getByTestId('group-pending');
  }
  detail() {
    return this.page.getByTestId('stream-detail');
  }
  async confirm() {
    await this.page.getByTestId('action-confirm').click();
    await expect(this.page.getByTestId('action-dialog')).toHaveCount(0);
  }
}

test('an analyst watches the demo streams, sees a detail chart move, works the pending list and sees a deleted stream as gone', async ({ page, app }) => {
  test.setTimeout(150_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 1000 });
  const redis = new Redis(REDIS_URL);
  // A stream whose consumer read five entries and died without acknowledging them.
  const orders = `${app.namespace}e2e.orders`;
  for (let i = 0; i < 5; i++) await redis.xadd(orders, '*', 'data', JSON.stringify({ order: i }));
  await redis.xgroup('CREATE', orders, 'billing', '0');
  const read = (await redis.xreadgroup('GROUP', 'billing', 'dead-worker', 'COUNT', 5, 'STREAMS', orders, '>')) as [string, [string, string[]][]][];
  // Redelivered once (XCLAIM counts a delivery): every entry has been delivered twice.
  await redis.xclaim(orders, 'billing', 'dead-worker', 0, ...read[0]![1].map(([id]) => id));
  try {
    await page.goto(app.openUrl);
    const overview = new OverviewPage(page);
    const streams = new StreamsPage(page);
    const events = `${app.namespace}security.events`;
    await expect(overview.redisStatus('local')).toContainText(/connected/i);
    await overview.startDemo('local', 100);
    await streams.open();

    // Every demo stream with its groups; DLQ streams marked; lengths growing.
    await expect(streams.row(events)).toBeVisible();
    await expect(page.getByTestId(`streams-group-${events}-event-processors`)).toBeVisible();
    await expect(streams.row(`${events}.dlq`)).toContainText('DLQ');
    const first = await streams.length(events);
    await expect.poll(() => streams.length(events), { timeout: 20_000 }).toBeGreaterThan(first);

    // Sorting by length puts the longest stream first.
    await page.getByTestId('sort-length').click();
    const lengths = await page.locator('[data-testid^="streams-row-"] [data-testid="streams-length"]').allInnerTexts();
    const numbers = lengths.map((t) => Number(t.replace(/[^0-9]/g, '')));
    expect(numbers[0]).toBe(Math.max(...numbers));

    // The detail's charts come from the host's history and move while the demo runs.
    await streams.row(events).click();
    const detail = streams.detail();
    await expect(detail.getByTestId('chart-length').locator('.recharts-line path').first()).toBeVisible({ timeout: 20_000 });
    await expect(detail.getByTestId('chart-lag').locator('.recharts-line').first()).toBeAttached();
    await expect(detail.getByTestId('chart-rates').locator('.recharts-line').first()).toBeAttached();
    const lastLength = () => detail.getByTestId('chart-length').getAttribute('data-last');
    await expect.poll(lastLength, { timeout: 20_000 }).not.toBe('');
    const before = await lastLength();
    await expect.poll(lastLength, { timeout: 30_000 }).not.toBe(before);
    expect(Number(await lastLength())).toBeGreaterThan(Number(before));
    await page.screenshot({ path: shot('stream-detail.png') });
    await detail.getByTestId('window-3600').click();
    await expect(detail.getByTestId('window-3600')).toHaveAttribute('aria-pressed', 'true');
    await detail.getByTestId('stream-detail-close').click();
    await page.getByTestId('sort-name').click();
    await page.screenshot({ path: shot('streams.png') });

    // The pending list of the dead worker: acknowledge two, claim the rest, delete the consumer, dead-letter.
    await page.getByTestId(`streams-row-${orders}`).click();
    await expect(detail.locator('[data-testid^="pending-row-"]')).toHaveCount(5);
    await expect(streams.groupPending(orders, 'billing')).toHaveText('5');
    const ids = (await detail.locator('[data-testid^="pending-row-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')!.slice('pending-row-'.length))));
    await detail.getByTestId(`pending-select-${ids[0]}`).check();
    await detail.getByTestId(`pending-select-${ids[1]}`).check();
    await detail.getByTestId('action-ack').click();
    await streams.confirm();
    await expect(detail.getByTestId('action-result')).toContainText('acknowledged 2 of 2');
    await expect(detail.locator('[data-testid^="pending-row-"]')).toHaveCount(3);
    await expect(streams.groupPending(orders, 'billing')).toHaveText('3', { timeout: 15_000 });

    // A dialog takes the focus, names what it acts on, and Esc closes it wherever the focus is (issue 21.5).
    await detail.getByTestId('action-claim').click();
    await expect(page.getByTestId('action-subject')).toHaveText(`${orders} / billing`);
    await expect(page.getByTestId('action-dialog').locator(':focus')).toHaveCount(1);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('action-dialog')).toHaveCount(0);
    await expect(detail.getByTestId('action-claim')).toBeFocused();
    await detail.getByTestId('action-claim').click();
    await page.getByTestId('claim-consumer').fill('rescuer');
    await page.getByTestId('claim-idle').fill('0');
    await streams.confirm();
    await expect(detail.getByTestId('action-result')).toContainText('claimed 3 entries to rescuer');
    await expect(detail.getByTestId(`pending-row-${ids[2]}`)).toContainText('rescuer');

    await expect(detail.getByTestId('action-delete-consumer')).toBeEnabled({ timeout: 15_000 });
    await detail.getByTestId('action-delete-consumer').click();
    await page.getByTestId('delete-consumer-name').selectOption('dead-worker');
    // Destructive: the name must be typed before the core issues its confirmation token.
    await expect(page.getByTestId('action-confirm')).toBeDisabled();
    await page.getByTestId('delete-consumer-confirm').fill('dead-worker');
    await streams.confirm();
    await expect(detail.getByTestId('action-result')).toContainText('deleted consumer dead-worker');

    await detail.getByTestId('action-dlq').click();
    await page.getByTestId('dlq-min-deliveries').fill('1');
    await page.screenshot({ path: test.info().outputPath('dlq-dialog.png') });
    await streams.confirm();
    await expect(detail.getByTestId('action-result')).toContainText(`moved 3 of 3 pending entries to ${orders}.dlq`);
    expect(await redis.xlen(`${orders}.dlq`)).toBe(3);
    await expect(detail.getByTestId('pending-empty')).toBeVisible();

    // Deleted while watched: gone, not empty; actions disabled.
    await redis.del(orders);
    await expect(detail.getByTestId('stream-gone')).toBeVisible({ timeout: 20_000 });
    await page.screenshot({ path: test.info().outputPath('stream-gone.png') });
    expect(errors).toEqual([]);
  } finally {
    redis.disconnect();
  }
});

test('an analyst browses a stream\'s entries: newest first, every field, binary and huge values, a typed position, what a group has not read, new arrivals', async ({ page, app }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 1100 });
  const redis = new Redis(REDIS_URL);
  const stream = `${app.namespace}e2e.alerts`;
  const ids: string[] = [];
  for (let i = 0; i < 120; i++) {
    const event = { event_id: `evt-${i}`, asset_id: `system-${i}`, severity: i % 10 === 0 ? 'critical' : 'low' };
    ids.push((await redis.xadd(stream, '*', 'data', JSON.stringify(event), 'source', 'edr'))!);
  }
  const binaryId = (await redis.xadd(stream, '*', 'data', Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00])))!;
  const hugeId = (await redis.xadd(stream, '*', 'data', JSON.stringify({ blob: 'z'.repeat(300 * 1024) })))!;
  // The router read up to entry 99 and no further.
  await redis.xgroup('CREATE', stream, 'router', ids[99]!);
  try {
    await page.goto(app.openUrl);
    await page.getByTestId('nav-streams').click();
    await page.getByTestId(`streams-row-${stream}`).click();
    const entries = page.getByTestId('stream-detail').getByTestId('entries-section');
    await expect(entries.getByTestId('entries-length')).toHaveText('122 in the stream');
    // Newest first, a page of 50; the two newest are the huge and the binary one.
    const rowIds = () => entries.locator('tbody tr.rabbit-row').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid')!.slice('entry-'.length)));
    await expect.poll(rowIds).toHaveLength(50);
    expect((await rowIds()).slice(0, 3)).toEqual([hugeId, binaryId, ids[119]]);
    // Binary: its hex is withheld while the environment masks anything (the defaults here; issue 20).
    await expect(entries.getByTestId(`entry-${binaryId}`)).toContainText('data=••• masked (binary payload)');
    await expect(entries.getByTestId(`entry-${ids[119]}`)).toContainText('"asset_id":"system-119"');
    // Not yet read by the router past its position; read before it.
    await expect(entries.getByTestId(`entry-${ids[100]}`)).toContainText('router');

    // The huge entry opens with its value read again at 256 KiB, and says it is cut.
    await entries.getByTestId(`entry-${hugeId}`).click();
    const detail = entries.getByTestId('entry-detail');
    await expect(detail.getByTestId('entry-field-data')).toContainText('(first 256.0 KiB of 300.0 KiB)');
    await entries.getByTestId(`entry-${binaryId}`).click();
    await expect(detail.getByTestId('entry-field-data')).toContainText('binary, 5 B: its hex is withheld while this environment masks fields');
    await entries.getByTestId(`entry-${ids[119]}`).click();
    await expect(detail.getByTestId('entry-field-data')).toContainText('"asset_id": "system-119"');
    await expect(detail.getByTestId('entry-field-source')).toHaveText('edr');
    await page.screenshot({ path: shot('stream-entries.png') });

    // The next page is the older entries; the router has read them.
    await entries.getByTestId('entries-next').click();
    await expect.poll(async () => (await rowIds())[0]).toBe(ids[71]);
    await expect(entries.getByTestId(`entry-${ids[71]}`)).not.toContainText('router');
    await entries.getByTestId('entries-first').click();
    await expect.poll(async () => (await rowIds())[0]).toBe(hugeId);

    // Oldest first, and from a typed id.
    await entries.getByTestId('entries-order').selectOption('oldest');
    await expect.poll(async () => (await rowIds())[0]).toBe(ids[0]);
    await entries.getByTestId('entries-from').fill(ids[42]!);
    await entries.getByTestId('entries-go').click();
    await expect.poll(async () => (await rowIds()).slice(0, 2)).toEqual([ids[42], ids[43]]);
    await expect(entries.getByTestId('entries-from-note')).toContainText(`At or after ${ids[42]}`);
    await entries.getByTestId('entries-from').fill('yesterday');
    await entries.getByTestId('entries-go').click();
    await expect(entries.getByTestId('entries-from-error')).toContainText('is not an entry id');
    await entries.getByTestId('entries-from').fill('');
    await entries.getByTestId('entries-go').click();
    await entries.getByTestId('entries-order').selectOption('newest');
    await expect.poll(async () => (await rowIds())[0]).toBe(hugeId);

    // The filter looks at the loaded page and says so.
    await entries.getByTestId('entries-filter').fill('"critical"');
    await expect(entries.getByTestId('entries-filter-count')).toContainText('4 of the 50 entries on this page match');
    await entries.getByTestId('entries-filter').fill('');

    // A new entry: the page says newer entries arrived instead of jumping under the analyst's eyes.
    const newest = (await redis.xadd(stream, '*', 'data', '{"event_id":"evt-new"}'))!;
    await expect(entries.getByTestId('entries-newer')).toBeVisible({ timeout: 15_000 });
    await entries.getByTestId('entries-newer').getByRole('button').click();
    await expect.poll(async () => (await rowIds())[0]).toBe(newest);
    await expect(entries.getByTestId('entries-newer')).toHaveCount(0);

    // Deleted while open: said, and the last entries read stay.
    await redis.del(stream);
    await expect(page.getByTestId('stream-gone')).toBeVisible({ timeout: 20_000 });
    await expect(entries.getByTestId('entries-refresh')).toBeDisabled();
    await expect(entries.getByTestId(`entry-${newest}`)).toBeVisible();
    expect(errors).toEqual([]);
  } finally {
    await redis.del(stream);
    redis.disconnect();
  }
});

test('on a read-only environment the stream actions are disabled and say why', async ({ page, app }) => {
  const redis = new Redis(REDIS_URL);
  const stream = `${app.namespace}ro.orders`;
  await redis.xadd(stream, '*', 'data', '{}');
  await redis.xgroup('CREATE', stream, 'g', '0');
  await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', 1, 'STREAMS', stream, '>');
  try {
    await page.goto(app.openUrl);
    const environments = new EnvironmentsPage(page);
    await environments.addProduction({ name: 'Prod RO', redisUrl: 'redis://127.0.0.1:6379' }, app.namespace);

    await page.getByTestId('nav-streams').click();
    const readOnly = page.locator('[data-testid^="streams-env-"]').filter({ hasText: 'Prod RO' });
    await expect(readOnly).toContainText('READ-ONLY');
    await readOnly.getByTestId(`streams-row-${stream}`).click();
    const detail = readOnly.getByTestId('stream-detail');
    await expect(detail.locator('[data-testid^="pending-row-"]')).toHaveCount(1);
    for (const action of ['action-ack', 'action-claim', 'action-dlq', 'action-delete-consumer']) await expect(detail.getByTestId(action)).toBeDisabled();
    await expect(detail.getByTestId('actions-blocked')).toContainText('Prod RO is read-only');
    // The same stream on the writable Local environment has them enabled.
    const local = page.getByTestId('streams-env-local');
    await local.getByTestId(`streams-row-${stream}`).click();
    await expect(local.getByTestId('stream-detail').getByTestId('action-claim')).toBeEnabled();
    await page.screenshot({ path: test.info().outputPath('streams-read-only.png') });
  } finally {
    redis.disconnect();
  }
});

test('a long list renders only what its scroll box shows and still reaches every stream', async ({ page, app }) => {
  const redis = new Redis(REDIS_URL);
  const names = Array.from({ length: 300 }, (_, i) => `${app.namespace}bulk.${String(i).padStart(3, '0')}`);
  const setup = redis.pipeline();
  for (const name of names) setup.xgroup('CREATE', name, 'g', '$', 'MKSTREAM');
  await setup.exec();
  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(app.openUrl);
    await page.getByTestId('nav-streams').click();
    await page.getByTestId('streams-filter').fill('bulk.');
    const box = page.getByTestId('streams-scroll');
    await expect(box).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId(`streams-row-${names[0]}`)).toBeVisible();
    // Far fewer rows in the DOM than streams.
    const rendered = await page.locator('[data-testid^="streams-row-"]').count();
    expect(rendered).toBeLessThan(100);
    await expect(page.getByTestId(`streams-row-${names[299]}`)).toHaveCount(0);
    // Scrolled to the end, the last stream is there and on screen.
    await box.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect(page.getByTestId(`streams-row-${names[299]}`)).toBeInViewport();
    await expect(page.getByTestId(`streams-row-${names[0]}`)).toHaveCount(0);
    // Halfway down, the rows shown are the ones whose position that is.
    await box.evaluate((el) => (el.scrollTop = el.scrollHeight / 2 - el.clientHeight / 2));
    await expect(page.getByTestId(`streams-row-${names[150]}`)).toBeInViewport();
    await page.screenshot({ path: test.info().outputPath('streams-long.png') });
  } finally {
    await redis.del(...names);
    redis.disconnect();
  }
});

test("BullMQ's internal streams are hidden from the pipeline's until shown, then listed with their queue", async ({ page, app }) => {
  const redis = new Redis(REDIS_URL);
  const pipeline = `${app.namespace}security.events`;
  // BullMQ keeps each queue's job events in `bull:<queue>:events`.
  const internal = `${app.namespace}bull:jobs:events`;
  await redis.xadd(pipeline, '*', 'data', '{}');
  await redis.xadd(internal, '*', 'event', 'added', 'jobId', '1');
  try {
    await page.goto(app.openUrl);
    const overview = new OverviewPage(page);
    await expect(overview.streamRow(pipeline)).toBeVisible({ timeout: 40_000 });
    await expect(overview.streamRow(internal)).toHaveCount(0);
    await expect(page.getByTestId('overview-show-bull')).toBeVisible();
    await page.getByTestId('overview-show-bull').check();
    await expect(overview.streamRow(internal).getByTestId('stream-bull-tag')).toHaveText('BullMQ · jobs');

    await page.getByTestId('nav-streams').click();
    await expect(page.getByTestId(`streams-row-${pipeline}`)).toBeVisible();
    await expect(page.getByTestId(`streams-row-${internal}`)).toHaveCount(0);
    await expect(page.getByTestId('streams-count-local')).toContainText('1 BullMQ internal hidden');
    await page.getByTestId('streams-show-bull').check();
    await expect(page.getByTestId(`streams-row-${internal}`).getByTestId('stream-bull-tag')).toHaveText('BullMQ · jobs');
    await expect(page.getByTestId(`streams-row-${pipeline}`).getByTestId('stream-bull-tag')).toHaveCount(0);
  } finally {
    redis.disconnect();
  }
});

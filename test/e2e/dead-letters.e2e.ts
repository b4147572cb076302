import { Redis } from 'ioredis';
import amqp, { type GetMessage } from 'amqplib';
import { Queue, Worker } from 'bullmq';
import { AMQP_URL, REDIS_URL } from '../helpers/brokers';
import { EnvironmentsPage, expect, shot, test } from './fixtures';

test('an analyst finds dead letters, inspects one, dry-runs and replays two back to their stream', async ({ page, app }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  const redis = new Redis(REDIS_URL);
  const origin = `${app.namespace}security.events`;
  const dlq = `${origin}.dlq`;
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    ids.push(
      (await redis.xadd(dlq, '*', 'data', JSON.stringify({ event_id: `evt-${i}`, severity: 'critical' }), 'dlq_origin_stream', origin, 'dlq_origin_group', 'event-processors', 'dlq_error', `schema: missing event_type (${i})`, 'dlq_attempts', '3'))!,
    );
  }
  try {
    await page.goto(app.openUrl);
    await page.getByTestId('nav-deadletters').click();
    await page.getByTestId(`dlq-source-${dlq}`).click({ timeout: 20_000 });
    await expect(page.locator('[data-testid^="dlq-row-"]')).toHaveCount(3);
    await page.getByTestId(`dlq-row-${ids[1]}`).click();
    await expect(page.getByTestId('dlq-payload')).toContainText('"event_id": "evt-1"');
    await expect(page.getByTestId('dlq-detail')).toContainText('schema: missing event_type (1)');

    await page.getByTestId(`dlq-select-${ids[0]}`).check();
    await page.getByTestId(`dlq-select-${ids[2]}`).check();
    const before = await redis.xlen(origin);
    await page.getByTestId('dlq-dry-run').click();
    await expect(page.getByTestId('dlq-result')).toContainText(`would replay 2 of 2 (2 → ${origin})`);
    // The dry run runs the event processor's check: these entries have no event_type, so they would fail again (issue 21.7).
    await expect(page.getByTestId('dlq-result')).toContainText('2 would fail again (not a seed 000 security event');
    expect(await redis.xlen(origin)).toBe(before);
    await page.screenshot({ path: shot('dead-letters.png') });

    await page.getByTestId('dlq-replay').click();
    await expect(page.getByTestId('dlq-verdict')).toContainText('2 of these would be dead-lettered again');
    await expect(page.getByTestId('action-confirm')).toHaveText('Replay anyway');
    await page.screenshot({ path: shot('dead-letters-verdict.png') });
    await page.getByTestId('action-confirm').click();
    await expect(page.getByTestId('dlq-result')).toContainText(`replayed 2 of 2 (2 → ${origin})`);
    await expect(page.locator('[data-testid^="dlq-row-"]')).toHaveCount(1);
    expect(await redis.xlen(origin)).toBe(before + 2);
    expect(errors).toEqual([]);
  } finally {
    redis.disconnect();
  }
});

test('an analyst scrolls a 25,000-entry DLQ to its oldest entry: pages load as the list nears the bottom, the DOM stays small and the earliest rows are unloaded', async ({ page, app }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  const redis = new Redis(REDIS_URL);
  const origin = `${app.namespace}billing.events`;
  const dlq = `${origin}.dlq`;
  const total = 25_000;
  let oldest = '';
  let newest = '';
  for (let batch = 0; batch < total; batch += 5000) {
    const pipeline = redis.pipeline();
    for (let i = batch; i < batch + 5000; i++) pipeline.xadd(dlq, '*', 'data', JSON.stringify({ n: i }), 'dlq_origin_stream', origin, 'dlq_origin_group', 'billing', 'dlq_error', `declined #${i}`, 'dlq_attempts', String(1 + (i % 5)));
    const results = (await pipeline.exec())!;
    if (batch === 0) oldest = results[0]![1] as string;
    newest = results.at(-1)![1] as string;
  }
  expect(await redis.xlen(dlq)).toBe(total);
  try {
    await page.goto(app.openUrl);
    await page.getByTestId('nav-deadletters').click();
    await page.getByTestId(`dlq-source-${dlq}`).click({ timeout: 20_000 });
    const rows = page.locator('[data-testid^="dlq-row-"]');
    await expect(page.getByTestId(`dlq-row-${newest}`)).toBeVisible();
    await expect(page.getByTestId('dlq-count')).toContainText(`of ${total.toLocaleString('en-US')}`);
    // A selection made at the top survives scrolling away and back.
    await page.getByTestId(`dlq-select-${newest}`).check();

    const list = page.getByTestId('dlq-scroll');
    let maxRows = 0;
    let sawUnloaded = false;
    await list.hover();
    for (let step = 0; step < 1000; step++) {
      if (await page.getByTestId('dlq-end').isVisible()) break;
      await list.evaluate((el) => {
        el.scrollTop = el.scrollHeight;
      });
      if (step % 10 === 0) await page.mouse.wheel(0, 2000);
      await page.waitForTimeout(30);
      maxRows = Math.max(maxRows, await rows.count());
      sawUnloaded ||= await page.getByTestId('dlq-unloaded').isVisible().catch(() => false);
      if (await page.getByTestId('dlq-load-error').isVisible()) throw new Error(await page.getByTestId('dlq-load-error').innerText());
    }
    await expect(page.getByTestId('dlq-end')).toBeVisible();
    await expect(page.getByTestId(`dlq-row-${oldest}`)).toBeVisible();
    await expect(page.getByTestId(`dlq-row-${oldest}`)).toContainText(`declined #0`);
    expect(maxRows).toBeGreaterThan(10);
    expect(maxRows).toBeLessThanOrEqual(100);
    expect(await page.locator('.dlq-table tbody tr').count()).toBeLessThanOrEqual(100);
    // At most 10,000 entries stay loaded: the first 15,000 were dropped from the top.
    await list.evaluate((el) => {
      el.scrollTop = 0;
    });
    await expect(page.getByTestId('dlq-unloaded')).toContainText('15,000 earlier entries unloaded');
    expect(sawUnloaded || (await page.getByTestId('dlq-unloaded').isVisible())).toBe(true);
    await expect(page.getByTestId('dlq-count')).toContainText('10,000 loaded (all), 15,000 earlier unloaded');
    await list.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await expect(page.getByTestId(`dlq-row-${oldest}`)).toBeVisible();
    await page.screenshot({ path: shot('dead-letters-scroll.png') });

    // Keyboard: Home goes to the top of what is loaded; back to the start reloads the first page.
    await list.focus();
    await page.keyboard.press('Home');
    await expect(page.getByTestId('dlq-unloaded')).toBeVisible();
    await page.getByTestId('dlq-back-to-start').click();
    await expect(page.getByTestId(`dlq-row-${newest}`)).toBeVisible();
    await expect(page.getByTestId('dlq-unloaded')).toHaveCount(0);
    await expect(page.getByTestId(`dlq-select-${newest}`)).toBeChecked();
    await list.focus();
    await page.keyboard.press('End');
    await expect.poll(() => list.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);

    // Oldest first starts at the oldest entry.
    await page.getByTestId('dlq-order').selectOption('oldest');
    await expect(rows.first()).toHaveAttribute('data-testid', `dlq-row-${oldest}`);
    expect(errors).toEqual([]);
  } finally {
    redis.disconnect();
  }
});

test('on a read-only environment replay is disabled and says why; a dry run still works', async ({ page, app }) => {
  const redis = new Redis(REDIS_URL);
  const dlq = `${app.namespace}security.alerts.dlq`;
  const id = (await redis.xadd(dlq, '*', 'data', '{}', 'dlq_origin_stream', `${app.namespace}security.alerts`, 'dlq_error', 'boom'))!;
  try {
    await page.goto(app.openUrl);
    const environments = new EnvironmentsPage(page);
    await environments.addProduction({ name: 'Prod RO', redisUrl: 'redis://127.0.0.1:6379' }, app.namespace);
    await page.getByTestId('nav-deadletters').click();
    await page.getByTestId('dlq-env').selectOption({ label: 'Prod RO' });
    await page.getByTestId(`dlq-source-${dlq}`).click({ timeout: 20_000 });
    await page.getByTestId(`dlq-select-${id}`).check();
    await expect(page.getByTestId('dlq-replay')).toBeDisabled();
    await expect(page.getByTestId('dlq-blocked')).toContainText('Prod RO is read-only');
    await page.getByTestId('dlq-dry-run').click();
    await expect(page.getByTestId('dlq-result')).toContainText('would replay 1 of 1');
    expect(await redis.xlen(dlq)).toBe(1);
  } finally {
    redis.disconnect();
  }
});

test('an analyst finds a dead letter by a field value, edits it, replays it and sees it back in its stream', async ({ page, app }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  const redis = new Redis(REDIS_URL);
  const origin = `${app.namespace}security.events`;
  const dlq = `${origin}.dlq`;
  let needle = '';
  for (let i = 0; i < 40; i++) {
    const id = (await redis.xadd(dlq, '*', 'data', JSON.stringify({ event_id: `evt-${i}`, asset_id: i === 23 ? 'asset-needle' : `asset-${i}`, event_type: '' }), 'dlq_origin_stream', origin, 'dlq_error', i % 2 ? 'schema: missing event_type' : `timeout after ${i} ms`, 'dlq_attempts', '3'))!;
    if (i === 23) needle = id;
  }
  try {
    await page.goto(app.openUrl);
    await page.getByTestId('nav-deadletters').click();
    await page.getByTestId(`dlq-source-${dlq}`).click({ timeout: 20_000 });
    await page.getByTestId('dlq-groups').click();
    await expect(page.getByTestId('dlq-groups-panel')).toContainText('20 schema: missing event_type');
    await expect(page.getByTestId('dlq-groups-panel')).toContainText('20 timeout after <n> ms');

    await page.getByTestId('dlq-search-query').fill('asset_id=asset-needle');
    await page.getByTestId('dlq-search').click();
    await expect(page.getByTestId('dlq-search-progress')).toContainText('1 matching in 40 of 40 entries');
    await expect(page.locator('[data-testid^="dlq-row-"]')).toHaveCount(1);
    await page.getByTestId(`dlq-row-${needle}`).click();
    await expect(page.getByTestId('dlq-payload')).toContainText('asset-needle');
    await page.screenshot({ path: shot('dead-letters-search.png') });

    await page.getByTestId('dlq-edit').click();
    const editor = page.getByTestId('dlq-editor');
    await editor.fill('{ "event_id": "evt-23", "asset_id": "asset-needle", "event_type": ');
    await expect(page.getByTestId('dlq-editor-error')).toContainText('Not valid JSON');
    await expect(page.getByTestId('action-confirm')).toBeDisabled();
    await editor.fill('{ "event_id": "evt-23", "asset_id": "asset-needle", "event_type": "aws_root_login_breach" }');
    await expect(page.getByTestId('dlq-editor-error')).toHaveCount(0);
    await page.getByTestId('action-confirm').click();
    await expect(page.getByTestId('dlq-result')).toContainText(`replayed the edited entry to ${origin}`);

    const [[, fields]] = (await redis.xrevrange(origin, '+', '-', 'COUNT', 1)) as [[string, string[]]];
    expect(JSON.parse(fields[1]!)).toEqual({ event_id: 'evt-23', asset_id: 'asset-needle', event_type: 'aws_root_login_breach' });
    expect(fields.slice(2, 6)).toEqual(['replay_count', '1', 'replay_of', `${dlq}/${needle}`]);
    // And its lineage: one step, from this DLQ entry, edited (issue 20).
    expect(fields[6]).toBe('replay_lineage');
    expect(JSON.parse(fields[7]!)).toMatchObject([{ dlq, dlq_id: needle, dlq_error: 'schema: missing event_type', edited: true }]);
    expect(fields).toHaveLength(8);
    expect(await redis.xlen(dlq)).toBe(39);
    expect(errors).toEqual([]);
  } finally {
    redis.disconnect();
  }
});

test('an analyst browses a RabbitMQ dead-letter queue without consuming it, reads the x-death chain and replays two with confirms', async ({ page, app }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  const work = `${app.namespace}e2e.work`;
  const dlq = `${work}.dlq`;
  const dlx = `${app.namespace}e2e.dlx`;
  try {
    await channel.assertExchange(dlx, 'direct', { durable: false });
    await channel.assertQueue(dlq, { durable: false });
    await channel.bindQueue(dlq, dlx, work);
    await channel.assertQueue(work, { durable: false, arguments: { 'x-dead-letter-exchange': dlx, 'x-dead-letter-routing-key': work } });
    for (let i = 0; i < 3; i++) {
      channel.sendToQueue(work, Buffer.from(JSON.stringify({ discovery: i })), { messageId: `d-${i}` });
      let message: GetMessage | false = false;
      while (!message) message = await channel.get(work, { noAck: false });
      channel.nack(message, false, false);
    }
    // A fourth dies of old age: its TTL runs out in the work queue.
    channel.sendToQueue(work, Buffer.from('{"discovery":"late"}'), { messageId: 'd-ttl', expiration: '1' });
    while ((await channel.checkQueue(dlq)).messageCount < 4) await new Promise((resolve) => setTimeout(resolve, 50));
    await page.goto(app.openUrl);
    await page.getByTestId('nav-deadletters').click();
    await page.getByTestId(`rabbit-dlq-source-${dlq}`).click({ timeout: 30_000 });
    await expect(page.locator('[data-testid^="rabbit-dlq-row-"]')).toHaveCount(4);
    await expect(page.getByTestId('rabbit-dlq-note')).toContainText('Nothing was removed');
    expect((await channel.checkQueue(dlq)).messageCount).toBe(4);
    await page.getByTestId('rabbit-dlq-row-4').click();
    await expect(page.getByTestId('rabbit-dlq-why')).toContainText(`expired in ${work}: its TTL (message or queue) ran out before a consumer took it`);
    await page.getByTestId('rabbit-dlq-row-1').click();
    await expect(page.getByTestId('rabbit-dlq-detail')).toContainText(`rejected in ${work} ×1`);
    await expect(page.getByTestId('rabbit-dlq-why')).toContainText(`rejected by a consumer of ${work} (nack/reject without requeue)`);
    await expect(page.getByTestId('rabbit-dlq-consumer-error')).toContainText('The consumer gave no reason');
    await page.getByTestId('rabbit-dlq-replay').click();
    await page.getByTestId('rabbit-replay-count').fill('2');
    await page.getByTestId('action-confirm').click();
    await expect(page.getByTestId('rabbit-dlq-result')).toContainText(`replayed 2 of 2 (2 → ${work})`);
    await expect(page.locator('[data-testid^="rabbit-dlq-row-"]')).toHaveCount(2);
    expect((await channel.checkQueue(work)).messageCount).toBe(2);
    expect(errors).toEqual([]);
  } finally {
    for (const q of [work, dlq]) await channel.deleteQueue(q).catch(() => undefined);
    await channel.deleteExchange(dlx).catch(() => undefined);
    await connection.close().catch(() => undefined);
  }
});

test('an analyst retries a failed BullMQ job from the Dead letters view', async ({ page, app }) => {
  const url = new URL(REDIS_URL);
  const connection = { host: url.hostname, port: Number(url.port || 6379) };
  const prefix = `${app.namespace}bull`;
  const queue = new Queue('e2e-payments', { connection, prefix });
  try {
    await queue.add('charge', { order: 7 }, { attempts: 1 });
    const worker = new Worker('e2e-payments', async () => { throw new Error('card declined'); }, { connection, prefix });
    while ((await queue.getFailedCount()) < 1) await new Promise((r) => setTimeout(r, 100));
    await worker.close();
    await page.goto(app.openUrl);
    await page.getByTestId('nav-deadletters').click();
    await page.getByTestId('bull-dlq-source-e2e-payments-failed').click({ timeout: 40_000 });
    const row = page.locator('[data-testid^="bull-dlq-row-"]');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('card declined');
    await page.locator('[data-testid^="bull-dlq-select-"]').check();
    await page.getByTestId('bull-dlq-retry').click();
    await page.getByTestId('action-confirm').click();
    await expect(page.getByTestId('bull-dlq-result')).toContainText('retried 1 of 1');
    expect(await queue.getFailedCount()).toBe(0);
    expect(await queue.getWaitingCount()).toBe(1);
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
});

test('the pipeline loop: the event processor dead-letters a bad event, the analyst finds it, fixes it, replays it, and the processor turns it into an alert', async ({ page, app }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  const redis = new Redis(REDIS_URL);
  const origin = `${app.namespace}security.events`;
  const dlq = `${origin}.dlq`;
  const asset = `asset-${Date.now()}`;
  const event = {
    id: `evt-loop-${Date.now()}`,
    timestamp: new Date().toISOString(),
    organization_id: 'org-1',
    asset_id: asset,
    event_type: 'kong_http_admin_detected',
    severity: 'urgent',
    source: 'kong_monitor',
    title: 'Kong Admin API reachable from the internet',
    description: 'found by the loop test',
    metadata: {},
    tags: ['kong'],
    correlation_id: 'corr-loop',
    raw_data: {},
  };
  try {
    await page.goto(app.openUrl);
    await page.getByTestId('nav-workers').click();
    const eventRow = page.getByTestId('workers-env-local').getByTestId('worker-row-event');
    await eventRow.getByTestId('worker-start').click();
    await expect(eventRow.getByTestId('worker-state')).toHaveText('Running', { timeout: 30_000 });
    const alertRow = page.getByTestId('workers-env-local').getByTestId('worker-row-alert');
    await alertRow.getByTestId('worker-start').click();
    await expect(alertRow.getByTestId('worker-state')).toHaveText('Running', { timeout: 30_000 });

    await redis.xadd(origin, '*', 'data', JSON.stringify(event));
    await expect.poll(() => redis.xlen(dlq), { timeout: 20_000 }).toBe(1);

    await page.getByTestId('nav-deadletters').click();
    await page.getByTestId(`dlq-source-${dlq}`).click({ timeout: 20_000 });
    await page.getByTestId('dlq-search-query').fill(`asset_id=${asset}`);
    await page.getByTestId('dlq-search').click();
    await expect(page.locator('[data-testid^="dlq-row-"]')).toHaveCount(1);
    await page.locator('[data-testid^="dlq-row-"]').first().click();
    await expect(page.getByTestId('dlq-detail')).toContainText('severity');
    await page.getByTestId('dlq-edit').click();
    await expect(page.getByTestId('dlq-editor-check')).toContainText(`Would be dead-lettered again by ${origin}'s processor`);
    await page.getByTestId('dlq-editor').fill(JSON.stringify({ ...event, severity: 'critical' }, null, 2));
    await expect(page.getByTestId('dlq-editor-error')).toHaveCount(0);
    await expect(page.getByTestId('dlq-editor-check')).toContainText(`Passes ${origin}'s event check (routes: critical_events`);
    await expect(page.getByTestId('action-confirm')).toHaveText('Replay edited');
    await page.getByTestId('action-confirm').click();
    await expect(page.getByTestId('dlq-result')).toContainText(`replayed the edited entry to ${origin}`);

    await page.getByTestId('nav-alerts').click();
    await expect(page.locator('[data-testid^="alert-row-"]').filter({ hasText: event.title })).toHaveCount(1, { timeout: 30_000 });
    expect(await redis.xlen(dlq)).toBe(0);
    await page.screenshot({ path: shot('pipeline-loop.png') });
    expect(errors).toEqual([]);
  } finally {
    redis.disconnect();
  }
});

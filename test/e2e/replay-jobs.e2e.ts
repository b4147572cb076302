import amqp from 'amqplib';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { AMQP_URL, REDIS_URL } from '../helpers/brokers';
import { expect, shot, test } from './fixtures';

test('an analyst replays a whole DLQ as a paced job: dry run with the first differences, progress, pause from the panel, resume, done — each entry once', async ({ page, app }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  const redis = new Redis(REDIS_URL);
  const origin = `${app.namespace}billing.events`;
  const dlq = `${origin}.dlq`;
  const total = 600;
  const pipeline = redis.pipeline();
  for (let i = 0; i < total; i++) pipeline.xadd(dlq, '*', 'data', JSON.stringify({ n: i }), 'dlq_origin_stream', origin, 'dlq_origin_group', 'billing', 'dlq_error', `declined #${i}`, 'dlq_attempts', '3');
  await pipeline.exec();
  try {
    await page.goto(app.openUrl);
    await page.getByTestId('nav-deadletters').click();
    await page.getByTestId(`dlq-source-${dlq}`).click({ timeout: 20_000 });
    await page.getByTestId('dlq-replay-all').click();
    await page.getByTestId('dlq-as-job').check();
    await page.getByTestId('dlq-job-rate').fill('120');
    await page.getByTestId('dlq-job-batch').fill('20');
    const preview = page.getByTestId('dlq-job-preview');
    await expect(preview).toContainText(`The job would cover ${total} entries`);
    await expect(preview).toContainText('− dlq_origin_stream, dlq_origin_group, dlq_error, dlq_attempts');
    await expect(preview).toContainText(`+ replay_count=1, replay_of=${dlq}/`);
    await expect(preview).toContainText('= data');
    await expect(page.getByTestId('action-confirm')).toHaveText('Start the job');
    await page.getByTestId('dlq-replay-confirm').fill(dlq);
    expect(await redis.exists(origin)).toBe(0);
    await page.screenshot({ path: shot('replay-job-dialog.png') });
    await page.getByTestId('action-confirm').click();

    const job = page.locator('[data-testid^="replay-job-"]').filter({ has: page.getByTestId('replay-job-state') }).first();
    await expect(job.getByTestId('replay-job-state')).toHaveText('running', { timeout: 15_000 });
    await expect(job.getByTestId('replay-job-progress')).toContainText('/s');
    await job.getByTestId('replay-job-pause').click();
    await expect(job.getByTestId('replay-job-state')).toHaveText('paused');
    const pausedAt = await redis.xlen(origin);
    expect(pausedAt).toBeLessThan(total);
    await expect(job.getByTestId('replay-job-progress')).toContainText(`paused · ${pausedAt} of ${total} replayed · 0 refused · ${total - pausedAt} left`);
    await page.screenshot({ path: shot('replay-job-panel.png') });
    await job.getByTestId('replay-job-resume').click();
    await expect(job.getByTestId('replay-job-state')).toHaveText('done', { timeout: 30_000 });
    await expect(job.getByTestId('replay-job-progress')).toContainText(`done · ${total} of ${total} replayed · 0 refused · 0 left`);
    const moved = ((await redis.xrange(origin, '-', '+')) as [string, string[]][]).map(([, f]) => f[1]);
    expect(moved).toHaveLength(total);
    expect(new Set(moved).size).toBe(total);
    expect(await redis.xlen(dlq)).toBe(0);
    expect(errors).toEqual([]);
  } finally {
    redis.disconnect();
  }
});

test('an analyst replays the head of a RabbitMQ dead-letter queue as a paced job, and retries a BullMQ queue\'s failed jobs as another: both in the jobs panel, done, each message once', async ({ page, app }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  const work = `${app.namespace}e2e.alerts`;
  const dlq = `${work}.dlq`;
  const url = new URL(REDIS_URL);
  const prefix = `${app.namespace}bull`;
  const bull = new Queue('e2e-notify', { connection: { host: url.hostname, port: Number(url.port || 6379) }, prefix });
  try {
    for (const q of [work, dlq]) await channel.assertQueue(q, { durable: false });
    for (let i = 0; i < 180; i++) channel.sendToQueue(dlq, Buffer.from(JSON.stringify({ alert: i })), { messageId: `a-${i}`, headers: { 'x-death': [{ queue: work, reason: 'rejected', count: 1, exchange: '', 'routing-keys': [work] }] } });
    while ((await channel.checkQueue(dlq)).messageCount < 180) await new Promise((resolve) => setTimeout(resolve, 50));
    for (let i = 0; i < 5; i++) await bull.add('send', { n: i }, { attempts: 1 });
    const worker = new Worker('e2e-notify', async () => { throw new Error('smtp down'); }, { connection: { host: url.hostname, port: Number(url.port || 6379) }, prefix });
    while ((await bull.getFailedCount()) < 5) await new Promise((r) => setTimeout(r, 100));
    await worker.close();

    await page.goto(app.openUrl);
    await page.getByTestId('nav-deadletters').click();
    await page.getByTestId(`rabbit-dlq-source-${dlq}`).click({ timeout: 30_000 });
    await page.getByTestId('rabbit-dlq-replay').click();
    await page.getByTestId('dlq-as-job').check();
    await page.getByTestId('rabbit-replay-count').fill('150');
    await page.getByTestId('dlq-job-rate').fill('100');
    await page.getByTestId('dlq-job-batch').fill('10');
    const preview = page.getByTestId('dlq-job-preview');
    await expect(preview).toContainText('The job would cover 150 entries');
    await expect(preview).toContainText(`a-0 → ${work}`);
    await expect(preview).toContainText('− x-death');
    await expect(preview).toContainText('x-replay-job=(this job)');
    await expect(page.getByTestId('action-confirm')).toHaveText('Start the job');
    await page.locator('#rabbit-replay-confirm').fill(dlq);
    await page.screenshot({ path: shot('replay-job-rabbit-dialog.png') });
    await page.getByTestId('action-confirm').click();
    const rabbitJob = page.locator('[data-testid^="replay-job-"]').filter({ hasText: 'RabbitMQ' }).first();
    await expect(rabbitJob).toContainText('first 150');
    await expect(rabbitJob.getByTestId('replay-job-state')).toHaveText('running', { timeout: 15_000 });
    await page.screenshot({ path: shot('replay-job-rabbit-panel.png') });
    await expect(rabbitJob.getByTestId('replay-job-state')).toHaveText('done', { timeout: 30_000 });
    await expect(rabbitJob.getByTestId('replay-job-progress')).toContainText('done · 150 of 150 replayed · 0 refused · 0 left');
    expect((await channel.checkQueue(work)).messageCount).toBe(150);
    expect((await channel.checkQueue(dlq)).messageCount).toBe(30);
    await expect(page.locator('[data-testid^="rabbit-dlq-row-"]')).toHaveCount(30);
    // One replayed message dies again: its detail shows the chain original → dead-lettered → replayed by the job → dead-lettered again.
    while (await channel.get(dlq, { noAck: true })); // the 30 left, out of the way
    const again = await channel.get(work, { noAck: true });
    if (!again) throw new Error('no replayed message in the work queue');
    channel.sendToQueue(dlq, again.content, { messageId: again.properties.messageId as string, headers: { ...(again.properties.headers as Record<string, unknown>), 'x-death': [{ queue: work, reason: 'expired', count: 1, exchange: '', 'routing-keys': [work] }] } });
    while ((await channel.checkQueue(dlq)).messageCount < 1) await new Promise((resolve) => setTimeout(resolve, 50));
    await page.getByTestId('rabbit-dlq-refresh').click();
    await page.getByTestId('rabbit-dlq-row-1').click();
    const chain = page.getByTestId('rabbit-dlq-lineage');
    await expect(chain).toContainText('replayed 1×');
    await expect(chain).toContainText(`dead-lettered`);
    await expect(chain).toContainText(`to ${dlq} (rejected)`);
    await expect(chain).toContainText('[job ');
    await expect(chain).toContainText('dead-lettered again');
    await chain.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('replay-job-rabbit-lineage.png') });

    await page.getByTestId('bull-dlq-source-e2e-notify-failed').click({ timeout: 40_000 });
    await page.getByTestId('bull-dlq-retry-all').click();
    await page.getByTestId('dlq-as-job').check();
    await expect(page.getByTestId('dlq-job-preview')).toContainText('The job would cover 5 entries');
    await page.locator('#bull-retry-confirm').fill('e2e-notify');
    await page.getByTestId('action-confirm').click();
    const bullJob = page.locator('[data-testid^="replay-job-"]').filter({ hasText: 'BullMQ failed jobs' }).first();
    await expect(bullJob.getByTestId('replay-job-state')).toHaveText('done', { timeout: 30_000 });
    await expect(bullJob.getByTestId('replay-job-progress')).toContainText('done · 5 of 5 replayed');
    expect(await bull.getFailedCount()).toBe(0);
    expect(await bull.getWaitingCount()).toBe(5);
    // The failed list is read again once the job is done: nothing is failed any more.
    await expect(page.locator('[data-testid^="bull-dlq-row-"]')).toHaveCount(0);
    await page.screenshot({ path: shot('replay-job-brokers-panel.png') });
    expect(errors).toEqual([]);
  } finally {
    for (const q of [work, dlq]) await channel.deleteQueue(q).catch(() => undefined);
    await connection.close().catch(() => undefined);
    await bull.obliterate({ force: true }).catch(() => undefined);
    await bull.close();
  }
});

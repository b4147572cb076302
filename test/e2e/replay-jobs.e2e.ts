import { Redis } from 'ioredis';
import { REDIS_URL } from '../helpers/brokers';
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

import { Queue, Worker } from 'bullmq';
import { REDIS_URL } from '../helpers/brokers';
import { expect, OverviewPage, shot, test } from './fixtures';

const connection = () => {
  const url = new URL(REDIS_URL);
  return { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
};

test("an analyst opens a queue's failed jobs, reads the reason and stack trace, retries one and removes another", async ({ page, app }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const prefix = `${app.namespace}bull`;
  const queue = new Queue('notifications', { connection: connection(), prefix });
  try {
    for (let i = 0; i < 30; i++) await queue.add('send-email', { to: `analyst${i}@soc.example`, alert_id: `alert-${i}`, severity: i % 5 === 0 ? 'critical' : 'high' });
    await queue.add('send-slack', { channel: '#soc-critical', alert_id: 'alert-99' }, { attempts: 3 });
    await queue.add('send-slack', { channel: '#soc-critical', alert_id: 'alert-98' }, { attempts: 3 });
    const worker = new Worker(
      'notifications',
      async (job) => {
        if (job.name === 'send-slack') throw new Error('Slack webhook answered 503 Service Unavailable');
        return { delivered: true };
      },
      { connection: connection(), prefix },
    );
    await expect.poll(async () => (await queue.getFailedCount()) === 2 && (await queue.getCompletedCount()) === 30, { timeout: 30_000 }).toBe(true);
    await worker.close();
    await queue.add('digest', { period: 'hourly' }, { delay: 3_600_000 });

    await page.setViewportSize({ width: 1440, height: 1100 });
    await page.goto(app.openUrl);
    await expect(new OverviewPage(page).redisStatus('local')).toContainText(/connected/i);
    await page.getByTestId('nav-queues').click();
    const panel = page.getByTestId('bull-env-local');
    await panel.getByTestId('bull-row-notifications').click({ timeout: 30_000 });
    const jobs = panel.getByTestId('bull-jobs');
    // It opens on the failed jobs, since there are some.
    await expect(jobs.getByTestId('bull-jobs-tab-failed')).toHaveAttribute('aria-selected', 'true');
    await expect(jobs.getByTestId('bull-jobs-range')).toHaveText('1–2 of 2');
    const failedIds = await queue.getRanges(['failed'], 0, 1);
    const first = jobs.getByTestId(`bull-job-${failedIds[0]}`);
    await expect(first).toContainText('Slack webhook answered 503');
    await expect(first).toContainText('3 of 3');
    await first.getByRole('button', { name: failedIds[0] }).click();
    const detail = jobs.getByTestId('bull-job-detail');
    await expect(detail.getByTestId('bull-job-data')).toContainText('"channel": "#soc-critical"');
    await expect(detail.getByTestId('bull-job-stack')).toHaveCount(3);
    await expect(detail.getByTestId('bull-job-stack').first()).toContainText('Error: Slack webhook answered 503');
    await page.screenshot({ path: shot('bullmq-jobs.png') });

    // Retry one: it leaves the failed list (and goes back to waiting).
    await first.getByTestId(`bull-job-retry-${failedIds[0]}`).click();
    await expect(page.getByTestId('action-subject')).toContainText(`notifications / job ${failedIds[0]}`);
    await page.getByTestId('action-confirm').click();
    await expect(panel.getByTestId('bull-result')).toContainText(`job ${failedIds[0]}: failed → waiting`);
    await expect(jobs.getByTestId(`bull-job-${failedIds[0]}`)).toHaveCount(0);
    expect(await queue.getJobState(failedIds[0]!)).toBe('waiting');

    // Remove the other: gone from Redis.
    await jobs.getByTestId(`bull-job-remove-${failedIds[1]}`).click();
    await page.getByTestId('action-confirm').click();
    await expect(panel.getByTestId('bull-result')).toContainText(`job ${failedIds[1]}: failed → removed`);
    await expect(jobs.getByTestId('bull-jobs-empty')).toBeVisible();
    expect(await queue.getJob(failedIds[1]!)).toBeUndefined();

    // Completed jobs page by 25, newest first.
    await jobs.getByTestId('bull-jobs-tab-completed').click();
    await expect(jobs.getByTestId('bull-jobs-range')).toHaveText('1–25 of 30');
    await jobs.getByTestId('bull-jobs-next').click();
    await expect(jobs.getByTestId('bull-jobs-range')).toHaveText('26–30 of 30');
    await expect(jobs.getByTestId('bull-jobs-table').locator('tbody tr')).toHaveCount(5);

    // A delayed job says when it is due and can be run now.
    await jobs.getByTestId('bull-jobs-tab-delayed').click();
    const delayed = jobs.getByTestId('bull-jobs-table').locator('tbody tr').first();
    await expect(delayed).toContainText(/due in (59|60) min/);
    await delayed.getByRole('button', { name: 'Run now' }).click();
    await page.getByTestId('action-confirm').click();
    await expect(panel.getByTestId('bull-result')).toContainText('delayed → waiting');
    expect(errors).toEqual([]);
  } finally {
    await queue.close();
  }
});

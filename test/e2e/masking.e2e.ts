import { Redis } from 'ioredis';
import { REDIS_URL } from '../helpers/brokers';
import { expect, shot, test } from './fixtures';

/** Masked payload fields (issue 20): the DLQ and stream entry details show masks; an operator reveals one with a reason. */
test('an analyst sees a dead letter masked, reveals it with a reason, and a stream entry likewise', async ({ page, app }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  const redis = new Redis(REDIS_URL);
  const origin = `${app.namespace}security.events`;
  const dlq = `${origin}.dlq`;
  const payload = JSON.stringify({ id: 'evt-42', event_type: 'login', raw_data: { src_ip: '10.9.8.7' }, credentials: { user: 'svc', password: 'hunter2' }, contact: 'soc@corp.example.com' });
  const id = (await redis.xadd(dlq, '*', 'data', payload, 'dlq_origin_stream', origin, 'dlq_origin_group', 'event-processors', 'dlq_error', 'schema: bad', 'dlq_attempts', '3'))!;
  const streamId = (await redis.xadd(origin, '*', 'data', payload, 'source', 'edr'))!;
  try {
    await page.goto(app.openUrl);
    await page.getByTestId('nav-deadletters').click();
    await page.getByTestId(`dlq-source-${dlq}`).click({ timeout: 20_000 });
    await page.getByTestId(`dlq-row-${id}`).click();
    const detail = page.getByTestId('dlq-detail');
    await expect(detail.getByTestId('dlq-payload')).toContainText('"credentials": "••• masked (credentials)"');
    await expect(detail.getByTestId('dlq-payload')).toContainText('"contact": "••• masked (email)"');
    await expect(detail.getByTestId('dlq-payload')).not.toContainText('hunter2');
    // The list rows are masked too.
    await expect(page.getByTestId(`dlq-row-${id}`)).not.toContainText('soc@corp');
    await detail.getByTestId('reveal').click();
    await expect(detail.getByTestId('reveal-confirm')).toBeDisabled();
    await detail.getByTestId('reveal-reason').fill('INC-42: which service account');
    await detail.getByTestId('reveal-confirm').click();
    await expect(detail.getByTestId('dlq-payload')).toContainText('"password": "hunter2"');
    await expect(detail.getByTestId('reveal-done')).toBeVisible();
    await page.screenshot({ path: shot('masking-dlq-revealed.png') });

    await page.getByTestId('nav-streams').click();
    await page.getByTestId(`streams-row-${origin}`).click({ timeout: 20_000 });
    const entries = page.getByTestId('stream-detail').getByTestId('entries-section');
    await entries.getByTestId(`entry-${streamId}`).click();
    const entry = entries.getByTestId('entry-detail');
    await expect(entry.getByTestId('entry-field-data')).toContainText('••• masked (ip)');
    await expect(entry.getByTestId('entry-field-data')).not.toContainText('10.9.8.7');
    await page.screenshot({ path: shot('masking-stream-masked.png') });
    await entry.getByTestId('reveal').click();
    await entry.getByTestId('reveal-reason').fill('INC-42: the source address');
    await entry.getByTestId('reveal-confirm').click();
    await expect(entry.getByTestId('entry-field-data')).toContainText('10.9.8.7');

    // Both reveals are on the team audit stream with their reasons.
    const team = (await redis.xrange(`${app.namespace}watchfloor:audit`, '-', '+')) as [string, string[]][];
    const reveals = team.map(([, f]) => JSON.parse(f[1]!) as { what: string; reason?: string }).filter((e) => e.what === 'payload.reveal');
    expect(reveals.map((e) => e.reason)).toEqual(['INC-42: which service account', 'INC-42: the source address']);
    expect(errors).toEqual([]);
  } finally {
    redis.disconnect();
  }
});

import { Redis } from 'ioredis';
import { REDIS_URL } from '../helpers/brokers';
import { appendLineage } from '../../shared/model/replay-lineage';
import { expect, shot, test } from './fixtures';

test('a dead letter that was replayed and failed again shows its chain: original → dead-lettered (why) → replayed (who, when) → dead-lettered again (why)', async ({ page, app }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  const redis = new Redis(REDIS_URL);
  const origin = `${app.namespace}security.events`;
  const dlq = `${origin}.dlq`;
  const payload = JSON.stringify({ event_id: 'evt-lineage', severity: 'critical' });
  const first = (await redis.xadd(dlq, '*', 'data', payload, 'dlq_origin_stream', origin, 'dlq_origin_group', 'event-processors', 'dlq_origin_id', '1700000000000-0', 'dlq_error', 'schema: missing event_type', 'dlq_attempts', '3', 'dlq_failed_at', '2026-12-07T09:15:00.000Z'))!;
  try {
    await page.goto(app.openUrl);
    await page.getByTestId('nav-deadletters').click();
    await page.getByTestId(`dlq-source-${dlq}`).click({ timeout: 20_000 });
    // Replayed from the console, by this console's analyst.
    await page.getByTestId(`dlq-select-${first}`).check();
    await page.getByTestId('dlq-replay').click();
    await page.getByTestId('action-confirm').click();
    await expect(page.getByTestId('dlq-result')).toContainText(`replayed 1 of 1 (1 → ${origin})`);

    // The router fails it again: dead-lettered the way the workers do (every field as it is, plus the metadata).
    const [replayedId, fields] = ((await redis.xrevrange(origin, '+', '-', 'COUNT', 1)) as [string, string[]][])[0]!;
    expect(fields).toContain('replay_lineage');
    const again = (await redis.xadd(dlq, '*', ...fields, 'dlq_origin_stream', origin, 'dlq_origin_group', 'event-processors', 'dlq_origin_id', replayedId, 'dlq_error', 'enrichment: geoip lookup timed out', 'dlq_attempts', '5', 'dlq_failed_at', '2026-12-07T09:42:00.000Z'))!;

    await page.getByTestId('dlq-refresh').click();
    await page.getByTestId(`dlq-row-${again}`).click();
    const chain = page.getByTestId('dlq-lineage');
    await expect(chain).toContainText('replayed 1×');
    const lines = (await chain.locator('li').allInnerTexts()).map((line) => line.replace(/\s+/g, ' ').trim());
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(`original ${origin}/1700000000000-0`);
    expect(lines[1]).toMatch(new RegExp(`^→ dead-lettered 2026-12-07 \\d\\d:\\d\\d:00 to ${dlq} \\(schema: missing event_type, 3 attempts, group event-processors\\)$`));
    expect(lines[2]).toMatch(/^→ replayed \d{4}-\d\d-\d\d \d\d:\d\d:\d\d by \S/);
    expect(lines[3]).toMatch(/^→ dead-lettered again 2026-12-07 \d\d:\d\d:00 \(enrichment: geoip lookup timed out, 5 attempts, group event-processors\)$/);
    await page.getByTestId('dlq-detail').screenshot({ path: shot('replay-lineage.png') });
    expect(errors).toEqual([]);
  } finally {
    redis.disconnect();
  }
});

test('a replayed entry back in its origin stream shows how it got there', async ({ page, app }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  const redis = new Redis(REDIS_URL);
  const origin = `${app.namespace}security.events`;
  const dlq = `${origin}.dlq`;
  const lineage = appendLineage(null, { dlq, dlq_id: '1700000000001-0', dlq_origin_stream: origin, dlq_origin_id: '1700000000000-0', dlq_error: 'schema: missing event_type', dlq_attempts: '3', dlq_failed_at: '2026-12-07T09:15:00.000Z', replayed_at: '2026-12-07T09:20:00.000Z', replayed_by: 'Ana (ana)', replay_job: 'job-42' });
  const id = (await redis.xadd(origin, '*', 'data', '{"event_id":"evt-1"}', 'replay_count', '1', 'replay_of', `${dlq}/1700000000001-0`, 'replay_lineage', lineage))!;
  try {
    await page.goto(app.openUrl);
    await page.getByTestId('nav-streams').click();
    await page.getByTestId(`streams-row-${origin}`).click({ timeout: 20_000 });
    await page.getByTestId(`entry-${id}`).click();
    const lines = (await page.getByTestId('entry-lineage').locator('li').allInnerTexts()).map((line) => line.replace(/\s+/g, ' ').trim());
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`original ${origin}/1700000000000-0`);
    expect(lines[1]).toMatch(/^→ dead-lettered .* \(schema: missing event_type, 3 attempts\)$/);
    expect(lines[2]).toMatch(/^→ replayed .* by Ana \(ana\) \[job job-42\]$/);
    expect(errors).toEqual([]);
  } finally {
    redis.disconnect();
  }
});

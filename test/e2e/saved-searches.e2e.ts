import { Redis } from 'ioredis';
import { REDIS_URL } from '../helpers/brokers';
import { expect, shot, test } from './fixtures';

test('a DLQ search saved by name is listed with its count, applied from another page (which records the new count for both), refused twice under one name, deleted after a confirmation', async ({ page, app, context }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  const redis = new Redis(REDIS_URL);
  const origin = `${app.namespace}security.events`;
  const dlq = `${origin}.dlq`;
  const deadLetter = (i: number, severity: string) =>
    redis.xadd(dlq, '*', 'data', JSON.stringify({ event_id: `evt-${i}`, severity }), 'dlq_origin_stream', origin, 'dlq_origin_group', 'event-processors', 'dlq_error', `schema: missing event_type (${i})`, 'dlq_attempts', '3');
  for (let i = 0; i < 5; i++) await deadLetter(i, i < 3 ? 'critical' : 'low');
  try {
    await page.goto(app.openUrl);
    await page.getByTestId('nav-deadletters').click();
    await page.getByTestId(`dlq-source-${dlq}`).click({ timeout: 20_000 });
    await expect(page.locator('[data-testid^="dlq-row-"]')).toHaveCount(5);
    await expect(page.getByTestId('saved-searches-empty')).toBeVisible();
    await expect(page.getByTestId('saved-search-save')).toBeDisabled();

    await page.getByTestId('dlq-search-query').fill('severity=critical');
    await page.getByTestId('dlq-search').click();
    await expect(page.getByTestId('dlq-search-progress')).toContainText('3 matching in 5 of 5 entries');
    await page.getByTestId('saved-search-save').click();
    await expect(page.getByTestId('action-confirm')).toBeDisabled();
    await page.getByTestId('saved-search-name').fill('Critical events');
    await expect(page.getByTestId('action-subject')).toContainText(`${dlq}: severity=critical`);
    await page.getByTestId('action-confirm').click();
    await expect(page.getByTestId('saved-search-count-Critical events')).toContainText('3 last time · just now by');
    await expect(page.getByTestId('saved-search-applied')).toContainText('showing “Critical events”');

    // The same name (any case) again: said in the dialog before anything is sent.
    await page.getByTestId('saved-search-save').click();
    await page.getByTestId('saved-search-name').fill('critical EVENTS');
    await expect(page.getByTestId('saved-search-name-error')).toContainText('“Critical events” is already saved');
    await expect(page.getByTestId('action-confirm')).toBeDisabled();
    await page.getByTestId('action-cancel').click();

    // A second page (another console on the same Redis) sees it; applying it runs it and records the new count.
    await page.getByRole('button', { name: 'Clear search' }).click();
    await deadLetter(5, 'critical');
    const second = await context.newPage();
    second.on('pageerror', (error) => errors.push(error.message));
    await second.setViewportSize({ width: 1440, height: 900 });
    await second.goto(app.openUrl);
    await second.getByTestId('nav-deadletters').click();
    await second.getByTestId(`dlq-source-${dlq}`).click({ timeout: 20_000 });
    await expect(second.getByTestId('saved-search-count-Critical events')).toContainText('3 last time');
    await second.getByTestId('saved-search-run-Critical events').click();
    await expect(second.getByTestId('dlq-search-query')).toHaveValue('severity=critical');
    await expect(second.getByTestId('dlq-search-progress')).toContainText('4 matching in 6 of 6 entries');
    await expect(second.locator('[data-testid^="dlq-row-"]')).toHaveCount(4);
    await expect(second.getByTestId('saved-search-count-Critical events')).toContainText('4 last time');
    await second.screenshot({ path: shot('saved-searches-dlq.png') });
    // The first page follows (polled every 5 s).
    await expect(page.getByTestId('saved-search-count-Critical events')).toContainText('4 last time', { timeout: 15_000 });

    // Deleted after a confirmation, for both pages.
    await page.getByRole('button', { name: 'Delete saved search Critical events' }).click();
    await expect(page.getByTestId('action-dialog')).toContainText('It goes for every console');
    await page.getByTestId('action-confirm').click();
    await expect(page.getByTestId('saved-searches-empty')).toBeVisible();
    await expect(second.getByTestId('saved-searches-empty')).toBeVisible({ timeout: 15_000 });
    const audit = (await redis.xrange(`${app.namespace}watchfloor:audit`, '-', '+')).map(([, f]) => (JSON.parse(f[1]!) as { what: string }).what).filter((w) => w.startsWith('search.'));
    expect(audit).toEqual(['search.save', 'search.delete']);
    expect(errors).toEqual([]);
  } finally {
    redis.disconnect();
  }
});

import { EnvironmentsPage, expect, OverviewPage, shot, test } from './fixtures';

test('an analyst tails the seed channels while the demo publishes, publishes a test message and sees it, pauses and resumes', async ({ page, app }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(app.openUrl);
  await new OverviewPage(page).startDemo('local', 20);
  await page.getByTestId('nav-pubsub').click();

  // The seed 004 channels are listed even before anyone subscribes.
  const notifications = `${app.namespace}cognisync:notifications`;
  await expect(page.getByTestId(`pubsub-channel-${notifications}`)).toBeVisible();
  await expect(page.getByTestId('pubsub-tail-channel')).toHaveValue(`${app.namespace}cognisync:*`);
  await page.getByTestId('pubsub-tail-start').click();
  await expect(page.getByTestId('pubsub-tail-status')).toContainText('Tailing');
  // NUMSUB does not count the pattern tail: the channel says this console's tail receives it (issue 21.9).
  await expect(page.getByTestId(`pubsub-channel-${notifications}`).getByTestId('pubsub-tailed')).toContainText('+ this tail (pattern)');
  // The demo publishes seed 004 events twice a second.
  await expect(page.getByTestId('pubsub-message').first()).toContainText(/QUERY_RESULT|CACHE_INVALIDATION/, { timeout: 15_000 });

  await page.getByTestId('pubsub-publish-channel').fill(notifications);
  await page.getByTestId('pubsub-publish-message').fill('{"hello":"from the e2e test"}');
  await page.getByTestId('pubsub-publish').click();
  await expect(page.getByTestId('pubsub-publish-result')).toContainText(/1 subscriber received it/);
  await expect(page.getByTestId('pubsub-messages')).toContainText('from the e2e test');
  await page.screenshot({ path: shot('pubsub.png') });

  // Paused: messages are held, not shown; resumed: they appear.
  await page.getByTestId('pubsub-pause').click();
  const shown = await page.getByTestId('pubsub-message').count();
  await expect(page.getByTestId('pubsub-pause')).toContainText(/Resume \([1-9]\d* held\)/, { timeout: 10_000 });
  expect(await page.getByTestId('pubsub-message').count()).toBe(shown);
  await page.getByTestId('pubsub-pause').click();
  await expect.poll(() => page.getByTestId('pubsub-message').count()).toBeGreaterThan(shown);
  await page.getByTestId('pubsub-tail-stop').click();
  await expect(page.getByTestId('pubsub-tail-status')).toContainText('Not tailing');
  await expect(page.getByTestId('pubsub-tailed')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('publishing is disabled on a read-only environment, tailing is not', async ({ page, app }) => {
  await page.goto(app.openUrl);
  const environments = new EnvironmentsPage(page);
  await environments.addProduction({ name: 'Prod RO', redisUrl: 'redis://127.0.0.1:6379' }, app.namespace);
  await page.getByTestId('nav-pubsub').click();
  const select = page.getByTestId('pubsub-env');
  await select.selectOption({ label: 'Prod RO' });
  await expect(page.getByTestId('pubsub-publish')).toBeDisabled();
  await expect(page.getByTestId('pubsub-publish-blocked')).toContainText('Prod RO is read-only');
  await page.getByTestId('pubsub-tail-start').click();
  await expect(page.getByTestId('pubsub-tail-status')).toContainText('Tailing');
});

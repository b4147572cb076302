import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { REDIS_URL } from '../helpers/brokers';
import { expect, shot, test } from './fixtures';

test('a silence from the Silences screen covers a new alert: banner on the alert, "silence like this", matched count, expire', async ({ page, app }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const redis = new Redis(REDIS_URL);
  try {
    await page.setViewportSize({ width: 1500, height: 900 });
    await page.goto(app.openUrl);
    await page.getByTestId('nav-silences').click();
    await expect(page.getByTestId('silences-empty')).toBeVisible();

    // The form says what is missing before it lets you add.
    await page.getByTestId('silence-matchers').fill('asset=db-e2e');
    await expect(page.getByTestId('silence-add')).toBeDisabled();
    await page.getByTestId('silence-reason').fill('db-e2e patching');
    await page.getByTestId('silence-duration').fill('2h');
    await page.getByTestId('silence-add').click();
    const row = page.locator('[data-testid^="silence-row-"]');
    await expect(row).toHaveCount(1);
    await expect(row).toHaveAttribute('data-status', 'active');
    await expect(row).toContainText('matched nothing');

    // A matching alert arrives: it is recorded, marked silenced.
    const id = randomUUID();
    const now = Date.now();
    await redis.xadd(
      `${app.namespace}security.alerts`,
      '*',
      'data',
      JSON.stringify({ id, rule_id: 'kong-admin', timestamp: new Date(now).toISOString(), organization_id: 'org-e2e', asset_id: 'db-e2e', severity: 'critical', title: 'Kong Admin API exposed on db-e2e', message: 'exposed', status: 'open', escalation_level: 1, notification_channels: ['slack'], metadata: { sla_deadline: new Date(now + 1_800_000).toISOString(), escalation_schedule: [], source: 'kong_monitor' } }),
    );
    await page.getByTestId('nav-alerts').click();
    await page.getByTestId(`alert-row-${id}`).click();
    await expect(page.getByTestId('alert-silenced')).toContainText('no notification, no escalation');
    await expect(page.getByTestId('alert-silenced')).toContainText('level 1 goes out when the silence ends');
    await page.screenshot({ path: shot('silenced-alert.png') });

    // "Silence like this" opens the form with the alert's fields.
    await page.getByTestId('alert-silence-like-this').click();
    await expect(page.getByTestId('silences-screen')).toBeVisible();
    await expect(page.getByTestId('silence-matchers')).toHaveValue('asset=db-e2e\nsource=kong_monitor\nseverity=critical');
    await expect(row).not.toContainText('matched nothing', { timeout: 15_000 });
    await page.screenshot({ path: shot('silences.png') });

    // Expired: for good, and the alert is no longer silenced.
    await row.getByRole('button', { name: 'Expire' }).click();
    await expect(row).toHaveAttribute('data-status', 'expired');
    await expect(page.getByTestId('silences-notice')).toContainText('resume escalation now');
    await page.getByTestId('nav-alerts').click();
    await page.getByTestId(`alert-row-${id}`).click();
    await expect(page.getByTestId('alert-silenced')).toHaveCount(0, { timeout: 20_000 });
    expect(errors).toEqual([]);
  } finally {
    redis.disconnect();
  }
});

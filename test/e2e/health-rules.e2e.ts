import { Redis } from 'ioredis';
import { SecurityAlert } from '../../shared/schemas/security-streams';
import { REDIS_URL } from '../helpers/brokers';
import { OverviewPage, expect, test } from './fixtures';

test.describe('queue-health rules', () => {
  test('a low lag threshold fires while demo traffic runs, shows in the fleet and writes one alert per episode', async ({ page, app }) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.openUrl);
    const overview = new OverviewPage(page);
    const fleetRow = page.getByTestId('fleet-row-local');
    await expect(fleetRow).toBeVisible();
    await expect(fleetRow.getByTestId('fleet-firing')).toContainText('none');

    // Rules: a bad value is refused in place, then a lag above 5 for 0 s is saved.
    await page.getByTestId('nav-rules').click();
    await expect(page.getByTestId('rule-row-consumer-lag')).toBeVisible();
    await page.getByTestId('rule-threshold-consumer-lag').fill('-1');
    await expect(page.getByTestId('rule-row-consumer-lag')).toContainText('0 or more');
    await expect(page.getByTestId('rules-save')).toBeDisabled();
    await page.getByTestId('rule-threshold-consumer-lag').fill('5');
    await page.getByTestId('rule-for-consumer-lag').fill('0');
    await page.getByTestId('rules-save').click();
    await expect(page.getByTestId('rules-status')).toHaveText('Saved.');
    await expect(page.getByTestId('firing-empty')).toBeVisible();

    // Demo traffic: nothing consumes the seed groups, so their lag grows.
    await page.getByTestId('nav-overview').click();
    await overview.startDemo('local', 100);
    await expect(fleetRow.getByTestId('fleet-firing')).toContainText(/\d+ firing · high/);
    await expect.poll(async () => Number((await fleetRow.getByTestId('fleet-worst-lag').innerText()).split(' ')[0]!.replace(/[^0-9]/g, ''))).toBeGreaterThan(5);
    await expect(fleetRow.getByTestId('fleet-dlq')).toHaveText(/\d/);
    await page.screenshot({ path: test.info().outputPath('fleet.png') });

    await page.getByTestId('nav-rules').click();
    const events = `${app.namespace}security.events / alert-engine`;
    const row = page.locator(`[data-testid="firing-row-consumer-lag"][data-subject="${events}"]`);
    await expect(row).toBeVisible();
    await expect(row.getByTestId('firing-alert')).toHaveText(/alert written/);
    await page.screenshot({ path: test.info().outputPath('rules.png'), fullPage: true });
    await page.getByTestId('nav-overview').click();
    await overview.stopDemo('local');

    // The alert is in the namespaced security.alerts stream, in the seed-000 format, once for this subject.
    const redis = new Redis(REDIS_URL);
    try {
      const stream = `${app.namespace}security.alerts`;
      const ours = async () => {
        const entries = await redis.xrevrange(stream, '+', '-', 'COUNT', 5000);
        return entries
          .map(([, fields]) => JSON.parse(fields[1] ?? '{}') as Record<string, unknown>)
          .filter((message) => (message.metadata as Record<string, unknown> | undefined)?.source === 'watchfloor.queue-health');
      };
      await expect.poll(async () => (await ours()).filter((a) => a.asset_id === events).length).toBe(1);
      const alert = SecurityAlert.parse((await ours()).find((a) => a.asset_id === events));
      expect(alert).toMatchObject({ severity: 'high', status: 'open', escalation_level: 1 });
      expect(alert.metadata).toMatchObject({ rule_name: 'consumer-lag', threshold: 5 });
    } finally {
      redis.disconnect();
    }
    expect(errors).toEqual([]);
  });
});

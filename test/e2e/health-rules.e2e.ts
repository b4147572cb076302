import { Redis } from 'ioredis';
import { SecurityAlert } from '../../shared/schemas/security-streams';
import { REDIS_URL } from '../helpers/brokers';
import { EnvironmentsPage, OverviewPage, expect, test } from './fixtures';

test.describe('queue-health rules', () => {
  test('a low lag threshold fires while demo traffic runs, shows in the fleet and writes one alert per episode', async ({ page, app }) => {
    test.setTimeout(150_000); // includes waiting out one 30 s discovery pass of the mirror environment
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

    // A production (read-only) mirror of the same brokers and namespace, with the same low rule.
    const environments = new EnvironmentsPage(page);
    await environments.addProduction({ name: 'Prod mirror', redisUrl: 'redis://127.0.0.1:6379', amqpUrl: 'amqp://guest:guest@127.0.0.1:5672', managementUrl: 'http://guest:guest@127.0.0.1:15672' }, app.namespace);
    await page.getByTestId('nav-rules').click();
    await page.getByTestId('rules-env').selectOption({ label: 'Prod mirror' });
    await expect(page.getByText('this environment is read-only')).toBeVisible();
    await page.getByTestId('rule-threshold-consumer-lag').fill('5');
    await page.getByTestId('rule-for-consumer-lag').fill('0');
    await page.getByTestId('rules-save').click();
    await expect(page.getByTestId('rules-status')).toHaveText('Saved.');
    await page.getByTestId('rules-env').selectOption({ label: 'Local' });

    // Demo traffic: nothing consumes the seed groups, so their lag grows.
    await page.getByTestId('nav-overview').click();
    await overview.startDemo('local', 100);
    await expect(fleetRow.getByTestId('fleet-firing')).toContainText(/\d+ firing · high/);
    await expect.poll(async () => Number((await fleetRow.getByTestId('fleet-worst-lag').innerText()).split(' ')[0]!.replace(/[^0-9]/g, ''))).toBeGreaterThan(5);
    await expect(fleetRow.getByTestId('fleet-dlq')).toHaveText(/\d/);
    const prodRow = page.locator('[data-testid^="fleet-row-"]').filter({ hasText: 'Prod mirror' });
    await expect(prodRow).toContainText('PRODUCTION');
    // The mirror was added before the demo created the streams: it sees them at its next discovery pass (every 30 s).
    await expect(prodRow.getByTestId('fleet-firing')).toContainText(/\d+ firing · high/, { timeout: 45_000 });
    await page.screenshot({ path: test.info().outputPath('fleet.png') });

    await page.getByTestId('nav-rules').click();
    const events = `${app.namespace}security.events / alert-engine`;
    const row = page.locator(`[data-testid="firing-row-consumer-lag"][data-subject="${events}"]`);
    await expect(row).toBeVisible();
    await expect(row.getByTestId('firing-alert')).toHaveText(/alert written/);
    await page.screenshot({ path: test.info().outputPath('rules.png'), fullPage: true });

    // The read-only mirror shows the same rule firing, not written.
    await page.getByTestId('rules-env').selectOption({ label: 'Prod mirror' });
    const mirrored = page.locator(`[data-testid="firing-row-consumer-lag"][data-subject="${events}"]`);
    await expect(mirrored.getByTestId('firing-alert')).toHaveText('not written: read-only environment');
    await page.screenshot({ path: test.info().outputPath('rules-read-only.png'), fullPage: true });

    // The screen's picker selected the mirror in the top bar too; back to all environments.
    await expect(page.getByTestId('env-filter').locator('option:checked')).toHaveText('Prod mirror (production)');
    await page.getByTestId('env-filter').selectOption('');
    // Clicking a fleet row narrows the console to that environment in the top bar.
    await page.getByTestId('nav-overview').click();
    const prodId = (await prodRow.getAttribute('data-testid'))!.replace('fleet-row-', '');
    await prodRow.click();
    await expect(page.getByTestId('env-filter')).toHaveValue(prodId);
    await expect(page.getByTestId(`env-card-${prodId}`)).toBeVisible();
    await expect(page.getByTestId('env-card-local')).toHaveCount(0);
    await fleetRow.click();
    await expect(page.getByTestId('env-filter')).toHaveValue('local');
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

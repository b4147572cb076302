import { Redis } from 'ioredis';
import { AlertStore } from '../../electron/core/alerts/alert-store';
import { DEFAULT_ESCALATION_POLICY } from '../../shared/model/alerts';
import type { SecurityAlert } from '../../shared/schemas/security-streams';
import { REDIS_URL } from '../helpers/brokers';
import { expect, shot, test } from './fixtures';

const seed = (i: number, now: number): SecurityAlert => ({
  id: `partial-${i}`,
  rule_id: 'rule-1',
  timestamp: new Date(now - i * 1000).toISOString(),
  organization_id: 'org-1',
  asset_id: `asset-${i}`,
  severity: 'high',
  title: `partial finding ${i}`,
  message: `alert ${i}`,
  status: 'open',
  escalation_level: 1,
  notification_channels: ['slack'],
  metadata: { sla_deadline: new Date(now + 3_600_000).toISOString(), escalation_schedule: [] },
});

// Issue 19: alerts the console could not read are said, never silently left out of the list.
test('alerts that cannot be read make the Alerts view say it is partial, and Read again completes it', async ({ page, app }) => {
  const redis = new Redis(REDIS_URL);
  const store = new AlertStore(redis, app.namespace, DEFAULT_ESCALATION_POLICY);
  try {
    const now = Date.now();
    for (let i = 0; i < 5; i++) await store.ingest(seed(i, now), now);
    // Two alerts' keys overwritten with strings: HGET answers WRONGTYPE, a lasting failure.
    await redis.set(store.keys.alert('partial-1'), 'not a hash');
    await redis.set(store.keys.alert('partial-3'), 'not a hash');
    await page.setViewportSize({ width: 1400, height: 800 });
    await page.goto(app.openUrl);
    await page.getByTestId('nav-alerts').click();
    const banner = page.getByTestId('alerts-partial');
    await expect(banner).toContainText('Showing 3 of 5 alerts');
    await expect(page.getByTestId('alerts-unread-count')).toHaveText('2');
    await expect(banner).toContainText('WRONGTYPE');
    await expect(banner).toContainText('partial-1');
    await expect(page.locator('[data-testid^="alert-row-"]')).toHaveCount(3);
    await page.screenshot({ path: shot('alerts-partial.png') });

    // Repaired in Redis: Read again lists all five and the banner goes.
    await redis.del(store.keys.alert('partial-1'), store.keys.alert('partial-3'));
    await redis.zrem(store.keys.index, 'partial-1', 'partial-3');
    await store.ingest(seed(1, now), now);
    await store.ingest(seed(3, now), now);
    await page.getByTestId('alerts-partial-retry').click();
    await expect(page.locator('[data-testid^="alert-row-"]')).toHaveCount(5);
    await expect(banner).toHaveCount(0);
  } finally {
    redis.disconnect();
  }
});

import { Redis } from 'ioredis';
import type { SecurityAlert } from '../../shared/schemas/security-streams';
import { DEFAULT_ESCALATION_POLICY } from '../../shared/model/alerts';
import { AlertStore } from '../../electron/core/alerts/alert-store';
import { REDIS_URL } from '../helpers/brokers';
import { expect, shot, startConsole, test } from './fixtures';

const FLOOD = 1_800;
const BACKLOG = 10_000;

function alert(i: number, now: number, asset: string, title: string, isCritical = false): SecurityAlert {
  return {
    id: `flood-${asset}-${title.startsWith('Port') ? 'scan' : 'bf'}-${i}`,
    rule_id: 'brute-force',
    timestamp: new Date(now - i * 500).toISOString(),
    organization_id: 'org-1',
    asset_id: asset,
    severity: isCritical ? 'critical' : 'high',
    title,
    message: `attempt ${i}`,
    status: 'open',
    escalation_level: 1,
    notification_channels: ['slack'],
    metadata: { sla_deadline: new Date(now + 3_600_000).toISOString(), escalation_schedule: ['security_team'] },
  };
}

/**
 * Issue 21.1, the flood: 1,800 alerts from one rule on one asset were 1,800 rows and a badge in
 * the thousands, and "Start all" worked through a 10,000-entry backlog without a word. Grouped,
 * they are one incident acknowledged at once; the Workers view says what is waiting and asks.
 */
test('an alert flood is one incident acknowledged at once, and a start with a 10,000-entry backlog asks first', async ({ page }) => {
  test.setTimeout(180_000);
  const { console: app, stop } = await startConsole();
  const redis = new Redis(REDIS_URL);
  try {
    const ns = app.namespace;
    const store = new AlertStore(redis, ns, DEFAULT_ESCALATION_POLICY);
    const now = Date.now();
    const seeds = [
      ...Array.from({ length: FLOOD }, (_, i) => alert(i, now, 'system-46', 'Brute force on SSH', i === 0)),
      ...Array.from({ length: 40 }, (_, i) => alert(i, now, 'system-4', 'Brute force on SSH')),
      ...Array.from({ length: 5 }, (_, i) => alert(i, now, 'system-46', 'Port scan')),
    ];
    for (let i = 0; i < seeds.length; i += 300) await Promise.all(seeds.slice(i, i + 300).map((a) => store.ingest(a, now)));
    // The event processor's group exists and is 10,000 entries behind.
    await redis.xgroup('CREATE', `${ns}security.events`, 'event-processors', '$', 'MKSTREAM');
    for (let i = 0; i < BACKLOG; i += 1000) {
      const batch = redis.pipeline();
      for (let j = i; j < i + 1000; j++) batch.xadd(`${ns}security.events`, '*', 'data', JSON.stringify({ event_id: `e-${j}` }));
      await batch.exec();
    }

    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(app.openUrl);
    await page.getByTestId('nav-alerts').click();
    await expect(page.getByTestId('alerts-count')).toContainText(`of ${(FLOOD + 45).toLocaleString('en-US')}`, { timeout: 30_000 });

    // Grouped by rule + asset + type: three incidents, the flood first (it holds the critical one).
    await page.getByTestId('alerts-group').selectOption('rule+asset+title');
    await expect(page.getByTestId('alerts-count')).toContainText('in 3 incidents');
    const rows = page.getByTestId('alert-group-row');
    await expect(rows).toHaveCount(3);
    await expect(rows.first()).toHaveAttribute('data-count', String(FLOOD));
    await expect(rows.first()).toContainText('Brute force on SSH rule brute-force · asset system-46');
    await expect(rows.first()).toContainText(`${FLOOD.toLocaleString('en-US')} open`);
    await page.screenshot({ path: shot('alert-incidents.png') });

    // Enter opens the incident's alerts, Esc goes back to the incidents.
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('alerts-group-open')).toContainText(`${FLOOD.toLocaleString('en-US')} alerts`);
    await expect(page.locator('[data-testid^="alert-row-flood-system-46-bf-"]').first()).toBeVisible();
    await expect(page.locator('[data-testid^="alert-row-flood-system-4-bf-"]')).toHaveCount(0);
    await page.keyboard.press('Escape');
    await expect(rows).toHaveCount(3);

    // a on the incident: one bulk acknowledgment of all its alerts (two calls of at most 1,000).
    await page.keyboard.press('a');
    await expect(page.getByTestId('action-dialog')).toContainText(`Acknowledge ${FLOOD} alerts`);
    await page.getByTestId('bulk-reason').fill('one brute-force campaign, handled as one incident');
    await page.getByTestId('action-confirm').click();
    await expect(page.getByTestId('alerts-notice')).toContainText(`Acknowledged ${FLOOD}`, { timeout: 60_000 });
    await expect(rows.filter({ hasText: `${FLOOD.toLocaleString('en-US')} acknowledged` })).toHaveCount(1);
    // The other two incidents are untouched.
    await expect(rows.filter({ hasText: '40 open' })).toHaveCount(1);
    await expect(rows.filter({ hasText: '5 open' })).toHaveCount(1);

    // Workers: the backlog is said before a start, and a start asks.
    await page.getByTestId('nav-workers').click();
    const note = page.getByTestId('workers-backlog-local');
    await expect(note).toContainText(`${BACKLOG.toLocaleString('en-US')} waiting`, { timeout: 20_000 });
    await expect(note).toContainText(`Event processor ${BACKLOG.toLocaleString('en-US')} in ${ns}security.events`);
    await page.getByTestId('workers-start-all-local').click();
    const dialog = page.getByTestId('action-dialog');
    await expect(dialog).toContainText(`with ${BACKLOG.toLocaleString('en-US')} entries waiting?`);
    await expect(dialog.getByTestId('workers-backlog-warning')).toContainText('become alerts and notifications now');
    await page.screenshot({ path: shot('workers-backlog.png') });
    await page.getByTestId('action-cancel').click();
    await expect(dialog).toHaveCount(0);
    // Cancelled: nothing started, the backlog is still there.
    expect(await redis.xinfo('GROUPS', `${ns}security.events`)).toEqual([expect.arrayContaining(['name', 'event-processors', 'consumers', 0])]);
    await expect(note).toContainText(`${BACKLOG.toLocaleString('en-US')} waiting`);
    expect(errors).toEqual([]);
  } finally {
    redis.disconnect();
    await stop();
  }
});

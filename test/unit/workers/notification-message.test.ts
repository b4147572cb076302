import { describe, expect, it } from 'vitest';
import { isForChannel, isPriority, parseNotification } from '../../../electron/core/workers/notify/notification-message';

const seedNotification = (over: Record<string, unknown> = {}) => ({
  notification_id: 'n-1',
  channel: 'slack',
  recipient: 'security-alerts',
  priority: 'normal',
  template: 'security_alert',
  payload: { title: 'Critical Security Alert', message: 'Kong Admin API exposed over HTTP', severity: 'medium', asset: 'Production Kong Gateway', action_required: 'Secure Admin API immediately', remediation_link: 'https://security.example/remediation/kong-001' },
  retry_policy: { max_retries: 3, backoff: 'exponential' },
  ...over,
});

describe('parseNotification', () => {
  it('reads a seed 000 notification, keeping its dedup_key', () => {
    const parsed = parseNotification(Buffer.from(JSON.stringify(seedNotification({ dedup_key: 'a:L1' }))));
    expect(parsed).toMatchObject({ ok: true, message: { notificationId: 'n-1', channels: ['slack'], recipients: ['security-alerts'], dedupKey: 'a:L1', retryPolicy: { max_retries: 3, backoff: 'exponential' } } });
  });

  it("reads the console's own escalation notification (alert-store notificationFor)", () => {
    const escalation = { dedup_key: 'alert-1:L2', alert_id: 'alert-1', level: 2, severity: 'critical', title: 'Kong exposed', recipients: ['security_team'], channels: ['slack', 'email', 'phone'], timestamp: new Date().toISOString() };
    const parsed = parseNotification(JSON.stringify(escalation));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.message).toMatchObject({ notificationId: 'alert-1:L2', dedupKey: 'alert-1:L2', channels: ['slack', 'email'], recipients: ['security_team'], priority: 'immediate' });
    expect(isForChannel(parsed.message, 'webhook')).toBe(false);
  });

  it.each([
    ['no data', null, /no data/],
    ['not JSON', Buffer.from('{oops'), /not JSON/],
    ['unknown channel', Buffer.from(JSON.stringify(seedNotification({ channel: 'sms' }))), /channel/],
    ['missing payload', Buffer.from(JSON.stringify({ ...seedNotification(), payload: undefined })), /payload/],
  ])('refuses %s with a reason', (_name, data, reason) => {
    const parsed = parseNotification(data);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});

describe('isPriority', () => {
  const payload = seedNotification().payload as { severity: 'medium' };
  it.each([
    ['immediate', 'low', true],
    ['high', 'info', true],
    ['normal', 'critical', true],
    ['low', 'high', true],
    ['normal', 'medium', false],
    ['low', 'low', false],
  ] as const)('priority %s, severity %s → %s', (priority, severity, expected) => {
    expect(isPriority({ priority, payload: { ...payload, title: 't', message: 'm', severity } })).toBe(expected);
  });
});

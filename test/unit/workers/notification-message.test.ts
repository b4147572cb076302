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
    expect(parsed.message).toMatchObject({ notificationId: 'alert-1:L2', dedupKey: 'alert-1:L2', channels: ['slack', 'email', 'phone'], recipients: ['security_team'], priority: 'immediate', alertId: 'alert-1', eventAction: 'trigger', level: 2 });
    expect(isForChannel(parsed.message, 'webhook')).toBe(false);
    expect(isForChannel(parsed.message, 'phone')).toBe(true);
  });

  it('keeps an acknowledge / resolve for the paging channels only', () => {
    const ack = { dedup_key: 'alert-1:acknowledge:v3', alert_id: 'alert-1', level: 3, severity: 'high', title: 'Kong exposed', recipients: [], channels: ['incident_management', 'slack'], event_action: 'acknowledge' };
    const parsed = parseNotification(JSON.stringify(ack));
    expect(parsed.ok && parsed.message.eventAction).toBe('acknowledge');
    if (!parsed.ok) return;
    expect(isForChannel(parsed.message, 'incident_management')).toBe(true);
    expect(isForChannel(parsed.message, 'slack')).toBe(false);
  });

  it('reads a notification naming a channel no sender exists for (sms) as for no sender, not as invalid', () => {
    const parsed = parseNotification(Buffer.from(JSON.stringify(seedNotification({ channel: 'sms' }))));
    expect(parsed).toMatchObject({ ok: true, message: { channels: [] } });
    if (!parsed.ok) return;
    for (const channel of ['slack', 'email', 'webhook', 'incident_management', 'phone'] as const) expect(isForChannel(parsed.message, channel)).toBe(false);
    const escalation = parseNotification(JSON.stringify({ dedup_key: 'a:L1', alert_id: 'a', level: 1, severity: 'low', title: 't', recipients: [], channels: ['sms', 'webhook'] }));
    expect(escalation.ok && escalation.message.channels).toEqual(['webhook']);
  });

  it.each([
    ['no data', null, /no data/],
    ['not JSON', Buffer.from('{oops'), /not JSON/],
    ['empty channel', Buffer.from(JSON.stringify(seedNotification({ channel: '' }))), /channel/],
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

import { describe, expect, it } from 'vitest';
import { notificationFor, statusNotificationFor } from '../../../electron/core/alerts/alert-transitions';
import { parseNotification } from '../../../electron/core/workers/notify/notification-message';
import { pagerDutyEvent, pagerDutySeverity } from '../../../electron/core/workers/notify/pagerduty-sender';
import { DEFAULT_ESCALATION_POLICY, levelChannels, notConfiguredChannels, type AlertState } from '../../../shared/model/alerts';

const alert = (over: Partial<AlertState> = {}): AlertState => ({
  id: 'alert-7',
  severity: 'high',
  title: 'Kong Admin API exposed',
  message: 'no auth',
  source: 'kong_monitor',
  status: 'open',
  level: 1,
  createdAt: 1_700_000_000_000,
  metadata: {},
  notes: [],
  version: 1,
  updatedBy: 'engine',
  updatedAt: 1_700_000_000_000,
  timeline: [],
  ...over,
});

describe('the channels of a level', () => {
  it("puts the alert's own notification_channels first, then the policy's methods not yet listed", () => {
    const a = alert({ channels: ['webhook', 'incident_management', 'sms'] });
    expect(levelChannels(a, 1, DEFAULT_ESCALATION_POLICY)).toEqual(['webhook', 'incident_management', 'sms', 'slack', 'email']);
    expect(levelChannels(a, 3, DEFAULT_ESCALATION_POLICY)).toEqual(['webhook', 'incident_management', 'sms', 'slack', 'email', 'phone']);
    // No channels of its own: the policy alone, as before.
    expect(levelChannels(alert(), 1, DEFAULT_ESCALATION_POLICY)).toEqual(['slack', 'email']);
  });

  it('lists a channel no sender exists for, and with known destinations one without a destination, as not configured', () => {
    expect(notConfiguredChannels(['webhook', 'sms', 'slack'], null)).toEqual(['sms']);
    expect(notConfiguredChannels(['webhook', 'sms', 'slack', 'incident_management'], new Set(['webhook', 'incident_management']))).toEqual(['sms', 'slack']);
  });

  it('writes them into the escalation notification, which the senders read back', () => {
    const n = notificationFor(alert({ channels: ['webhook', 'sms'] }), 1, DEFAULT_ESCALATION_POLICY, 1_700_000_000_000, new Set(['webhook']));
    expect(n).toMatchObject({ dedup_key: 'alert-7:L1', channels: ['webhook', 'sms', 'slack', 'email'], not_configured: ['sms', 'slack', 'email'], source: 'kong_monitor' });
    const parsed = parseNotification(JSON.stringify(n));
    expect(parsed.ok && parsed.message.channels).toEqual(['webhook', 'slack', 'email']);
  });
});

describe('acknowledge / resolve for the paging integration', () => {
  it('is emitted only when a level fired so far paged, for the paging channels, unique per version', () => {
    expect(statusNotificationFor(alert({ level: 2 }), 'acknowledge', DEFAULT_ESCALATION_POLICY, 0)).toMatchObject({ channels: ['phone'], event_action: 'acknowledge', dedup_key: 'alert-7:acknowledge:v1' });
    expect(statusNotificationFor(alert({ level: 1 }), 'resolve', DEFAULT_ESCALATION_POLICY, 0)).toBeNull();
    expect(statusNotificationFor(alert({ level: 1, channels: ['incident_management'], version: 4 }), 'resolve', DEFAULT_ESCALATION_POLICY, 0)).toMatchObject({ channels: ['incident_management'], event_action: 'resolve', dedup_key: 'alert-7:resolve:v4' });
  });
});

describe('PagerDuty Events API v2 mapping', () => {
  it('maps the seed severities onto PagerDuty’s four', () => {
    expect((['critical', 'high', 'medium', 'low', 'info'] as const).map(pagerDutySeverity)).toEqual(['critical', 'error', 'warning', 'info', 'info']);
  });

  it('triggers with the alert id as dedup key and a payload; acknowledge and resolve carry only the key', () => {
    const trigger = parseNotification(JSON.stringify(notificationFor(alert({ channels: ['incident_management'] }), 1, DEFAULT_ESCALATION_POLICY, 0)));
    if (!trigger.ok) throw new Error(trigger.reason);
    const event = pagerDutyEvent(trigger.message, 'R0UT1NG', new Date(5));
    expect(event).toMatchObject({
      routing_key: 'R0UT1NG',
      event_action: 'trigger',
      dedup_key: 'alert-7',
      payload: { summary: '[HIGH] Kong Admin API exposed', source: 'kong_monitor', severity: 'error', timestamp: new Date(5).toISOString(), custom_details: { alert_id: 'alert-7', escalation_level: 1 } },
    });
    const ack = parseNotification(JSON.stringify(statusNotificationFor(alert({ channels: ['incident_management'] }), 'acknowledge', DEFAULT_ESCALATION_POLICY, 0)));
    if (!ack.ok) throw new Error(ack.reason);
    expect(pagerDutyEvent(ack.message, 'R0UT1NG')).toEqual({ routing_key: 'R0UT1NG', event_action: 'acknowledge', dedup_key: 'alert-7' });
  });

  it('keys a seed 000 notification by its dedup key or id, and caps the summary', () => {
    const seed = parseNotification(JSON.stringify({ notification_id: 'n-9', channel: 'incident_management', recipient: 'oncall', priority: 'high', template: 'security_alert', payload: { title: 'x'.repeat(2000), message: 'm', severity: 'critical', asset: 'gw-1' } }));
    if (!seed.ok) throw new Error(seed.reason);
    const event = pagerDutyEvent(seed.message, 'K');
    expect(event.dedup_key).toBe('n-9');
    expect(event.payload?.summary.length).toBe(1024);
    expect(event.payload).toMatchObject({ source: 'gw-1', component: 'gw-1', severity: 'critical' });
  });
});

import { describe, expect, it } from 'vitest';
import { NotificationDestinationsInput, type NotificationDestinationsView } from '../../../shared/model/workers';
import { channelLines, describeDestinations, destinationsFormValues, destinationsInputFrom } from '../../../renderer/src/features/workers/destinations-form.logic';

const stored: NotificationDestinationsView = {
  slack: { hasWebhookUrl: true },
  email: { host: 'smtp.example.com', port: 465, secure: true, requireStartTls: false, from: 'soc@example.com', username: 'soc', hasPassword: true, caFile: null, roleAddress: null },
  webhook: { url: 'https://hooks.example.com/in', hasSecret: false, allowList: ['https://a.example.com/x'] },
  pagerDuty: null,
};

describe('notification destinations form', () => {
  it('fills plain fields from the view and never a secret', () => {
    const values = destinationsFormValues(stored);
    expect(values).toMatchObject({ slackWebhookUrl: '', emailHost: 'smtp.example.com', emailPort: '465', emailPassword: '', webhookSecret: '', webhookAllowList: 'https://a.example.com/x', isEmailOn: true, isWebhookOn: true });
    expect(destinationsFormValues(null)).toMatchObject({ isEmailOn: false, isWebhookOn: false, emailPort: '587' });
  });

  it('leaves untouched secrets out (kept), sends typed ones, and "" when cleared; the result passes the contract', () => {
    const untouched = destinationsInputFrom(destinationsFormValues(stored));
    expect(untouched.ok).toBe(true);
    if (!untouched.ok) return;
    expect(untouched.input.slack).toBeUndefined();
    expect(untouched.input.email).toEqual({ host: 'smtp.example.com', port: 465, secure: true, requireStartTls: false, from: 'soc@example.com', username: 'soc' });
    expect(untouched.input.webhook).toEqual({ url: 'https://hooks.example.com/in', allowList: ['https://a.example.com/x'] });
    expect(NotificationDestinationsInput.safeParse(untouched.input).success).toBe(true);

    const changed = destinationsInputFrom({ ...destinationsFormValues(stored), slackWebhookUrl: 'https://hooks.slack.com/services/T/B/x', clearEmailPassword: true, webhookSecret: 's3cret' });
    expect(changed).toMatchObject({ ok: true, input: { slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/x' }, email: { password: '' }, webhook: { secret: 's3cret' } } });
    expect(destinationsInputFrom({ ...destinationsFormValues(stored), clearSlackWebhookUrl: true })).toMatchObject({ ok: true, input: { slack: { webhookUrl: '' } } });
  });

  it('switching email or the webhook off removes it', () => {
    const off = destinationsInputFrom({ ...destinationsFormValues(stored), isEmailOn: false, isWebhookOn: false });
    expect(off).toEqual({ ok: true, input: { email: null, webhook: null, pagerDuty: null } });
  });

  it('says what to fix before calling the host', () => {
    const base = destinationsFormValues(stored);
    expect(destinationsInputFrom({ ...base, emailHost: ' ' })).toMatchObject({ ok: false, message: expect.stringMatching(/SMTP host/) });
    expect(destinationsInputFrom({ ...base, emailPort: '70000' })).toMatchObject({ ok: false, message: expect.stringMatching(/port/) });
    expect(destinationsInputFrom({ ...base, webhookUrl: 'not a url' })).toMatchObject({ ok: false, message: expect.stringMatching(/webhook URL/) });
    expect(destinationsInputFrom({ ...base, webhookAllowList: 'https://ok.example.com\nftp://nope' })).toMatchObject({ ok: false, message: expect.stringMatching(/ftp:\/\/nope/) });
    expect(destinationsInputFrom({ ...base, slackWebhookUrl: 'hooks.slack.com' })).toMatchObject({ ok: false, message: expect.stringMatching(/Slack/) });
  });

  it('describes the state with secrets only as set / not set', () => {
    const lines = describeDestinations(stored).join('\n');
    expect(lines).toContain('Slack: webhook URL set');
    expect(lines).toContain('password set');
    expect(lines).toContain('secret not set');
    expect(describeDestinations({ slack: { hasWebhookUrl: false }, email: null, webhook: null, pagerDuty: null })).toEqual(['Slack: not set', 'Email: off', 'Webhook: off', 'PagerDuty: off']);
  });

  it('sends the PagerDuty routing keys write-only, defaults the events URL, and refuses a bad one', () => {
    const on = destinationsInputFrom({ ...destinationsFormValues(stored), isPagerDutyOn: true, pagerDutyEventsUrl: ' ', pagerDutyRoutingKey: 'R1' });
    expect(on).toMatchObject({ ok: true, input: { pagerDuty: { eventsUrl: 'https://events.pagerduty.com/v2/enqueue', routingKey: 'R1' } } });
    expect(on.ok && on.input.pagerDuty && 'phoneRoutingKey' in on.input.pagerDuty).toBe(false);
    expect(on.ok && NotificationDestinationsInput.safeParse(on.input).success).toBe(true);
    const withPd = { ...stored, pagerDuty: { eventsUrl: 'http://127.0.0.1:9/pd', hasRoutingKey: true, hasPhoneRoutingKey: true } };
    expect(destinationsFormValues(withPd)).toMatchObject({ isPagerDutyOn: true, pagerDutyEventsUrl: 'http://127.0.0.1:9/pd', pagerDutyRoutingKey: '' });
    expect(destinationsInputFrom({ ...destinationsFormValues(withPd), clearPagerDutyPhoneRoutingKey: true })).toMatchObject({ ok: true, input: { pagerDuty: { phoneRoutingKey: '' } } });
    expect(destinationsInputFrom({ ...destinationsFormValues(withPd), pagerDutyEventsUrl: 'events.pagerduty.com' })).toMatchObject({ ok: false, message: expect.stringMatching(/PagerDuty/) });
  });

  it('lists every delivery channel as configured or not configured', () => {
    const lines = channelLines({ ...stored, pagerDuty: { eventsUrl: 'https://events.pagerduty.com/v2/enqueue', hasRoutingKey: true, hasPhoneRoutingKey: false } });
    expect(lines.map((l) => [l.channel, l.isConfigured])).toEqual([
      ['slack', true],
      ['email', true],
      ['webhook', true],
      ['incident_management', true],
      ['phone', false],
    ]);
    expect(lines.find((l) => l.channel === 'phone')!.text).toBe('phone: not configured — no PagerDuty phone routing key');
  });
});

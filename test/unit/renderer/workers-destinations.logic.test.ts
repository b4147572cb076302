import { describe, expect, it } from 'vitest';
import { NotificationDestinationsInput, type NotificationDestinationsView } from '../../../shared/model/workers';
import { describeDestinations, destinationsFormValues, destinationsInputFrom } from '../../../renderer/src/features/workers/destinations-form.logic';

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
    expect(off).toEqual({ ok: true, input: { email: null, webhook: null } });
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
    expect(describeDestinations({ slack: { hasWebhookUrl: false }, email: null, webhook: null, pagerDuty: null })).toEqual(['Slack: not set', 'Email: off', 'Webhook: off']);
  });
});

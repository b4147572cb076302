import type { IncomingHttpHeaders } from 'node:http';
import { startReceiver, type Receiver } from '../helpers/http-receiver';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import { webhookSignature } from '../../electron/core/workers/notify/webhook-delivery';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

/**
 * The pipeline end to end, in the workers' thread: a critical event → the event processor routes
 * it to security.alerts and a priority notification → the alert processor stores the alert (whose
 * level 1 emits its own notifications) → the Slack, email and webhook senders deliver to real
 * servers on loopback. Assertions are on what the servers received.
 */
describe('notification senders run by the workers', () => {
  const ns = uniqueNamespace('wnotify');
  const redis = new Redis(REDIS_URL);
  const random = createRandom(31);
  const http: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const mails: { to: string[]; raw: string }[] = [];
  let failNext = 0;
  let receiver: Receiver;
  let smtp: SMTPServer;
  let t: TestCore;
  let base = '';
  let smtpPort = 0;

  beforeAll(async () => {
    receiver = await startReceiver((req, body, own) => {
      // A server that echoes the request URL (its secret path) in its error page.
      if (req.url?.startsWith('/echo')) return { status: 500, body: `no such hook: ${own}${req.url}` };
      if (failNext > 0) {
        failNext--;
        return { status: 503, body: 'busy' };
      }
      http.push({ path: req.url ?? '', headers: req.headers, body });
      return { status: 200, body: 'ok' };
    });
    base = receiver.base;
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    t = await createTestCore(ns, {}, { workerOptions: { timings: { blockMs: 100, reclaimEveryMs: 500 }, notifyOptions: { retryDelays: { exponentialBaseMs: 50, fixedDelayMs: 50 }, timeoutMs: 3000 } } });
  });

  afterAll(async () => {
    await t.close();
    await cleanupNamespace(ns);
    redis.disconnect();
    await receiver.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('delivers to Slack, email and a signed webhook; a 503 is retried, not lost', async () => {
    const set = await t.core.call('workers.setDestinations', {
      envId: t.envId,
      destinations: {
        slack: { webhookUrl: `${base}/slack` },
        email: { host: '127.0.0.1', port: smtpPort, secure: false, requireStartTls: false, from: 'watchfloor@soc.test', roleAddress: 'soc-oncall@soc.test' },
        webhook: { url: `${base}/hook`, secret: 'hook-secret', allowList: [] },
      },
    });
    expect(set.ok).toBe(true);
    const started = await t.core.call('workers.start', { envId: t.envId, only: ['event', 'alert', 'slack', 'email', 'webhook'] });
    expect(started.ok && started.value.processors.filter((p) => p.state !== 'stopped').map((p) => p.name).sort()).toEqual(['alert', 'email', 'event', 'slack', 'webhook']);

    failNext = 1;
    const critical = { ...securityEvent(random, Date.now()), severity: 'critical', title: 'Kong Admin API exposed' };
    await redis.xadd(`${ns}security.events`, '*', 'data', JSON.stringify(critical));
    const email = { notification_id: 'n-mail-1', channel: 'email', recipient: 'oncall@soc.test', priority: 'normal', template: 'security_alert', payload: { title: 'Disk almost full', message: 'disk at 97 %', severity: 'medium' }, retry_policy: { max_retries: 3, backoff: 'exponential' } };
    const hook = { ...email, notification_id: 'n-hook-1', channel: 'webhook', recipient: `${base}/hook` };
    await redis.xadd(`${ns}security.notifications`, '*', 'data', JSON.stringify(email));
    await redis.xadd(`${ns}security.notifications`, '*', 'data', JSON.stringify(hook));

    const slack = await waitFor(() => http.find((r) => r.path === '/slack' && r.body.includes('Kong Admin API exposed')), 'the Slack post of the priority notification', 30_000);
    expect(JSON.parse(slack.body)).toHaveProperty('blocks');
    const mail = await waitFor(() => mails.find((m) => m.to.includes('oncall@soc.test')), 'the email at the SMTP server', 30_000);
    expect(mail.raw).toMatch(/Subject: \[MEDIUM\] Disk almost full/);
    // The alert's level-1 escalation names roles; it is mailed to the address set for roles.
    const escalation = await waitFor(() => mails.find((m) => m.to.includes('soc-oncall@soc.test')), 'the escalation email to the role address', 30_000);
    expect(escalation.raw).toContain('Kong Admin API exposed');
    const webhook = await waitFor(() => http.find((r) => r.path === '/hook' && r.body.includes('n-hook-1')), 'the webhook delivery', 30_000);
    const timestamp = String(webhook.headers['x-watchfloor-timestamp']);
    expect(webhook.headers['x-watchfloor-signature']).toBe(webhookSignature('hook-secret', timestamp, webhook.body));

    // Views come from the workers' thread a few times a second: wait for one that shows every count.
    await waitFor(async () => {
      const v = await t.core.call('workers.list', { envId: t.envId });
      if (!v.ok) return false;
      const count = (name: string) => v.value.processors.find((p) => p.name === name)!.counters.processed;
      return v.value.processors.some((p) => p.counters.retries >= 1) && count('slack') >= 1 && count('email') >= 1 && count('webhook') >= 1;
    }, 'the 503 counted as a retry and each sender\'s delivery as processed');
    expect(await redis.xlen(`${ns}security.notifications.priority.dlq`)).toBe(0);
  });

  it('never shows a destination secret in a worker error, even when the server echoes it', async () => {
    await t.core.call('workers.stop', { envId: t.envId });
    const secretUrl = `${base}/echo/services/T0/B0/very-secret-token`;
    expect((await t.core.call('workers.setDestinations', { envId: t.envId, destinations: { slack: { webhookUrl: secretUrl } } })).ok).toBe(true);
    expect((await t.core.call('workers.start', { envId: t.envId, only: ['slack'] })).ok).toBe(true);
    const note = { notification_id: 'n-echo-1', channel: 'slack', recipient: 'security-alerts', priority: 'normal', template: 'security_alert', payload: { title: 'echo', message: 'echo', severity: 'low' }, retry_policy: { max_retries: 0, backoff: 'exponential' } };
    await redis.xadd(`${ns}security.notifications`, '*', 'data', JSON.stringify(note));
    const slack = await waitFor(async () => {
      const v = await t.core.call('workers.list', { envId: t.envId });
      const p = v.ok ? v.value.processors.find((x) => x.name === 'slack') : undefined;
      return p?.lastError?.message.includes('no such hook') ? p : undefined;
    }, 'the echoed error in the Slack sender status');
    expect(slack.lastError!.message).not.toContain('very-secret-token');
    expect(JSON.stringify(t.events('workers.changed'))).not.toContain('very-secret-token');
    expect(t.logs.join('\n')).not.toContain('very-secret-token');
  });
});

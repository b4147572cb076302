import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotificationHandler, type NotificationHandler } from '../../electron/core/workers/notify/notification-handler';
import { webhookSignature } from '../../electron/core/workers/notify/webhook-delivery';
import type { StreamMessage } from '../../electron/core/workers/stream-handler';

/**
 * The three senders against real servers on loopback: an HTTP receiver standing for Slack and a
 * webhook consumer, and an SMTP server. Every assertion is on what the receiver got (or did not).
 */

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP receiver on 127.0.0.1:0 that records every request and answers `status`. */
async function startReceiver(status: (path: string) => number = () => 200) {
  const requests: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      const code = status(req.url ?? '');
      res.writeHead(code, { 'content-type': 'text/plain' }).end(code >= 400 ? `boom at ${req.url}\nsecond line` : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { requests, base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let sequence = 0;
function entry(over: Record<string, unknown> = {}, payload: Record<string, unknown> = {}): StreamMessage {
  const data = Buffer.from(
    JSON.stringify({
      notification_id: `n-${++sequence}`,
      channel: 'slack',
      recipient: 'security-alerts',
      priority: 'high',
      template: 'security_alert',
      payload: { title: 'Critical Security Alert', message: 'Kong Admin API exposed over HTTP', severity: 'critical', asset: 'Production Kong Gateway', action_required: 'Secure Admin API immediately', remediation_link: 'https://security.example/remediation/kong-001', ...payload },
      retry_policy: { max_retries: 5, backoff: 'fixed:1000ms' },
      ...over,
    }),
  );
  return { id: `${sequence}-0`, fields: [Buffer.from('data'), data], payload: data, attempts: 0 };
}

const handlers: NotificationHandler[] = [];
function handlerFor(...args: Parameters<typeof createNotificationHandler>): NotificationHandler {
  const handler = createNotificationHandler(...args);
  if (!handler) throw new Error('expected a handler');
  handlers.push(handler);
  return handler;
}
afterAll(async () => {
  for (const h of handlers) await h.close();
});

describe('Slack sender against a local receiver', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver((path) => (path.startsWith('/fail') ? 500 : 200));
  });
  afterAll(() => receiver.close());

  it('posts the text fallback and blocks, to the channel webhook of the recipient, markup escaped', async () => {
    const handler = handlerFor('slack', { slack: { defaultUrl: `${receiver.base}/default`, channels: { 'security-alerts': `${receiver.base}/sec` } } }, { namespace: '' });
    const [outcome] = await handler.handle([entry({}, { message: 'ping <!channel> & <https://evil.example|click>' })]);
    expect(outcome).toEqual({ kind: 'done' });
    const request = receiver.requests.at(-1)!;
    expect(request.path).toBe('/sec');
    expect(request.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request.body) as { text: string; blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[] };
    expect(body.text).toBe('[CRITICAL] Critical Security Alert: ping &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '[CRITICAL] Critical Security Alert', emoji: false } });
    expect(body.blocks[1]!.fields!.map((f) => f.text)).toEqual(['*Severity*\nCRITICAL', '*Asset*\nProduction Kong Gateway']);
    const texts = body.blocks.slice(2).map((b) => b.text!.text);
    expect(texts).toEqual(['ping &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;', '*Action required*\nSecure Admin API immediately', '*Remediation:* <https://security.example/remediation/kong-001|Remediation>']);
  });

  it('uses the default webhook for a recipient with no channel entry', async () => {
    const handler = handlerFor('slack', { slack: { defaultUrl: `${receiver.base}/default` } }, { namespace: '' });
    expect(await handler.handle([entry({ recipient: 'elsewhere' })])).toEqual([{ kind: 'done' }]);
    expect(receiver.requests.at(-1)!.path).toBe('/default');
  });

  it('a 500 is a retry with the status and a short body excerpt; 5 failures open the circuit and the 6th is not sent', async () => {
    const handler = handlerFor('slack', { slack: { defaultUrl: `${receiver.base}/fail` } }, { namespace: '' });
    const before = receiver.requests.filter((r) => r.path === '/fail').length;
    const outcomes = await handler.handle([entry(), entry(), entry(), entry(), entry()]);
    expect(outcomes).toEqual(Array(5).fill({ kind: 'retry', error: 'Slack answered 500: boom at /fail second line' }));
    expect(Object.keys(handler.openCircuits())).toEqual(['slack:default']);
    const [sixth] = await handler.handle([entry()]);
    expect(sixth).toMatchObject({ kind: 'wait', reason: expect.stringMatching(/^circuit open until \d{4}-.* for slack:default; waiting, no retry spent$/) });
    expect(receiver.requests.filter((r) => r.path === '/fail').length - before).toBe(5);
  });

  it('skips a message for another channel without contacting anyone', async () => {
    const handler = handlerFor('slack', { slack: { defaultUrl: `${receiver.base}/default` } }, { namespace: '' });
    const before = receiver.requests.length;
    expect(await handler.handle([entry({ channel: 'email', recipient: 'ops@example.com' })])).toEqual([{ kind: 'skip' }]);
    expect(receiver.requests.length).toBe(before);
  });
});

describe('webhook sender against local receivers', () => {
  const SECRET = 'hook-secret';
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let outsider: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
    outsider = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await outsider.close();
  });

  it('posts the notification JSON with a timestamp, a signature that verifies and the dedup key', async () => {
    const handler = handlerFor('webhook', { webhook: { url: `${receiver.base}/hook`, secret: SECRET } }, { namespace: '' });
    const message = entry({ channel: 'webhook', recipient: `${receiver.base}/hook`, dedup_key: 'alert-9:L1' });
    expect(await handler.handle([message])).toEqual([{ kind: 'done' }]);
    const request = receiver.requests.at(-1)!;
    expect(request.body).toBe(message.payload!.toString());
    expect(request.headers['x-watchfloor-dedup-key']).toBe('alert-9:L1');
    expect(request.headers['x-watchfloor-signature']).toBe(webhookSignature(SECRET, String(request.headers['x-watchfloor-timestamp']), request.body));
    expect(request.headers['x-watchfloor-signature']).not.toBe(webhookSignature('other-secret', String(request.headers['x-watchfloor-timestamp']), request.body));
  });

  it('never contacts a recipient URL that is not allow-listed; an allow-listed one is used', async () => {
    const handler = handlerFor('webhook', { webhook: { url: `${receiver.base}/hook`, secret: SECRET, allowList: [`${receiver.base}/team`] } }, { namespace: '' });
    const before = receiver.requests.length;
    expect(await handler.handle([entry({ channel: 'webhook', recipient: `${outsider.base}/steal` }), entry({ channel: 'webhook', recipient: `${receiver.base}/team` })])).toEqual([{ kind: 'done' }, { kind: 'done' }]);
    expect(outsider.requests).toEqual([]);
    expect(receiver.requests.slice(before).map((r) => r.path).sort()).toEqual(['/hook', '/team']);
  });
});

describe('email sender against a local SMTP server', () => {
  const mails: { to: string[]; from: string; raw: string }[] = [];
  let smtp: SMTPServer;
  let port: number;
  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      // Plaintext on loopback for the test; the sender is told so with requireStartTls: false.
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('nobody@')) {
          const refusal = new Error('mailbox unavailable') as Error & { responseCode: number };
          refusal.responseCode = 550;
          return callback(refusal);
        }
        callback();
      },
      onData(stream, session, callback) {
        let raw = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (raw += chunk));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((a) => a.address), from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    port = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

  const emailHandler = () => handlerFor('email', { email: { host: '127.0.0.1', port, secure: false, requireStartTls: false, from: 'watchfloor@example.com' } }, { namespace: '' });

  it('delivers to the recipient with subject [CRITICAL] title and a plain-text body', async () => {
    const handler = emailHandler();
    expect(await handler.handle([entry({ channel: 'email', recipient: 'secops@example.com' })])).toEqual([{ kind: 'done' }]);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toEqual(['secops@example.com']);
    expect(mail.from).toBe('watchfloor@example.com');
    const [head, ...rest] = mail.raw.split('\r\n\r\n');
    const body = rest.join('\r\n\r\n');
    expect(head).toMatch(/^Subject: \[CRITICAL\] Critical Security Alert$/m);
    expect(head).toMatch(/^Content-Type: text\/plain/m);
    expect(body).toContain('Kong Admin API exposed over HTTP');
    expect(body).toContain('Action required: Secure Admin API immediately');
    expect(body).toContain('Remediation: https://security.example/remediation/kong-001');
  });

  it('refuses an invalid recipient as invalid (never retried) without connecting', async () => {
    const handler = emailHandler();
    const before = mails.length;
    const outcomes = await handler.handle([entry({ channel: 'email', recipient: 'not-an-address' }), entry({ channel: 'email', recipient: 'a@example.com, b@example.com' }), entry({ channel: 'email', recipient: 'x@example.com\r\nBcc: y@example.com' })]);
    expect(outcomes.map((o) => o.kind)).toEqual(['invalid', 'invalid', 'invalid']);
    expect(outcomes[0]).toMatchObject({ reason: expect.stringContaining('is not an email address') });
    expect(mails.length).toBe(before);
  });

  it('a recipient the server refuses permanently (550) is invalid, and does not count against the relay', async () => {
    const handler = emailHandler();
    const refused = () => entry({ channel: 'email', recipient: 'nobody@example.com' });
    const outcomes = await handler.handle([refused(), refused(), refused(), refused(), refused()]);
    for (const outcome of outcomes) expect(outcome).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('550') });
    // Five failures would have opened the circuit; these were answers, so mail still flows.
    expect(handler.openCircuits()).toEqual({});
    expect(await handler.handle([entry({ channel: 'email', recipient: 'secops@example.com' })])).toEqual([{ kind: 'done' }]);
  });

  it('refuses to send in clear when STARTTLS is required and the server does not offer it (retry)', async () => {
    const handler = handlerFor('email', { email: { host: '127.0.0.1', port, secure: false, from: 'watchfloor@example.com' } }, { namespace: '' });
    const before = mails.length;
    const [outcome] = await handler.handle([entry({ channel: 'email', recipient: 'secops@example.com' })]);
    expect(outcome).toMatchObject({ kind: 'retry' });
    expect(mails.length).toBe(before);
  });
});

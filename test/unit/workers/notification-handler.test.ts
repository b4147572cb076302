import { describe, expect, it } from 'vitest';
import { createNotificationHandler, NotificationHandler } from '../../../electron/core/workers/notify/notification-handler';
import { InvalidNotification, type NotificationSender } from '../../../electron/core/workers/notify/notification-sender';
import type { StreamMessage } from '../../../electron/core/workers/stream-handler';

const entry = (data: unknown, id = '1-0'): StreamMessage => {
  const payload = data === null ? null : Buffer.from(typeof data === 'string' ? data : JSON.stringify(data));
  return { id, fields: payload ? [Buffer.from('data'), payload] : [], payload, attempts: 0 };
};

const notification = (over: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) => ({
  notification_id: 'n-1',
  channel: 'webhook',
  recipient: 'https://hooks.example/x',
  priority: 'normal',
  template: 'security_alert',
  payload: { title: 'T', message: 'M', severity: 'medium', ...payload },
  retry_policy: { max_retries: 3, backoff: 'exponential' },
  ...over,
});

/** A sender that records calls and fails while `isFailing`. */
function fakeSender(channel: NotificationSender['channel'] = 'webhook') {
  const state = { sent: 0, isFailing: false };
  const sender: NotificationSender = {
    channel,
    prepare: (message) => {
      if (message.recipients[0] === 'undeliverable') throw new InvalidNotification('bad recipient');
      return {
        destination: 'webhook:https://hooks.example',
        send: async () => {
          state.sent++;
          if (state.isFailing) throw new Error('webhook answered 500');
        },
      };
    },
    close: async () => {},
  };
  return { sender, state };
}

describe('NotificationHandler', () => {
  it('gives done, skip and invalid outcomes in order', async () => {
    const { sender, state } = fakeSender();
    const handler = new NotificationHandler(sender, { namespace: 'ns:' });
    const outcomes = await handler.handle([entry(notification()), entry(notification({ channel: 'email' })), entry('{nope'), entry(null), entry(notification({ recipient: 'undeliverable' }))]);
    expect(outcomes.map((o) => o.kind)).toEqual(['done', 'skip', 'invalid', 'invalid', 'invalid']);
    expect(outcomes[4]).toEqual({ kind: 'invalid', reason: 'bad recipient' });
    expect(state.sent).toBe(1);
    expect(handler.mode).toBe('effectful');
  });

  it('retries a failure; once 5 failures opened the circuit it answers "wait until it half-opens" without calling (no retry spent)', async () => {
    let now = 1_700_000_000_000;
    const { sender, state } = fakeSender();
    state.isFailing = true;
    const handler = new NotificationHandler(sender, { namespace: '', clock: { now: () => now } });
    for (let i = 0; i < 5; i++) expect((await handler.handle([entry(notification())]))[0]).toEqual({ kind: 'retry', error: 'webhook answered 500' });
    const [refused] = await handler.handle([entry(notification())]);
    expect(refused).toMatchObject({ kind: 'wait', reason: `circuit open until ${new Date(now + 30_000).toISOString()} for webhook:https://hooks.example; waiting, no retry spent` });
    const untilMs = (refused as { untilMs: number }).untilMs;
    expect(untilMs).toBeGreaterThanOrEqual(now + 30_000);
    expect(untilMs).toBeLessThan(now + 30_200);
    expect(state.sent).toBe(5);
    expect(handler.openCircuits()).toEqual({ 'webhook:https://hooks.example': now + 30_000 });
    now += 30_000;
    state.isFailing = false;
    expect((await handler.handle([entry(notification())]))[0]).toEqual({ kind: 'done' });
    expect(state.sent).toBe(6);
  });

  it('a failed trial call while half-open re-opens the circuit and waits instead of spending a retry', async () => {
    let now = 1_700_000_000_000;
    const { sender, state } = fakeSender();
    state.isFailing = true;
    const handler = new NotificationHandler(sender, { namespace: '', clock: { now: () => now } });
    for (let i = 0; i < 5; i++) await handler.handle([entry(notification())]);
    now += 30_000;
    const [trial] = await handler.handle([entry(notification())]);
    expect(state.sent).toBe(6);
    expect(trial).toMatchObject({ kind: 'wait', reason: expect.stringContaining('(trial call failed: webhook answered 500)') });
    expect(handler.openCircuits()).toEqual({ 'webhook:https://hooks.example': now + 30_000 });
  });

  it('sends at most `concurrency` messages at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const sender: NotificationSender = {
      channel: 'webhook',
      prepare: () => ({
        destination: 'd',
        send: async () => {
          peak = Math.max(peak, ++inFlight);
          await new Promise((r) => setImmediate(r));
          inFlight--;
        },
      }),
      close: async () => {},
    };
    const handler = new NotificationHandler(sender, { namespace: '', concurrency: 3 });
    const outcomes = await handler.handle(Array.from({ length: 10 }, (_, i) => entry(notification({ notification_id: `n${i}` }), `${i}-0`)));
    expect(outcomes.every((o) => o.kind === 'done')).toBe(true);
    expect(peak).toBe(3);
  });

  it('dedups by dedup_key, else notification_id, else none', () => {
    const handler = new NotificationHandler(fakeSender().sender, { namespace: '' });
    expect(handler.dedupId(entry(notification({ dedup_key: 'a:L1' })))).toBe('a:L1');
    expect(handler.dedupId(entry(notification()))).toBe('n-1');
    expect(handler.dedupId(entry('{nope'))).toBeNull();
  });

  it('routes priority messages to the priority DLQ and policy (5 retries, fixed 1 s), others to the normal ones', () => {
    const handler = new NotificationHandler(fakeSender().sender, { namespace: 'ns:' });
    const critical = entry(notification({ retry_policy: undefined }, { severity: 'critical' }));
    const normal = entry(notification());
    expect(handler.deadLetterStream(critical)).toBe('ns:security.notifications.priority.dlq');
    expect(handler.deadLetterStream(normal)).toBe('ns:security.notifications.dlq');
    expect(handler.deadLetterStream(entry('{nope'))).toBe('ns:security.notifications.dlq');
    // retry_policy absent → the seed's priority policy.
    expect(handler.retryPolicy(entry({ ...notification({}, { severity: 'critical' }), retry_policy: undefined }))).toMatchObject({ maxRetries: 5, backoff: { type: 'fixed', delayMs: 1000 } });
    expect(handler.retryPolicy(entry(notification({ priority: 'immediate', retry_policy: { max_retries: 5, backoff: 'fixed:1000ms' } })))).toMatchObject({ maxRetries: 5, backoff: { type: 'fixed', delayMs: 1000 } });
    expect(handler.retryPolicy(normal)).toMatchObject({ maxRetries: 3, backoff: { type: 'exponential', baseMs: 1000 } });
  });

  it('lets tests shorten the retry delays', () => {
    const handler = new NotificationHandler(fakeSender().sender, { namespace: '', retryDelays: { exponentialBaseMs: 5, fixedDelayMs: 7 } });
    expect(handler.retryPolicy(entry(notification()))).toMatchObject({ backoff: { type: 'exponential', baseMs: 5 } });
    expect(handler.retryPolicy(entry(notification({ retry_policy: { max_retries: 2, backoff: 'fixed:1000ms' } })))).toMatchObject({ maxRetries: 2, backoff: { type: 'fixed', delayMs: 7 } });
  });
});

describe('createNotificationHandler', () => {
  it('returns null for a channel with no destination, so it is not consumed', () => {
    expect(createNotificationHandler('slack', {}, { namespace: '' })).toBeNull();
    expect(createNotificationHandler('email', { slack: { defaultUrl: 'https://hooks.example/s' } }, { namespace: '' })).toBeNull();
    expect(createNotificationHandler('slack', { slack: { defaultUrl: 'https://hooks.example/s' } }, { namespace: '' })?.channel).toBe('slack');
  });
});

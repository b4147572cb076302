import { startReceiver, type Receiver } from '../helpers/http-receiver';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

/**
 * A destination down for longer than the circuit's open period, several times over: refused
 * calls wait for the circuit instead of spending retries, so once the receiver accepts again every
 * notification is delivered exactly once and none is dead-lettered. The seed's numbers are a 30 s
 * open period and a 40 s outage; `WATCHFLOOR_FULL_OUTAGE=1` runs those, the default scales both
 * (2 s open, a 10 s outage) and keeps the seed's retry policies (priority: 5 × fixed 1 s).
 */
const isFull = process.env.WATCHFLOOR_FULL_OUTAGE === '1';
const OPEN_MS = isFull ? 30_000 : 2000;
const OUTAGE_MS = isFull ? 40_000 : 5 * OPEN_MS;

describe('a one-minute destination outage', () => {
  const ns = uniqueNamespace('outage');
  const redis = new Redis(REDIS_URL);
  const delivered = new Map<string, number>();
  let refused = 0;
  let acceptFrom = Number.POSITIVE_INFINITY;
  let receiver: Receiver;
  let base = '';
  let t: TestCore;

  beforeAll(async () => {
    receiver = await startReceiver((_req, body) => {
      // The outage starts with the first call and lasts OUTAGE_MS.
      if (acceptFrom === Number.POSITIVE_INFINITY) acceptFrom = Date.now() + OUTAGE_MS;
      if (Date.now() < acceptFrom) {
        refused++;
        return { status: 503, body: 'down for maintenance' };
      }
      const id = (JSON.parse(body) as { notification_id: string }).notification_id;
      delivered.set(id, (delivered.get(id) ?? 0) + 1);
      return { status: 200, body: 'ok' };
    });
    base = receiver.base;
    t = await createTestCore(ns, {}, { workerOptions: { timings: { blockMs: 100, reclaimEveryMs: 500 }, notifyOptions: { timeoutMs: 3000, breaker: { recoveryTimeoutMs: OPEN_MS } } } });
  });

  afterAll(async () => {
    await t.close();
    await cleanupNamespace(ns);
    redis.disconnect();
    await receiver.close();
  });

  it('delivers every notification once after the outage, none dead-lettered, no retry spent on a refused call', async () => {
    expect((await t.core.call('workers.setDestinations', { envId: t.envId, destinations: { webhook: { url: `${base}/hook`, secret: 's', allowList: [] } } })).ok).toBe(true);
    expect((await t.core.call('workers.start', { envId: t.envId, only: ['webhook'] })).ok).toBe(true);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const isPriority = i % 2 === 0;
      const id = `n-outage-${i}`;
      ids.push(id);
      const note = {
        notification_id: id, channel: 'webhook', recipient: `${base}/hook`, priority: isPriority ? 'immediate' : 'normal', template: 'security_alert',
        payload: { title: `outage ${i}`, message: 'm', severity: isPriority ? 'critical' : 'medium' },
        retry_policy: isPriority ? { max_retries: 5, backoff: 'fixed:1000ms' } : { max_retries: 3, backoff: 'exponential' },
      };
      await redis.xadd(`${ns}security.notifications`, '*', 'data', JSON.stringify(note));
    }
    // The circuit opens during the outage and the Workers view says until when.
    await waitFor(async () => {
      const v = await t.core.call('workers.list', { envId: t.envId });
      return v.ok && Object.keys(v.value.processors.find((p) => p.name === 'webhook')!.openCircuits ?? {}).length > 0;
    }, 'the webhook circuit to open', OUTAGE_MS);

    await waitFor(() => ids.every((id) => delivered.has(id)), 'every notification at the receiver', OUTAGE_MS + 60_000, 100);
    await waitFor(async () => {
      const pending = (await redis.xpending(`${ns}security.notifications`, 'webhook-sender')) as [number, ...unknown[]];
      return pending[0] === 0;
    }, 'nothing pending in webhook-sender');
    expect(ids.map((id) => delivered.get(id))).toEqual(ids.map(() => 1));
    expect(await redis.xlen(`${ns}security.notifications.priority.dlq`)).toBe(0);
    expect(await redis.xlen(`${ns}security.notifications.dlq`)).toBe(0);
    // Views come from the workers' thread a few times a second: wait for the one counting the last delivery.
    const webhook = await waitFor(async () => {
      const v = await t.core.call('workers.list', { envId: t.envId });
      const p = v.ok ? v.value.processors.find((x) => x.name === 'webhook') : undefined;
      return p && p.counters.processed === 8 ? p : undefined;
    }, 'the sender to count 8 delivered');
    expect(webhook.counters.deadLettered).toBe(0);
    // Refused calls are the failures that opened the circuit plus one trial per open period, not
    // one per message per retry: waiting entries do not call the destination.
    expect(refused).toBeGreaterThanOrEqual(5);
    expect(refused).toBeLessThanOrEqual(5 + 8 + Math.ceil(OUTAGE_MS / OPEN_MS) * 3);
  }, OUTAGE_MS + 120_000);
});

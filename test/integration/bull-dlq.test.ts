import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

/** BullMQ dead letters on real Redis: failed jobs retried through the library, `{queue}-dlq` jobs moved back. */
describe('BullMQ dead letters', () => {
  const ns = uniqueNamespace('bulldlq');
  const prefix = `${ns}bull`;
  const url = new URL(REDIS_URL);
  const connection = { host: url.hostname, port: Number(url.port || 6379) };
  let t: TestCore;
  let orders: Queue;
  let dlq: Queue;

  beforeAll(async () => {
    orders = new Queue('orders', { connection, prefix });
    dlq = new Queue('orders-dlq', { connection, prefix });
    for (let i = 0; i < 3; i++) await orders.add('charge', { order: i }, { attempts: 1 });
    const worker = new Worker('orders', async () => { throw new Error('card declined'); }, { connection, prefix });
    await waitFor(async () => ((await orders.getFailedCount()) === 3 ? true : undefined), '3 failed jobs');
    await worker.close();
    await dlq.add('charge', { order: 99 });
    await dlq.add('charge', { order: 100 });
    t = await createTestCore(ns, { amqp: null, managementUrl: null });
    await waitFor(async () => {
      const r = await t.core.call('dlq.bullSources', { envId: t.envId });
      return r.ok && r.value.length === 2 ? true : undefined;
    }, 'both sources discovered', 20_000);
  });
  afterAll(async () => {
    await t?.close();
    await orders.obliterate({ force: true }).catch(() => undefined);
    await dlq.obliterate({ force: true }).catch(() => undefined);
    await orders.close();
    await dlq.close();
    await cleanupNamespace(ns);
  });

  it('lists failed jobs with their reason and the jobs of a -dlq queue with their origin', async () => {
    const sources = await t.core.call('dlq.bullSources', { envId: t.envId });
    expect(sources.ok && sources.value).toEqual(
      expect.arrayContaining([
        { queue: 'orders', kind: 'failed', count: 3, origin: null },
        { queue: 'orders-dlq', kind: 'dlq-queue', count: 2, origin: 'orders' },
      ]),
    );
    const failed = await t.core.call('dlq.bullList', { envId: t.envId, queue: 'orders', kind: 'failed' });
    expect(failed.ok && failed.value).toHaveLength(3);
    expect(failed.ok && failed.value[0]).toMatchObject({ name: 'charge', failedReason: 'card declined', attemptsMade: 1 });
  });

  it('retries failed jobs through the library (dry run first) and moves -dlq jobs back, copy before remove', async () => {
    const failed = await t.core.call('dlq.bullList', { envId: t.envId, queue: 'orders', kind: 'failed' });
    const ids = failed.ok ? failed.value.map((j) => j.id) : [];
    const dry = await t.core.call('dlq.bullRetry', { envId: t.envId, queue: 'orders', kind: 'failed', ids: ids.slice(0, 2), dryRun: true });
    expect(dry.ok && dry.value).toMatchObject({ dryRun: true, matched: 2, retried: 2 });
    expect(await orders.getFailedCount()).toBe(3);
    const retried = await t.core.call('dlq.bullRetry', { envId: t.envId, queue: 'orders', kind: 'failed', ids: [...ids.slice(0, 2), 'no-such-job'] });
    expect(retried.ok && retried.value).toMatchObject({ matched: 2, retried: 2, failed: [{ id: 'no-such-job', reason: expect.stringContaining('no such job') }] });
    expect(await orders.getFailedCount()).toBe(1);
    expect(await orders.getWaitingCount()).toBe(2);
    const noToken = await t.core.call('dlq.bullRetry', { envId: t.envId, queue: 'orders-dlq', kind: 'dlq-queue', all: true });
    expect(!noToken.ok && noToken.error.code).toBe('UNAUTHORIZED');
    const issued = await t.core.call('confirm.issue', { envId: t.envId, action: 'dlq.replay', target: 'orders-dlq', typed: 'orders-dlq' });
    if (!issued.ok) throw new Error(issued.error.message);
    const moved = await t.core.call('dlq.bullRetry', { envId: t.envId, queue: 'orders-dlq', kind: 'dlq-queue', all: true, confirmToken: issued.value.token });
    expect(moved.ok && moved.value).toMatchObject({ matched: 2, retried: 2, failed: [] });
    expect(await dlq.getWaitingCount()).toBe(0);
    const waiting = (await orders.getWaiting()).map((j) => (j.data as { order: number }).order);
    expect(waiting).toHaveLength(4);
    expect(waiting).toEqual(expect.arrayContaining([99, 100]));
  });
});

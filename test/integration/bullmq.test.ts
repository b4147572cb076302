import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BullQueueInfo } from '../../shared/model/bullmq';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore, callConfirmed } from '../helpers/core';
import { waitFor } from '../helpers/wait';

const connection = () => {
  const url = new URL(REDIS_URL);
  return { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
};

describe('BullMQ queues: discovery, counts, history and administration through the bullmq package', () => {
  const ns = uniqueNamespace('bull');
  const prefix = `${ns}bull`;
  let t: TestCore;
  let readOnlyId: string;
  const queues: Queue[] = [];
  const open = (name: string) => {
    const queue = new Queue(name, { connection: connection(), prefix });
    queues.push(queue);
    return queue;
  };

  /** The queue as the core last sampled it. */
  const info = async (name: string, envId = t.envId): Promise<BullQueueInfo | undefined> => {
    const overview = await t.core.call('bullmq.queues', { envId });
    if (!overview.ok) throw new Error(overview.error.message);
    return overview.value.queues?.find((q) => q.name === name);
  };
  const waitForInfo = (name: string, predicate: (q: BullQueueInfo) => boolean, what: string) => waitFor(async () => {
    const q = await info(name);
    return q && predicate(q) ? q : undefined;
  }, what);

  beforeAll(async () => {
    const ingress = open('ingress-events');
    for (let i = 0; i < 3; i++) await ingress.add('process-webhook', { provider: 'github', n: i });
    for (let i = 0; i < 2; i++) await ingress.add('process-webhook', { provider: 'github', delayed: i }, { delay: 3_600_000 });
    // notifications: two completed, one failed, processed by a real worker.
    const notifications = open('notifications');
    await notifications.add('send', { ok: true });
    await notifications.add('send', { ok: true });
    await notifications.add('send', { ok: false });
    const worker = new Worker(
      'notifications',
      async (job) => {
        if (!job.data.ok) throw new Error('smtp refused');
        return 'sent';
      },
      { connection: connection(), prefix },
    );
    await waitFor(async () => ((await notifications.getCompletedCount()) === 2 && (await notifications.getFailedCount()) === 1) || undefined, 'worker finished');
    await worker.close();
    await open('ingress-events-dlq').add('dead', { from: 'ingress-events' });
    t = await createTestCore(ns, { amqp: null, managementUrl: null });
    const added = await t.core.call('environments.add', { name: `RO ${ns}`, production: true, namespace: ns, redis: { url: REDIS_URL } });
    if (!added.ok) throw new Error(added.error.message);
    readOnlyId = added.value.id;
    await t.core.startRuntimes([t.envId, readOnlyId]);
  });
  afterAll(async () => {
    await t.close();
    await Promise.all(queues.map((q) => q.close()));
    await cleanupNamespace(ns);
  });

  it('finds the queues under the namespace with their counts, DLQs marked', async () => {
    const ingress = await waitForInfo('ingress-events', (q) => q.waiting === 3, 'ingress-events counted');
    expect(ingress).toMatchObject({ waiting: 3, delayed: 2, active: 0, failed: 0, isPaused: false, isDeadLetter: false });
    expect(await waitForInfo('notifications', (q) => q.completed === 2, 'notifications counted')).toMatchObject({ completed: 2, failed: 1, waiting: 0 });
    // Waited for like the others: discovery may find the queues a run apart.
    expect(await waitForInfo('ingress-events-dlq', (q) => q.waiting === 1, 'ingress-events-dlq counted')).toMatchObject({ waiting: 1, isDeadLetter: true });
    const overview = await t.core.call('bullmq.queues', { envId: t.envId });
    expect(overview.ok && overview.value).toMatchObject({ prefix, truncated: false, staleSince: null, status: { state: 'connected' } });
    // Pushed too, batched.
    await waitFor(() => t.events('bullmq.tick').some((e) => e.overviews.some((o) => o.envId === t.envId && (o.queues?.length ?? 0) === 3)), 'bullmq.tick pushed');
  });

  it("marks BullMQ's internal event streams with their queue in the stream overview, apart from the pipeline's streams", async () => {
    const redis = new Redis(REDIS_URL);
    try {
      await redis.xadd(`${ns}security.events`, '*', 'data', '{}');
      const monitor = t.core.runtime(t.envId).monitor;
      monitor.requestDiscovery();
      const streams = await waitFor(async () => {
        await monitor.tick();
        const list = monitor.snapshot().redis.streams ?? [];
        return list.some((s) => s.name === `${ns}security.events`) && list.some((s) => s.name === `${prefix}:notifications:events`) ? list : undefined;
      }, 'both kinds of stream sampled');
      expect(streams.find((s) => s.name === `${ns}security.events`)).toMatchObject({ bullQueue: null, isDeadLetter: false });
      expect(streams.find((s) => s.name === `${prefix}:notifications:events`)).toMatchObject({ bullQueue: 'notifications' });
      expect(streams.find((s) => s.name === `${prefix}:ingress-events-dlq:events`)).toMatchObject({ bullQueue: 'ingress-events-dlq' });
      // Every stream under the BullMQ prefix here is one of its internals; nothing else is.
      for (const s of streams) expect(s.bullQueue !== null).toBe(s.name.startsWith(`${prefix}:`));
    } finally {
      redis.disconnect();
    }
  });

  it('keeps an hour of counts per queue for the charts', async () => {
    await waitFor(async () => {
      const h = await t.core.call('bullmq.history', { envId: t.envId, queue: 'ingress-events', windowSeconds: 60, maxPoints: 30 });
      return h.ok && h.value.series.find((s) => s.key === 'waiting')!.values.some((v) => v === 3) ? h : undefined;
    }, 'history has the waiting count');
    const unknown = await t.core.call('bullmq.history', { envId: t.envId, queue: 'nope', windowSeconds: 60, maxPoints: 30 });
    expect(!unknown.ok && unknown.error.code).toBe('NOT_FOUND');
  });

  it('refuses every action on a read-only environment and changes nothing', async () => {
    await waitFor(async () => (await info('ingress-events', readOnlyId)) ?? undefined, 'read-only env sees the queue');
    const calls = [
      t.core.call('bullmq.pause', { envId: readOnlyId, queue: 'ingress-events' }),
      t.core.call('bullmq.resume', { envId: readOnlyId, queue: 'ingress-events' }),
      t.core.call('bullmq.promote', { envId: readOnlyId, queue: 'ingress-events' }),
      callConfirmed(t.core, 'bullmq.clean', { envId: readOnlyId, queue: 'notifications', status: 'failed', olderThanMs: 0 }),
      callConfirmed(t.core, 'bullmq.drain', { envId: readOnlyId, queue: 'ingress-events' }),
    ];
    for (const result of await Promise.all(calls)) expect(!result.ok && result.error.code).toBe('READ_ONLY');
    const ingress = open('ingress-events');
    expect(await ingress.getJobCounts('waiting', 'delayed')).toEqual({ waiting: 3, delayed: 2 });
    expect(await ingress.isPaused()).toBe(false);
  });

  it('pauses and resumes a queue', async () => {
    const paused = await t.core.call('bullmq.pause', { envId: t.envId, queue: 'ingress-events' });
    expect(paused.ok && paused.value).toEqual({ queue: 'ingress-events', isPaused: true });
    await waitForInfo('ingress-events', (q) => q.isPaused, 'shown paused');
    const resumed = await t.core.call('bullmq.resume', { envId: t.envId, queue: 'ingress-events' });
    expect(resumed.ok && resumed.value.isPaused).toBe(false);
    await waitForInfo('ingress-events', (q) => !q.isPaused, 'shown running');
  });

  it('promotes delayed jobs to waiting', async () => {
    const promoted = await t.core.call('bullmq.promote', { envId: t.envId, queue: 'ingress-events' });
    expect(promoted.ok && promoted.value.promoted).toBe(2);
    await waitForInfo('ingress-events', (q) => q.waiting === 5 && q.delayed === 0, 'delayed promoted');
  });

  it('cleans failed jobs older than a grace period', async () => {
    const tooYoung = await callConfirmed(t.core, 'bullmq.clean', { envId: t.envId, queue: 'notifications', status: 'failed', olderThanMs: 3_600_000 });
    expect(tooYoung.ok && tooYoung.value.removed).toBe(0);
    const cleaned = await callConfirmed(t.core, 'bullmq.clean', { envId: t.envId, queue: 'notifications', status: 'failed', olderThanMs: 0 });
    expect(cleaned.ok && cleaned.value.removed).toBe(1);
    await waitForInfo('notifications', (q) => q.failed === 0 && q.completed === 2, 'failed cleaned, completed kept');
  });

  it('drains only with the queue name typed exactly', async () => {
    const wrong = await callConfirmed(t.core, 'bullmq.drain', { envId: t.envId, queue: 'ingress-events' }, 'INGRESS-EVENTS');
    expect(!wrong.ok && wrong.error.code).toBe('VALIDATION');
    expect(await open('ingress-events').getWaitingCount()).toBe(5);
    const drained = await callConfirmed(t.core, 'bullmq.drain', { envId: t.envId, queue: 'ingress-events' });
    expect(drained.ok && drained.value.removed).toBe(5);
    await waitForInfo('ingress-events', (q) => q.waiting === 0, 'drained');
  });

  it('answers NOT_FOUND for a queue it does not know', async () => {
    const result = await t.core.call('bullmq.pause', { envId: t.envId, queue: 'no-such-queue' });
    expect(!result.ok && result.error.code).toBe('NOT_FOUND');
  });

  it('shows a queue obliterated while watched as gone, not as empty', async () => {
    await open('ingress-events-dlq').obliterate({ force: true });
    await waitFor(async () => ((await info('ingress-events-dlq')) === undefined ? true : undefined), 'dlq no longer listed');
    const history = await t.core.call('bullmq.history', { envId: t.envId, queue: 'ingress-events-dlq', windowSeconds: 60, maxPoints: 30 });
    expect(history.ok && history.value.gone).toBe(true);
  });
});

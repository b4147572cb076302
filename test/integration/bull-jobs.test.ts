import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BullJobPage } from '../../shared/model/bull-jobs';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

const connection = () => {
  const url = new URL(REDIS_URL);
  return { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
};

describe('BullMQ job list per state (bull-board): data, timestamps, failure reason, stack trace, per-job retry/promote/remove', () => {
  const ns = uniqueNamespace('bulljobs');
  const prefix = `${ns}bull`;
  let t: TestCore;
  let queue: Queue;
  let redis: Redis;

  const page = async (state: string, extra: Record<string, unknown> = {}): Promise<BullJobPage> => {
    const r = await t.core.call('bullmq.jobs', { envId: t.envId, queue: 'notifications', state: state as never, ...extra });
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value;
  };

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    queue = new Queue('notifications', { connection: connection(), prefix });
    for (let i = 0; i < 7; i++) await queue.add('send', { channel: 'email', n: i });
    await queue.add('send', { channel: 'slack', fail: true }, { attempts: 2 });
    const worker = new Worker(
      'notifications',
      async (job) => {
        if (job.data.fail) throw new Error('slack webhook answered 503');
        await job.updateProgress(100);
        return { sent: job.data.n };
      },
      { connection: connection(), prefix },
    );
    await waitFor(async () => ((await queue.getCompletedCount()) === 7 && (await queue.getFailedCount()) === 1) || undefined, 'worker finished');
    await worker.close();
    await queue.add('send', { later: true }, { delay: 3_600_000 });
    for (let i = 0; i < 3; i++) await queue.add('send', { waiting: i });
    // A job written by something other than BullMQ: its data is not JSON.
    await queue.add('send', { broken: true }, { jobId: 'broken-1' });
    await redis.hset(queue.toKey('broken-1'), 'data', '{not json');
    t = await createTestCore(ns, { amqp: null, managementUrl: null });
    await t.core.startRuntimes([t.envId]);
    await waitFor(async () => {
      const r = await t.core.call('bullmq.queues', { envId: t.envId });
      return (r.ok && r.value.queues?.some((q) => q.name === 'notifications')) || undefined;
    }, 'queue discovered');
  });
  afterAll(async () => {
    await t?.close();
    await queue?.close();
    redis?.disconnect();
    await cleanupNamespace(ns);
  });

  it('lists the failed job with its reason, attempts and the stack trace of each attempt, newest first', async () => {
    const failed = await page('failed');
    expect(failed.total).toBe(1);
    const job = failed.jobs[0]!;
    expect(job).toMatchObject({ name: 'send', state: 'failed', failedReason: 'slack webhook answered 503', attemptsMade: 2, attempts: 2, isMissing: false });
    expect(JSON.parse(job.data.preview)).toEqual({ channel: 'slack', fail: true });
    expect(job.stacktrace).toHaveLength(2);
    expect(job.stacktrace[0]).toContain('slack webhook answered 503');
    expect(job.createdAt).toBeGreaterThan(0);
    expect(job.finishedAt).toBeGreaterThanOrEqual(job.processedAt!);
  });

  it('pages completed jobs newest first and oldest first, every job once, with return value and progress', async () => {
    const first = await page('completed', { count: 3 });
    const second = await page('completed', { count: 3, start: 3 });
    const third = await page('completed', { count: 3, start: 6 });
    expect(first.total).toBe(7);
    const ids = [...first.jobs, ...second.jobs, ...third.jobs].map((j) => j.id);
    expect(new Set(ids).size).toBe(7);
    const finished = [...first.jobs, ...second.jobs, ...third.jobs].map((j) => j.finishedAt!);
    expect(finished).toEqual([...finished].sort((a, b) => b - a));
    const oldest = await page('completed', { count: 7, order: 'oldest' });
    expect(oldest.jobs.map((j) => j.id)).toEqual([...ids].reverse());
    expect(JSON.parse(first.jobs[0]!.returnValue!.preview)).toHaveProperty('sent');
    expect(first.jobs[0]!.progress).toBe('100');
  });

  it('shows a delayed job with when it is due, and a job whose data is not JSON as text (not an error)', async () => {
    const delayed = await page('delayed');
    expect(delayed.jobs).toHaveLength(1);
    expect(delayed.jobs[0]!.dueAt! - delayed.jobs[0]!.createdAt!).toBe(3_600_000);
    const waiting = await page('waiting', { count: 200 });
    expect(waiting.total).toBe(4);
    const broken = waiting.jobs.find((j) => j.id === 'broken-1')!;
    expect(broken.data).toMatchObject({ preview: '{not json', isJson: false, encoding: 'text' });
    // Removed by id without being read, so a job BullMQ cannot parse can still go.
    const removed = await t.core.call('bullmq.jobAction', { envId: t.envId, queue: 'notifications', id: 'broken-1', action: 'remove' });
    expect(removed.ok && removed.value).toMatchObject({ before: 'waiting', after: 'removed' });
    expect(await redis.exists(queue.toKey('broken-1'))).toBe(0);
    // A retry has to read it: a clear error instead of BullMQ's JSON.parse message alone.
    const corrupt = (await page('completed', { order: 'oldest', count: 1 })).jobs[0]!.id;
    await redis.hset(queue.toKey(corrupt), 'data', '\u0000\u00ff binary');
    expect((await page('completed', { order: 'oldest', count: 1 })).jobs[0]!.data).toMatchObject({ encoding: 'hex', isJson: false });
    const retried = await t.core.call('bullmq.jobAction', { envId: t.envId, queue: 'notifications', id: corrupt, action: 'retry' });
    expect(!retried.ok && retried.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('it can only be removed') });
    const gone = await t.core.call('bullmq.jobAction', { envId: t.envId, queue: 'notifications', id: corrupt, action: 'remove' });
    expect(gone.ok && gone.value.after).toBe('removed');
  });

  it('retries the failed job, promotes the delayed one, removes a completed one; wrong state and unknown ids get clear errors', async () => {
    const failedId = (await page('failed')).jobs[0]!.id;
    const retried = await t.core.call('bullmq.jobAction', { envId: t.envId, queue: 'notifications', id: failedId, action: 'retry' });
    expect(retried.ok && retried.value).toMatchObject({ before: 'failed', after: 'waiting' });
    expect((await page('failed')).total).toBe(0);

    const delayedId = (await page('delayed')).jobs[0]!.id;
    const promoted = await t.core.call('bullmq.jobAction', { envId: t.envId, queue: 'notifications', id: delayedId, action: 'promote' });
    expect(promoted.ok && promoted.value).toMatchObject({ before: 'delayed', after: 'waiting' });

    const completedId = (await page('completed')).jobs[0]!.id;
    const removed = await t.core.call('bullmq.jobAction', { envId: t.envId, queue: 'notifications', id: completedId, action: 'remove' });
    expect(removed.ok && removed.value).toMatchObject({ before: 'completed', after: 'removed' });
    expect(await redis.exists(queue.toKey(completedId))).toBe(0);
    expect((await page('completed')).total).toBe(5);

    const wrong = await t.core.call('bullmq.jobAction', { envId: t.envId, queue: 'notifications', id: delayedId, action: 'promote' });
    expect(!wrong.ok && wrong.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('only a delayed job') });
    const missing = await t.core.call('bullmq.jobAction', { envId: t.envId, queue: 'notifications', id: 'no-such-job', action: 'remove' });
    expect(!missing.ok && missing.error.code).toBe('NOT_FOUND');
    const unknownQueue = await t.core.call('bullmq.jobs', { envId: t.envId, queue: 'nope', state: 'failed' });
    expect(!unknownQueue.ok && unknownQueue.error.code).toBe('NOT_FOUND');
  });

  it('audits each job action in the local log with the state before and after', async () => {
    const audit = await t.core.call('audit.local', { count: 100 });
    if (!audit.ok) throw new Error(audit.error.message);
    expect(audit.value.verification.ok).toBe(true);
    const actions = audit.value.entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['bullmq.job.retry', 'bullmq.job.promote', 'bullmq.job.remove']));
  });
});

import { spawn } from 'node:child_process';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayJobService, JobEnvironment } from '../../electron/core/dead-letters/replay-job-service';
import { ReplayJobStore } from '../../electron/core/dead-letters/replay-job-store';
import { RABBIT_REPLAY_JOB_HEADER, rabbitLedgerQueue } from '../../electron/core/dead-letters/rabbit-replay-job';
import { bullCopyId } from '../../electron/core/dead-letters/bull-replay-job';
import { parseLineage } from '../../shared/model/replay-lineage';
import { AMQP_URL, deleteKeys, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { waitFor } from '../helpers/wait';
import { jobConsoles, jobFinished, testJob } from '../helpers/replay-job-consoles';

/**
 * Replay jobs on RabbitMQ and BullMQ (issue 20): the job's record in Redis, the messages on their
 * own broker — whole runs, pause / resume from another console, and kill -9 of the console mid-job
 * followed by the next console finishing it with each message in its origin exactly once.
 */
describe('replay jobs on RabbitMQ and BullMQ (issue 20)', () => {
  const ns = uniqueNamespace('replay-job-b');
  const prefix = `${ns}bull`;
  const url = new URL(REDIS_URL);
  const bullConnection = { host: url.hostname, port: Number(url.port || 6379) };
  const redis = new Redis(REDIS_URL);
  const queues = new Map<string, Queue>();
  const bullQueue = (name: string) => {
    if (!queues.has(name)) queues.set(name, new Queue(name, { connection: bullConnection, prefix }));
    return queues.get(name)!;
  };
  let model: ChannelModel;
  let ch: Channel;
  const declared: string[] = [];
  let env: JobEnvironment & { client: Redis };
  const consoles = jobConsoles(() => env);
  /** A console: its own service (supervising: takes up queued and orphaned jobs). */
  const consoleNamed = consoles.named;
  const store = new ReplayJobStore(redis, ns);
  const job = testJob;
  const finished = (id: string, service: ReplayJobService) => jobFinished(service, 'e', id, 90_000);

  /** A DLQ queue with `count` dead letters of `origin` (payload {n}, an x-death naming the origin), as RabbitMQ's dead-lettering writes them. */
  const rabbitPair = async (name: string, count: number, from = 0) => {
    const origin = `${ns}${name}`;
    const dlq = `${origin}.dlq`;
    for (const q of [origin, dlq]) {
      await ch.assertQueue(q, { durable: false });
      declared.push(q);
    }
    for (let i = 0; i < count; i++) {
      ch.sendToQueue(dlq, Buffer.from(JSON.stringify({ n: from + i })), {
        messageId: `m-${from + i}`,
        headers: { 'x-death': [{ queue: origin, reason: 'rejected', count: 1, exchange: '', 'routing-keys': [origin], time: { '!': 'timestamp', value: Math.floor(Date.now() / 1000) } }], 'x-first-death-queue': origin, 'x-first-death-reason': 'rejected', kept: 'yes' },
      });
    }
    // Published on one channel, counted by the broker a moment later: wait until the queue holds them all.
    await waitFor(async () => ((await ch.checkQueue(dlq)).messageCount >= count ? true : undefined), `${count} dead letters in ${dlq}`);
    return { origin, dlq };
  };
  /** Drains a queue, returning its payloads' n and the headers of the first message. */
  const drain = async (queue: string) => {
    const ns: number[] = [];
    let headers: Record<string, unknown> | undefined;
    for (;;) {
      const m = await ch.get(queue, { noAck: true });
      if (!m) break;
      headers ??= m.properties.headers as Record<string, unknown>;
      ns.push((JSON.parse(m.content.toString()) as { n: number }).n);
    }
    return { ns, headers };
  };

  beforeAll(async () => {
    model = await amqp.connect(AMQP_URL);
    ch = await model.createChannel();
    env = { envId: 'e', namespace: ns, payloadKey: null, client: redis, rabbit: { connection: () => model, isReady: () => true, management: null, vhost: '/', namespace: ns }, bullQueue };
  });
  afterAll(async () => {
    await consoles.closeAll();
    const cleanup = await model.createChannel();
    cleanup.on('error', () => undefined);
    for (const q of declared) await cleanup.deleteQueue(q).catch(() => undefined);
    for (const q of queues.values()) await q.obliterate({ force: true }).catch(() => undefined);
    await Promise.all([...queues.values()].map((q) => q.close()));
    await model.close().catch(() => undefined);
    await deleteKeys(redis, ns);
    redis.disconnect();
  });

  it('RabbitMQ: replays a whole DLQ queue — each message once in its origin with the job header, the death chain dropped, a refused one left in the DLQ — and deletes its ledger', async () => {
    const { origin, dlq } = await rabbitPair('orders', 230);
    ch.sendToQueue(dlq, Buffer.from('{"n":-1}'), { messageId: 'orphan' }); // no x-death: refused
    await waitFor(async () => ((await ch.checkQueue(dlq)).messageCount === 231 ? true : undefined), 'the orphan in the DLQ');
    const service = consoleNamed('ana');
    const started = await service.start('e', job(dlq, { broker: 'rabbitmq' }));
    expect(started).toMatchObject({ broker: 'rabbitmq', state: 'queued', total: 231, selection: 'all' });
    const done = await finished(started.id, service);
    expect(done).toMatchObject({ state: 'done', done: 230, failed: 1, skipped: 0, left: 0 });
    expect(done.failures).toEqual([{ id: 'orphan', reason: 'no x-death origin recorded: give a target queue' }]);
    const moved = await drain(origin);
    expect(moved.ns.sort((a, b) => a - b)).toEqual(Array.from({ length: 230 }, (_, i) => i));
    expect(moved.headers).toMatchObject({ [RABBIT_REPLAY_JOB_HEADER]: started.id, 'x-replay-count': 1, 'x-replay-of': dlq, kept: 'yes' });
    expect(moved.headers).not.toHaveProperty('x-death');
    // Its lineage: one step, from this DLQ, why it died, by whom, which job (the chain the detail view shows).
    const lineage = parseLineage(String(moved.headers?.['x-replay-lineage']));
    expect(lineage.steps).toEqual([expect.objectContaining({ dlq, dlqId: expect.stringMatching(/^m-\d+$/), originStream: origin, error: 'rejected', replayedBy: 'ana', job: started.id })]);
    expect(lineage.steps[0]!.failedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(moved.headers).not.toHaveProperty('x-first-death-queue');
    // The refused one is back in the DLQ; the ledger queue is gone.
    await waitFor(async () => ((await ch.checkQueue(dlq)).messageCount === 1 ? true : undefined), 'the refused message back in the DLQ');
    expect((await drain(dlq)).ns).toEqual([-1]);
    const probe = await model.createChannel();
    probe.on('error', () => undefined);
    await expect(probe.checkQueue(rabbitLedgerQueue(ns, started.id))).rejects.toThrow(/NOT_FOUND/);
  });

  it('RabbitMQ: the first N only, and a dry run shows targets and differences without moving anything', async () => {
    await consoles.closeAll();
    const { origin, dlq } = await rabbitPair('first', 40, 1000);
    const service = consoleNamed('ben', { shouldSupervise: false });
    const preview = await service.dryRun('e', { broker: 'rabbitmq', source: dlq, selection: { kind: 'count', count: 10 }, target: null, maxReplays: 3, force: false });
    expect(preview.total).toBe(10);
    expect(preview.outcome).toMatchObject({ matched: 10, replayed: 10, targets: { [origin]: 10 } });
    expect(preview.differences[0]).toMatchObject({ id: 'm-1000', target: origin, removed: expect.arrayContaining(['x-death', 'x-first-death-queue']), added: expect.objectContaining({ 'x-replay-count': '1', [RABBIT_REPLAY_JOB_HEADER]: '(this job)' }) });
    expect((await ch.checkQueue(dlq)).messageCount).toBe(40);
    const started = await service.start('e', job(dlq, { broker: 'rabbitmq', selection: { kind: 'count', count: 10 }, batch: 3 }));
    expect(await service.runHere('e', started.id)).toBe('done');
    expect(await service.get('e', started.id)).toMatchObject({ state: 'done', done: 10, failed: 0 });
    expect((await drain(origin)).ns.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 1000 + i));
    expect((await ch.checkQueue(dlq)).messageCount).toBe(30);
  });

  it('RabbitMQ: paused from one console, resumed by another, finished with each message once', async () => {
    await consoles.closeAll();
    const { origin, dlq } = await rabbitPair('paused', 600, 2000);
    const one = consoleNamed('one');
    const started = await one.start('e', job(dlq, { broker: 'rabbitmq', rate: 400, batch: 20 }));
    await waitFor(async () => ((await one.get('e', started.id)).done >= 100 ? true : undefined), 'some replayed');
    const paused = await one.control('e', started.id, 'pause');
    expect(paused.state).toBe('paused');
    await consoles.closeAll();
    const atPause = await store.get(started.id);
    expect(atPause.done).toBeLessThan(600);
    const two = consoleNamed('two');
    await two.control('e', started.id, 'resume');
    const done = await finished(started.id, two);
    expect(done).toMatchObject({ state: 'done', done: 600, failed: 0, skipped: 0 });
    expect(done.claims).toBeGreaterThanOrEqual(2);
    const moved = (await drain(origin)).ns;
    expect(moved).toHaveLength(600);
    expect(new Set(moved).size).toBe(600);
  });

  it('RabbitMQ: kill -9 at random points mid-job (three consoles in a row), then the next console finishes it — each message in its origin exactly once, the counts exact', async () => {
    const count = 4000;
    const { origin, dlq } = await rabbitPair('killed', count, 10_000);
    await consoles.closeAll();
    const created = await service0().start('e', job(dlq, { broker: 'rabbitmq', rate: 3000, batch: 25 }));
    for (let round = 1; round <= 3; round++) {
      const { child, output } = spawnChild({ BROKER: 'rabbitmq', AMQP_URL, JOB: created.id });
      try {
        const before = (await store.get(created.id)).done;
        await waitFor(() => (/replayed (\d+)\n(?![\s\S]*replayed)/.exec(output()) ? true : undefined), `child ${round} replayed some`, 30_000).catch((error: unknown) => {
          throw new Error(`${String(error)}; child said: ${output()}`);
        });
        // Somewhere in a batch, its commit or the wait after it.
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
        const killed = await store.get(created.id);
        expect(killed.state).toBe('running');
        expect(killed.done).toBeGreaterThan(before);
        expect(killed.done).toBeLessThan(count);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      // The broker takes a killed connection's unacknowledged messages back; the lease (1 s) runs out.
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }
    const next = consoleNamed('next console');
    const done = await finished(created.id, next);
    expect(done).toMatchObject({ state: 'done', done: count, failed: 0, skipped: 0, claims: 4 });
    const moved = (await drain(origin)).ns;
    expect(moved).toHaveLength(count);
    expect(new Set(moved).size).toBe(count);
    expect(Math.min(...moved)).toBe(10_000);
    expect((await ch.checkQueue(dlq)).messageCount).toBe(0);
  });

  it('BullMQ: retries a queue\'s failed jobs in place; a job retried meanwhile by someone else is "already gone"', async () => {
    await consoles.closeAll();
    const queue = bullQueue('charges');
    for (let i = 0; i < 12; i++) await queue.add('charge', { n: i }, { attempts: 1 });
    const worker = new Worker('charges', async () => { throw new Error('card declined'); }, { connection: bullConnection, prefix });
    await waitFor(async () => ((await queue.getFailedCount()) === 12 ? true : undefined), '12 failed jobs');
    await worker.close();
    const service = consoleNamed('cy', { shouldSupervise: false });
    const preview = await service.dryRun('e', { broker: 'bullmq', bullKind: 'failed', source: 'charges', selection: { kind: 'all' }, target: null, maxReplays: 3, force: false });
    expect(preview).toMatchObject({ total: 12, outcome: { matched: 12, replayed: 12, targets: { charges: 12 } } });
    expect(await queue.getFailedCount()).toBe(12);
    const started = await service.start('e', job('charges', { broker: 'bullmq', bullKind: 'failed', batch: 5 }));
    const [first] = await queue.getFailed(0, 0);
    await first!.retry('failed'); // someone else, before the job gets to it
    expect(await service.runHere('e', started.id)).toBe('done');
    expect(await service.get('e', started.id)).toMatchObject({ state: 'done', done: 11, skipped: 1, failed: 0, total: 12 });
    expect(await queue.getFailedCount()).toBe(0);
    expect(await queue.getWaitingCount()).toBe(12);
  });

  it('BullMQ: kill -9 mid-job moving a -dlq queue to its origin, then the next console finishes it — each job in the origin exactly once', async () => {
    const count = 2000;
    const dlq = bullQueue('refunds-dlq');
    const origin = bullQueue('refunds');
    await dlq.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'refund', data: { n: i } })));
    await consoles.closeAll();
    const created = await service0().start('e', job('refunds-dlq', { broker: 'bullmq', bullKind: 'dlq-queue', rate: 1000, batch: 20 }));
    const { child, output } = spawnChild({ BROKER: 'bullmq', BULL_PREFIX: prefix, JOB: created.id });
    try {
      await waitFor(() => Number(/replayed (\d+)\n(?![\s\S]*replayed)/.exec(output())?.[1] ?? 0) >= 300, 'the child replayed some', 30_000).catch((error: unknown) => {
        throw new Error(`${String(error)}; child said: ${output()}`);
      });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      expect((await store.get(created.id)).state).toBe('running');
      const next = consoleNamed('next console');
      const done = await finished(created.id, next);
      expect(done.state).toBe('done');
      expect(done.failed).toBe(0);
      // Moved but not yet counted when the child died: found gone by the next console.
      expect(done.done + done.skipped).toBe(count);
      expect(done.skipped).toBeLessThanOrEqual(20);
      const jobs = await origin.getWaiting(0, count + 10);
      expect(jobs).toHaveLength(count);
      expect(new Set(jobs.map((j) => (j.data as { n: number }).n)).size).toBe(count);
      expect(jobs.every((j) => j.id?.endsWith(bullCopyId('', created.id)))).toBe(true);
      expect(await dlq.getWaitingCount()).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  /** A console that only creates jobs (takes none up). */
  function service0() {
    return consoleNamed('starter', { shouldSupervise: false });
  }
  function spawnChild(extra: Record<string, string>) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/replay-job-child.ts'], { env: { ...process.env, REDIS_URL, NS: ns, LEASE_MS: '1000', ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (out += c));
    return { child, output: () => out };
  }
});

import { performance } from 'node:perf_hooks';
import amqp, { type Channel } from 'amqplib';
import { Redis } from 'ioredis';
import { replayRabbitDlq } from '../../electron/core/dead-letters/rabbit-dlq';
import { replayAll } from '../../electron/core/dead-letters/redis-dlq';
import { ReplayJobService, type JobEnvironment } from '../../electron/core/dead-letters/replay-job-service';
import { ReplayJobStore } from '../../electron/core/dead-letters/replay-job-store';
import { systemClock } from '../../electron/core/ports';
import { AMQP_URL, deleteKeys, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { round } from './stats';

const ENTRIES = 100_000;
const CAPPED = 20_000;
const CAP = 2000;
const ROUNDS = 3;
const PAYLOAD = JSON.stringify({ event_id: 'x'.repeat(36), event_type: 'threat_detected', severity: 'high', source: 'bench', details: 'y'.repeat(300) });

async function fill(redis: Redis, stream: string, count: number, origin: string): Promise<void> {
  for (let done = 0; done < count; done += 10_000) {
    const pipeline = redis.pipeline();
    for (let i = 0; i < Math.min(10_000, count - done); i++) pipeline.xadd(stream, '*', 'data', PAYLOAD, 'dlq_origin_stream', origin, 'dlq_error', 'schema: bench', 'dlq_attempts', '3');
    await pipeline.exec();
  }
}

/** RabbitMQ part: dead letters per round, and the job's batch (a transaction per batch). */
const RABBIT_ENTRIES = 20_000;
const RABBIT_BATCH = 1000;

async function fillQueue(ch: Channel, queue: string, origin: string, count: number): Promise<void> {
  const headers = { 'x-death': [{ queue: origin, reason: 'rejected', count: 1, exchange: '', 'routing-keys': [origin] }] };
  for (let i = 0; i < count; i++) if (!ch.sendToQueue(queue, Buffer.from(PAYLOAD), { persistent: true, messageId: `b-${i}`, headers })) await new Promise((resolve) => ch.once('drain', resolve));
  while ((await ch.checkQueue(queue)).messageCount < count) await new Promise((resolve) => setTimeout(resolve, 50));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Issue 20 `replay-job`: 100,000 Redis dead letters replayed by a job at no rate cap (created —
 * `all` — and run to done, in this process) against today's bulk replay (`dlq.replay all`: the
 * one-shot `replayAll`), alternating, in the same run; then a job capped at 2,000/s over 20,000
 * entries, its measured rate (entries / time from the run's start to done) against the cap.
 */
export async function benchReplayJob(): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-replay-job');
  const redis = new Redis(REDIS_URL);
  const env: JobEnvironment & { client: Redis } = { envId: 'bench', namespace: ns, payloadKey: null, client: redis, rabbit: null, bullQueue: () => null };
  const service = new ReplayJobService({ clock: systemClock, logger: { info: () => undefined, warn: () => undefined, error: () => undefined }, who: () => 'bench', environment: () => env, environments: () => [env] }, { shouldSupervise: false });
  const store = new ReplayJobStore(redis, ns);
  const job = (source: string, rate: number | null) => store.create({ source, selection: { kind: 'all' }, target: null, rate, batch: 200, maxReplays: 3, force: false }, 'bench', Date.now());
  try {
    const bulkMs: number[] = [];
    const jobMs: number[] = [];
    const moved = { bulk: 0, job: 0 };
    for (let r = 0; r < ROUNDS; r++) {
      const bulkDlq = `${ns}bulk${r}.dlq`;
      const jobDlq = `${ns}job${r}.dlq`;
      await fill(redis, bulkDlq, ENTRIES, `${ns}bulk${r}`);
      await fill(redis, jobDlq, ENTRIES, `${ns}job${r}`);
      let t = performance.now();
      await replayAll(redis, bulkDlq, { target: null, maxReplays: 3, force: false, dryRun: false });
      bulkMs.push(performance.now() - t);
      t = performance.now();
      const created = await job(jobDlq, null);
      const end = await service.runHere('bench', created.id);
      jobMs.push(performance.now() - t);
      if (end !== 'done') throw new Error(`job ended ${end}`);
      moved.bulk += await redis.xlen(`${ns}bulk${r}`);
      moved.job += await redis.xlen(`${ns}job${r}`);
      await redis.del(`${ns}bulk${r}`, `${ns}job${r}`, bulkDlq, jobDlq);
    }
    const cappedDlq = `${ns}capped.dlq`;
    await fill(redis, cappedDlq, CAPPED, `${ns}capped`);
    const capped = await job(cappedDlq, CAP);
    const t = performance.now();
    await service.runHere('bench', capped.id);
    const cappedMs = performance.now() - t;
    const cappedDone = (await service.get('bench', capped.id)).done;
    const measured = cappedDone / (cappedMs / 1000);
    const rabbit = await benchRabbitJob(ns, redis);
    return {
      bench: 'replay-job',
      rabbit,
      uncapped: {
        entries: ENTRIES,
        rounds: ROUNDS,
        bulkReplayPerSecond: round(ENTRIES / (median(bulkMs) / 1000), 0),
        jobPerSecond: round(ENTRIES / (median(jobMs) / 1000), 0),
        ratio: round(median(bulkMs) / median(jobMs), 3),
        movedBulk: moved.bulk,
        movedJob: moved.job,
        goal: 'job >= 0.7x the bulk replay',
      },
      capped: { entries: CAPPED, cap: CAP, measuredPerSecond: round(measured, 1), deviation: round(Math.abs(measured - CAP) / CAP, 4), done: cappedDone, goal: 'within 5 % of the cap' },
    };
  } finally {
    await service.close();
    await deleteKeys(redis, ns);
    redis.disconnect();
  }
}

/**
 * RabbitMQ: 20,000 dead letters replayed by a job at no cap (batches of 1,000, one AMQP transaction
 * each) against the one-shot replay (publisher confirms, a window of 1,000 unconfirmed), alternating
 * over three rounds on durable queues, persistent messages. No goal in the issue: reported.
 */
async function benchRabbitJob(ns: string, redis: Redis): Promise<Record<string, unknown>> {
  const connection = await amqp.connect(AMQP_URL);
  const ch = await connection.createChannel();
  const queues: string[] = [];
  const env: JobEnvironment & { client: Redis } = { envId: 'bench', namespace: ns, payloadKey: null, client: redis, rabbit: { connection: () => connection, isReady: () => true, management: null, vhost: '/', namespace: ns }, bullQueue: () => null };
  const service = new ReplayJobService({ clock: systemClock, logger: { info: () => undefined, warn: () => undefined, error: () => undefined }, who: () => 'bench', environment: () => env, environments: () => [env] }, { shouldSupervise: false });
  try {
    const oneShotMs: number[] = [];
    const jobMs: number[] = [];
    let moved = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const origin = `${ns}rabbit${r}`;
      const dlq = `${origin}.dlq`;
      for (const q of [origin, dlq]) {
        await ch.assertQueue(q, { durable: true });
        queues.push(q);
      }
      await fillQueue(ch, dlq, origin, RABBIT_ENTRIES);
      let t = performance.now();
      const outcome = await replayRabbitDlq(connection, dlq, { count: RABBIT_ENTRIES, target: null, dryRun: false, maxReplays: 3, force: false });
      oneShotMs.push(performance.now() - t);
      if (outcome.replayed !== RABBIT_ENTRIES) throw new Error(`one-shot replayed ${outcome.replayed}`);
      await ch.purgeQueue(origin);
      await fillQueue(ch, dlq, origin, RABBIT_ENTRIES);
      t = performance.now();
      const created = await service.start('bench', { broker: 'rabbitmq', source: dlq, selection: { kind: 'all' }, target: null, rate: null, batch: RABBIT_BATCH, maxReplays: 3, force: false });
      const end = await service.runHere('bench', created.id);
      jobMs.push(performance.now() - t);
      if (end !== 'done') throw new Error(`rabbit job ended ${end}`);
      moved += (await ch.checkQueue(origin)).messageCount;
      await ch.purgeQueue(origin);
    }
    return {
      entries: RABBIT_ENTRIES,
      rounds: ROUNDS,
      batch: RABBIT_BATCH,
      oneShotPerSecond: round(RABBIT_ENTRIES / (median(oneShotMs) / 1000), 0),
      jobPerSecond: round(RABBIT_ENTRIES / (median(jobMs) / 1000), 0),
      ratio: round(median(oneShotMs) / median(jobMs), 3),
      movedByJobs: moved,
    };
  } finally {
    await service.close();
    for (const q of queues) await ch.deleteQueue(q).catch(() => undefined);
    await connection.close().catch(() => undefined);
  }
}

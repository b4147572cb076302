// A child process running one replay job (a console), for the kill -9 tests: prints "running"
// once it holds the job and "replayed N" after each batch, until the parent kills it.
// BROKER=rabbitmq connects to AMQP_URL; BROKER=bullmq opens the BullMQ queues under BULL_PREFIX.
import amqp from 'amqplib';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ReplayJobService } from '../../electron/core/dead-letters/replay-job-service';
import { systemClock } from '../../electron/core/ports';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(redisUrl);
const model = process.env.BROKER === 'rabbitmq' ? await amqp.connect(process.env.AMQP_URL!) : null;
const queues = new Map<string, Queue>();
const url = new URL(redisUrl);
const bullQueue = (name: string) => {
  if (process.env.BROKER !== 'bullmq') return null;
  if (!queues.has(name)) queues.set(name, new Queue(name, { connection: { host: url.hostname, port: Number(url.port || 6379) }, prefix: process.env.BULL_PREFIX! }));
  return queues.get(name)!;
};
const namespace = process.env.NS!;
const rabbit = model ? { connection: () => model, isReady: () => true, management: null, vhost: '/', namespace } : null;
const env = { envId: 'child', namespace, payloadKey: null, client: redis, rabbit, bullQueue };
const service = new ReplayJobService(
  { clock: systemClock, logger: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as never, who: () => 'child', environment: () => env, environments: () => [env] },
  { shouldSupervise: false, leaseMs: Number(process.env.LEASE_MS ?? 1000) },
);
let isFirst = true;
const end = await service.runHere('child', process.env.JOB!, (replayed) => {
  if (isFirst) process.stdout.write('running\n');
  isFirst = false;
  process.stdout.write(`replayed ${replayed}\n`);
});
process.stdout.write(`end ${end}\n`);
await Promise.all([...queues.values()].map((q) => q.close()));
await model?.close();
redis.disconnect();

// A child process running the event processor as one consumer of the group. It reads a batch,
// handles it, prints "holding <n>" before committing and waits there: the parent kill -9s it
// mid-batch, so the batch is read (pending in the group) but never acknowledged.
import { Redis } from 'ioredis';
import { EventHandler } from '../../electron/core/workers/processors/event-handler';
import { StreamConsumer } from '../../electron/core/workers/stream-consumer';

const ns = process.env.NS!;
const consumer = new StreamConsumer({
  name: 'event',
  title: 'Event processor (child)',
  stream: `${ns}security.events`,
  group: 'event-processors',
  consumerPrefix: 'doomed-host',
  keyPrefix: `${ns}watchfloor:workers:`,
  handler: new EventHandler({ namespace: ns }),
  settings: { concurrency: 1, batch: Number(process.env.BATCH ?? 50) },
  createClient: () => new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null }),
  clock: { now: () => Date.now() },
  logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  blockMs: 200,
  // The parent wrote the events before this consumer started.
  fromStart: true,
  beforeCommit: async (messages) => {
    process.stdout.write(`holding ${messages.length}\n`);
    await new Promise(() => undefined);
  },
});
await consumer.start();

import type { Channel } from 'amqplib';
import type { Redis } from 'ioredis';
import type { Topology } from '../../../shared/model/topology';

/**
 * Creates the seed 000 streams with their consumer groups and the DLQ streams. Idempotent:
 * existing groups (BUSYGROUP) and streams are left as they are.
 */
export async function ensureStreamTopology(client: Redis, topology: Topology): Promise<void> {
  const pipeline = client.pipeline();
  for (const { name, groups } of Object.values(topology.streams)) {
    for (const group of groups) pipeline.xgroup('CREATE', name, group, '$', 'MKSTREAM');
  }
  const replies = (await pipeline.exec()) ?? [];
  for (const [error] of replies) {
    if (error && !/BUSYGROUP/.test(error.message)) throw error;
  }
  // A DLQ stream has no group of its own: create it empty (XADD then trim to 0) if absent.
  const exists = await Promise.all(topology.deadLetterStreams.map((name) => client.exists(name)));
  const create = client.multi();
  topology.deadLetterStreams.forEach((name, index) => {
    if (exists[index] === 0) {
      create.xadd(name, '*', 'init', '1');
      create.xtrim(name, 'MAXLEN', 0);
    }
  });
  await create.exec();
}

/**
 * Declares seed 002's topic exchange, its three queues with their bindings, and for each a
 * dead-letter queue behind a direct dead-letter exchange. Safe to re-run (e.g. on reconnect).
 */
export async function ensureQueueTopology(channel: Channel, topology: Topology): Promise<void> {
  await channel.assertExchange(topology.exchange, 'topic', { durable: true });
  await channel.assertExchange(topology.deadLetterExchange, 'direct', { durable: true });
  for (const queue of topology.queues) {
    await channel.assertQueue(queue.deadLetterQueue, { durable: true });
    await channel.bindQueue(queue.deadLetterQueue, topology.deadLetterExchange, queue.name);
    await channel.assertQueue(queue.name, {
      durable: true,
      arguments: { 'x-dead-letter-exchange': topology.deadLetterExchange, 'x-dead-letter-routing-key': queue.name },
    });
    await channel.bindQueue(queue.name, topology.exchange, queue.bindingKey);
  }
}

import type { Channel, ChannelModel } from 'amqplib';
import type { Topology } from '../../../../shared/model/topology';
import { describeAmqpError } from '../../brokers/rabbitmq/amqp-connection';

/** How a consumer dead-letters: nack without requeue (the queue's DLX moves it), or publish to a DLQ itself. */
export type DeadLetterRoute = { kind: 'dlx' } | { kind: 'publish'; queue: string };

/** What the consumer found and how it uses its queue. */
export interface QueueAttachment {
  route: DeadLetterRoute;
  /** What the existing queue lacks and what is done about it, for the processor's status; null when nothing. */
  note: string | null;
}

/** Tells a queue's dead-letter exchange (management API): the name, null for none; throws when it cannot tell. */
export type DeadLetterExchangeLookup = (queue: string) => Promise<string | null>;

/**
 * Runs `work` on a throwaway channel: a failed passive check (404) or an inequivalent declare
 * (406) closes the channel it runs on, never the consumer's own.
 */
async function onProbe<T>(model: ChannelModel, work: (channel: Channel) => Promise<T>): Promise<T> {
  const channel = await model.createChannel();
  channel.on('error', () => undefined);
  try {
    return await work(channel);
  } finally {
    await channel.close().catch(() => undefined);
  }
}

const codeOf = (error: unknown) => (error as { code?: unknown } | null)?.code;

/** True when the queue exists (passive declare), false on 404; other failures are thrown. */
async function queueExists(model: ChannelModel, queue: string): Promise<boolean> {
  try {
    await onProbe(model, (channel) => channel.checkQueue(queue));
    return true;
  } catch (error) {
    if (codeOf(error) === 404) return false;
    throw error;
  }
}

function seedQueueArguments(topology: Topology, queue: Topology['queues'][number]): Record<string, unknown> {
  return { 'x-dead-letter-exchange': topology.deadLetterExchange, 'x-dead-letter-routing-key': queue.name };
}

/** Declares a missing seed queue as the seed topology (shared/model/topology) defines it, with its DLX and DLQ; leaves an existing one alone. */
async function declareIfMissing(model: ChannelModel, topology: Topology, queue: Topology['queues'][number]): Promise<boolean> {
  if (await queueExists(model, queue.name)) return false;
  await onProbe(model, async (channel) => {
    if (!(await queueExists(model, queue.deadLetterQueue))) await channel.assertQueue(queue.deadLetterQueue, { durable: true });
    await channel.bindQueue(queue.deadLetterQueue, topology.deadLetterExchange, queue.name);
    await channel.assertQueue(queue.name, { durable: true, arguments: seedQueueArguments(topology, queue) });
    await channel.bindQueue(queue.name, topology.exchange, queue.bindingKey);
  });
  return true;
}

/**
 * Attaches a consumer to `queueName` without ever re-declaring an existing queue differently
 * (which RabbitMQ refuses with 406 PRECONDITION_FAILED, closing the channel):
 * - the exchanges are declared (a mismatch there is the broker's close reason, thrown);
 * - a missing queue — the consumer's and the other seed queues it publishes to — is declared
 *   with the seed's DLX and DLQ;
 * - an existing queue is used as it is: an identical declare on a throwaway channel tells whether
 *   it has the seed's arguments; otherwise `lookup` (the management API) tells its dead-letter
 *   exchange. Without one — or when nobody can tell — dead letters are published to
 *   `<queue>.dlq` (declared if missing) instead of being dropped by a nack.
 */
export async function attachQueue(model: ChannelModel, topology: Topology, queueName: string, lookup: DeadLetterExchangeLookup | null): Promise<QueueAttachment> {
  const own = topology.queues.find((q) => q.name === queueName);
  if (!own) throw new Error(`unknown queue ${queueName}`);
  await onProbe(model, async (channel) => {
    await channel.assertExchange(topology.exchange, 'topic', { durable: true });
    await channel.assertExchange(topology.deadLetterExchange, 'direct', { durable: true });
  });
  for (const queue of topology.queues) if (queue !== own) await declareIfMissing(model, topology, queue);
  if (await declareIfMissing(model, topology, own)) return { route: { kind: 'dlx' }, note: null };

  const isSeedShaped = await onProbe(model, (channel) => channel.assertQueue(own.name, { durable: true, arguments: seedQueueArguments(topology, own) })).then(
    () => true,
    (error: unknown) => {
      if (codeOf(error) === 406) return false;
      throw error;
    },
  );
  // The seed's routing key reaches an existing queue too (a binding adds a route, it changes nothing of the queue).
  await onProbe(model, (channel) => channel.bindQueue(own.name, topology.exchange, own.bindingKey));
  if (isSeedShaped) {
    await onProbe(model, async (channel) => {
      if (!(await queueExists(model, own.deadLetterQueue))) await channel.assertQueue(own.deadLetterQueue, { durable: true });
      await channel.bindQueue(own.deadLetterQueue, topology.deadLetterExchange, own.name);
    });
    return { route: { kind: 'dlx' }, note: null };
  }

  let dlx: string | null | undefined;
  let unknownWhy = 'no management API configured';
  if (lookup) {
    try {
      dlx = await lookup(own.name);
    } catch (error) {
      unknownWhy = `management API: ${describeAmqpError(error)}`;
    }
  }
  if (typeof dlx === 'string') return { route: { kind: 'dlx' }, note: `existing queue, its own dead-letter exchange "${dlx}" takes the dead letters` };
  if (!(await queueExists(model, own.deadLetterQueue))) await onProbe(model, (channel) => channel.assertQueue(own.deadLetterQueue, { durable: true }));
  const lacks = dlx === null ? 'no dead-letter exchange' : `dead-letter exchange unknown (${unknownWhy})`;
  return { route: { kind: 'publish', queue: own.deadLetterQueue }, note: `existing queue, ${lacks}: dead letters published to ${own.deadLetterQueue}` };
}

import { CodedError } from '../../../../shared/contract/errors';
import type { AmqpConnection } from './amqp-connection';

const isNotFound = (error: unknown) => /NOT_FOUND|404/.test(String((error as Error)?.message));

/**
 * Purges `queue` through AMQP and returns how many messages it removed. Uses a channel of its own:
 * a missing queue makes the broker close the channel (404 NOT_FOUND), which must not disturb the
 * shared admin channel the sampler uses; it becomes a NOT_FOUND error, never a crash.
 */
export async function purgeQueue(connection: AmqpConnection, queue: string): Promise<{ purged: number }> {
  if (!connection.isReady) throw new CodedError('BROKER_UNAVAILABLE', connection.status.failure?.message ?? 'RabbitMQ is not connected');
  const channel = await connection.connection().createChannel();
  let isClosed = false;
  channel.on('error', () => undefined);
  channel.on('close', () => {
    isClosed = true;
  });
  try {
    const reply = await channel.purgeQueue(queue);
    return { purged: reply.messageCount };
  } catch (error) {
    if (isNotFound(error)) throw new CodedError('NOT_FOUND', `no queue "${queue}" in this environment`);
    throw new CodedError('BROKER_ERROR', `purge of "${queue}" failed: ${(error as Error).message}`);
  } finally {
    if (!isClosed) await channel.close().catch(() => undefined);
  }
}

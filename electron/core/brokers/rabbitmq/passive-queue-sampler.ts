import type { QueueInfo } from '../../../../shared/model/overview';
import { isDeadLetterName } from '../../../../shared/model/topology';
import type { AmqpConnection } from './amqp-connection';

/**
 * Without the management API: a passive declare per known queue. It tells depth (ready) and
 * consumers only; a missing queue closes the channel (404), so each check that fails gets a new one.
 */
export async function samplePassive(connection: AmqpConnection, queueNames: readonly string[]): Promise<QueueInfo[]> {
  const out: QueueInfo[] = [];
  for (const name of queueNames) {
    try {
      const channel = await connection.channel();
      const reply = await channel.checkQueue(name);
      out.push({
        name,
        ready: reply.messageCount,
        unacked: null,
        consumers: reply.consumerCount,
        isDeadLetter: isDeadLetterName(name),
        publishRate: null,
        deliverRate: null,
        ackRate: null,
      });
    } catch (error) {
      if (!/NOT_FOUND|404/.test(String((error as Error).message))) throw error;
    }
  }
  return out;
}

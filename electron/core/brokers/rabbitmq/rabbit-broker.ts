import { CodedError } from '../../../../shared/contract/errors';
import { RABBIT_BROKER_LIMIT, type RabbitBroker } from '../../../../shared/model/rabbit-broker';
import type { ManagementClient } from './management-client';

/**
 * Nodes, connections and channels in three parallel management-API reads. A connection's channel
 * count comes from the channel list when that is whole (the connection's own figure lags by the
 * stats interval). An unreachable API or a refused login is an error, never an empty broker.
 */
export async function readRabbitBroker(management: ManagementClient, now: number): Promise<RabbitBroker> {
  let nodes, connections, channels;
  try {
    [nodes, connections, channels] = await Promise.all([management.nodes(), management.connections(RABBIT_BROKER_LIMIT), management.channels(RABBIT_BROKER_LIMIT)]);
  } catch (error) {
    const e = error as Error & { code?: string };
    if (e.code === 'EAUTH') throw new CodedError('UNAUTHORIZED', 'the management API refused the login (401): check the management user and password');
    throw new CodedError('BROKER_UNAVAILABLE', `the RabbitMQ management API cannot be read: ${e.message}${/fetch failed|ECONNREFUSED/.test(e.message + String(e.cause ?? '')) ? ' (is the rabbitmq_management plugin enabled?)' : ''}`);
  }
  const isChannelListWhole = channels.items.length === channels.total;
  const perConnection = new Map<string, number>();
  for (const c of channels.items) perConnection.set(c.connection, (perConnection.get(c.connection) ?? 0) + 1);
  return {
    at: now,
    nodes,
    connections: connections.items.map((c) => (isChannelListWhole ? { ...c, channels: perConnection.get(c.name) ?? 0 } : c)),
    connectionTotal: connections.total,
    channels: channels.items,
    channelTotal: channels.total,
  };
}

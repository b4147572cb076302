import { z } from 'zod';
import { formatBytes } from './bytes';

/** One RabbitMQ node as the management API reports it: what its memory and disk alarms depend on. */
export const RabbitNode = z.object({
  name: z.string(),
  running: z.boolean(),
  memUsed: z.number().nullable(),
  memLimit: z.number().nullable(),
  /** Memory above the high watermark: the node blocks every publishing connection. */
  memAlarm: z.boolean(),
  diskFree: z.number().nullable(),
  diskFreeLimit: z.number().nullable(),
  /** Free disk below the limit: the node blocks every publishing connection. */
  diskAlarm: z.boolean(),
  fdUsed: z.number().nullable(),
  fdTotal: z.number().nullable(),
  uptimeMs: z.number().nullable(),
  /** Nodes this one cannot see (a network partition). */
  partitions: z.array(z.string()),
});
export type RabbitNode = z.infer<typeof RabbitNode>;

export const RabbitChannel = z.object({
  name: z.string(),
  connection: z.string(),
  number: z.number(),
  consumers: z.number(),
  prefetch: z.number(),
  unacked: z.number(),
  state: z.string(),
});
export type RabbitChannel = z.infer<typeof RabbitChannel>;

/** One client connection (the management UI's Connections tab). */
export const RabbitConnection = z.object({
  name: z.string(),
  user: z.string(),
  vhost: z.string(),
  peer: z.string(),
  /** The `connection_name` client property, the name a client gives itself; null when it gives none. */
  clientName: z.string().nullable(),
  /** Client library and version (`amqplib 2.3.1`). */
  product: z.string().nullable(),
  /** running, flow, blocking (about to block: publishes during an alarm), blocked, closing… */
  state: z.string(),
  channels: z.number(),
  recvBytesRate: z.number().nullable(),
  sendBytesRate: z.number().nullable(),
  connectedAt: z.number().nullable(),
});
export type RabbitConnection = z.infer<typeof RabbitConnection>;

export const RabbitBroker = z.object({
  /** Epoch ms when the host read it. */
  at: z.number(),
  nodes: z.array(RabbitNode),
  connections: z.array(RabbitConnection),
  /** Connections on the broker; more than `connections.length` when the list was cut. */
  connectionTotal: z.number(),
  channels: z.array(RabbitChannel),
  channelTotal: z.number(),
});
export type RabbitBroker = z.infer<typeof RabbitBroker>;

/** Connections and channels one read returns at most. */
export const RABBIT_BROKER_LIMIT = 500;

export interface RabbitAlarm {
  node: string;
  kind: 'memory' | 'disk' | 'down' | 'partition';
  text: string;
}


/**
 * What an analyst must see first: a node down, partitioned, or in a memory or disk alarm (while
 * one lasts, RabbitMQ blocks every connection that publishes, cluster-wide), in words.
 */
export function alarmsOf(nodes: readonly RabbitNode[]): RabbitAlarm[] {
  const alarms: RabbitAlarm[] = [];
  for (const n of nodes) {
    if (!n.running) {
      alarms.push({ node: n.name, kind: 'down', text: `${n.name} is not running` });
      continue;
    }
    if (n.memAlarm) {
      const detail = n.memUsed !== null && n.memLimit !== null ? ` (${formatBytes(n.memUsed)} used, high watermark ${formatBytes(n.memLimit)})` : '';
      alarms.push({ node: n.name, kind: 'memory', text: `Memory alarm on ${n.name}${detail}: publishers are blocked` });
    }
    if (n.diskAlarm) {
      const detail = n.diskFree !== null && n.diskFreeLimit !== null ? ` (${formatBytes(n.diskFree)} free, limit ${formatBytes(n.diskFreeLimit)})` : '';
      alarms.push({ node: n.name, kind: 'disk', text: `Disk alarm on ${n.name}${detail}: publishers are blocked` });
    }
    if (n.partitions.length > 0) alarms.push({ node: n.name, kind: 'partition', text: `${n.name} cannot see ${n.partitions.join(', ')} (network partition)` });
  }
  return alarms;
}

/** Share of a limit used, 0–100, or null when either side is unknown. */
export function usedPercent(used: number | null, limit: number | null): number | null {
  return used === null || limit === null || limit <= 0 ? null : Math.round((used / limit) * 1000) / 10;
}

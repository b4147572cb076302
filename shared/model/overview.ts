import { z } from 'zod';
import { BrokerStatus } from './connection';

export const ConsumerInfo = z.object({
  name: z.string(),
  pending: z.number(),
  /** Milliseconds since the consumer last read or claimed. */
  idleMs: z.number(),
});
export type ConsumerInfo = z.infer<typeof ConsumerInfo>;

export const StreamGroupInfo = z.object({
  name: z.string(),
  consumers: z.number(),
  pending: z.number(),
  /** Entries not yet delivered to the group; null when the server cannot tell (Redis < 7 or after XDEL). */
  lag: z.number().nullable(),
  /**
   * True when `lag` is an estimate: Redis < 7 (no `lag` in XINFO GROUPS) or a stream with deleted
   * entries, where the console interpolates from entry ids instead (see `estimateLag`).
   */
  lagEstimated: z.boolean(),
  lastDeliveredId: z.string(),
  /** Entries the group has read (Redis 7+), null before. */
  entriesRead: z.number().nullable(),
  /** Entries per second delivered to the group over the last sample interval; null on the first sample. */
  readRate: z.number().nullable(),
  /** Age in ms of the oldest entry still pending in the group; null when nothing is pending. */
  oldestPendingMs: z.number().nullable(),
  consumerList: z.array(ConsumerInfo),
});
export type StreamGroupInfo = z.infer<typeof StreamGroupInfo>;

export const StreamInfo = z.object({
  name: z.string(),
  length: z.number(),
  groups: z.array(StreamGroupInfo),
  isDeadLetter: z.boolean(),
  /**
   * The BullMQ queue this stream belongs to when it is one of BullMQ's internal streams
   * (`{namespace}bull:<queue>:events`, the queue's job event log), not a pipeline stream; null otherwise.
   */
  bullQueue: z.string().nullable(),
  /** Entries ever added (Redis 7+), null before. */
  entriesAdded: z.number().nullable(),
  /** Entries per second added over the last sample interval; null on the first sample. */
  addRate: z.number().nullable(),
  lastEntryId: z.string().nullable(),
});
export type StreamInfo = z.infer<typeof StreamInfo>;

export const QueueInfo = z.object({
  name: z.string(),
  ready: z.number(),
  /** null when only a passive declare was possible (it does not tell unacknowledged counts). */
  unacked: z.number().nullable(),
  consumers: z.number(),
  isDeadLetter: z.boolean(),
  /** Messages per second published to the queue (management API, ~5 s granularity); null when unknown or passive. */
  publishRate: z.number().nullable(),
  /** Messages per second delivered to consumers or fetched with basic.get (`deliver_get`); null when unknown or passive. */
  deliverRate: z.number().nullable(),
  /** Messages per second acknowledged by consumers; null when unknown or passive. */
  ackRate: z.number().nullable(),
});
export type QueueInfo = z.infer<typeof QueueInfo>;

/** The environment's PostgreSQL (issue 17) as the console last checked it: reachable, which schema, how stored. */
export const DatabaseInfo = z.object({
  status: BrokerStatus,
  /** The schema version applied (watchfloor_migrations); null when there is none yet or it could not be read. */
  schemaVersion: z.number().nullable(),
  /** The newest schema version this build knows. */
  knownVersion: z.number(),
  /**
   * Plain PostgreSQL tables; TimescaleDB hypertables with retention policies; or TimescaleDB
   * installed after the schema was made (tables plain); null until first read.
   */
  storage: z.enum(['postgresql', 'timescaledb', 'timescaledb-unused']).nullable(),
  /** One line for the header: what the schema state means and what to do, or null when all is well. */
  note: z.string().nullable(),
  /** Epoch ms of the last answer from the database; null before any. */
  checkedAt: z.number().nullable(),
});
export type DatabaseInfo = z.infer<typeof DatabaseInfo>;

/** One environment's state at one sampler tick. */
export const EnvironmentOverview = z.object({
  envId: z.string(),
  /** Epoch ms of this sample. */
  at: z.number(),
  redis: z.object({
    status: BrokerStatus,
    streams: z.array(StreamInfo).nullable(),
    /** Epoch ms since which the stream list has not been refreshed (slow or frozen broker). */
    staleSince: z.number().nullable(),
    truncated: z.boolean(),
    /** The Redis server's run id (INFO server): the same id and namespace in two environments means the same data. Absent or null when unknown (cluster, no INFO permission). */
    serverId: z.string().nullable().optional(),
  }),
  amqp: z.object({
    status: BrokerStatus,
    source: z.enum(['management', 'passive']).nullable(),
    queues: z.array(QueueInfo).nullable(),
    staleSince: z.number().nullable(),
    /** Why the list is partial, e.g. "management API unreachable: known queues only". */
    note: z.string().nullable(),
  }),
  /** Absent when the environment has no database configured. */
  postgres: DatabaseInfo.optional(),
});
export type EnvironmentOverview = z.infer<typeof EnvironmentOverview>;

export const DemoStatus = z.object({
  envId: z.string(),
  running: z.boolean(),
  /** Messages per second across all simulated producers. */
  rate: z.number(),
  startedAt: z.number().nullable(),
  produced: z.object({ redis: z.number(), amqp: z.number(), malformed: z.number() }),
  lastError: z.string().nullable(),
});
export type DemoStatus = z.infer<typeof DemoStatus>;

/** One charted series of a stream's history: values aligned on the common time axis, null where unknown. */
export const HistorySeries = z.object({
  key: z.string(),
  label: z.string(),
  unit: z.enum(['entries', 'entries/s']),
  values: z.array(z.number().nullable()),
});

/** Downsampled history of one stream, for the detail charts. */
export const StreamHistory = z.object({
  stream: z.string(),
  /** True when the stream was deleted while watched: its history ends, it is not "empty". */
  gone: z.boolean(),
  from: z.number(),
  stepMs: z.number(),
  points: z.number(),
  series: z.array(HistorySeries),
});
export type StreamHistory = z.infer<typeof StreamHistory>;

export const PendingEntry = z.object({
  id: z.string(),
  consumer: z.string(),
  idleMs: z.number(),
  deliveries: z.number(),
});
export type PendingEntry = z.infer<typeof PendingEntry>;

export const PendingPage = z.object({
  entries: z.array(PendingEntry),
  /** Exclusive cursor for the next page; null at the end. */
  nextAfter: z.string().nullable(),
});
export type PendingPage = z.infer<typeof PendingPage>;

/** One charted series of a queue's history (same layout as {@link HistorySeries}, with queue units). */
export const QueueHistorySeries = z.object({
  key: z.enum(['ready', 'unacked', 'consumers', 'publishRate', 'deliverRate', 'ackRate']),
  label: z.string(),
  unit: z.enum(['messages', 'messages/s', 'consumers']),
  values: z.array(z.number().nullable()),
});
export type QueueHistorySeries = z.infer<typeof QueueHistorySeries>;

/** Downsampled history of one RabbitMQ queue (ready, unacked, consumers, rates), for the detail charts. */
export const QueueHistory = z.object({
  queue: z.string(),
  /** True when the queue was deleted while watched: its history ends, it is not "empty". */
  gone: z.boolean(),
  from: z.number(),
  stepMs: z.number(),
  points: z.number(),
  series: z.array(QueueHistorySeries),
});
export type QueueHistory = z.infer<typeof QueueHistory>;

/**
 * Environments that are the same data: the same Redis server (its run id) under the same
 * namespace (issue 21.2). Two such profiles list every alert twice and record actions on one as
 * the other, so the console warns and counts them once. Maps each later environment (in list
 * order) to the first one it repeats; environments with an unknown server id are never matched.
 */
export function sameRedisAliases(
  environments: readonly { id: string; namespace: string }[],
  serverIdOf: (envId: string) => string | null | undefined,
): Record<string, string> {
  const first = new Map<string, string>();
  const aliases: Record<string, string> = {};
  for (const env of environments) {
    const server = serverIdOf(env.id);
    if (!server) continue;
    const key = `${server}\u0000${env.namespace}`;
    const earlier = first.get(key);
    if (earlier) aliases[env.id] = earlier;
    else first.set(key, env.id);
  }
  return aliases;
}

import { z } from 'zod';
import { BrokerStatus } from './connection';

export const StreamGroupInfo = z.object({
  name: z.string(),
  consumers: z.number(),
  pending: z.number(),
  /** Entries not yet delivered to the group; null when the server cannot tell (Redis < 7 or after XDEL). */
  lag: z.number().nullable(),
  lastDeliveredId: z.string(),
});
export type StreamGroupInfo = z.infer<typeof StreamGroupInfo>;

export const StreamInfo = z.object({
  name: z.string(),
  length: z.number(),
  groups: z.array(StreamGroupInfo),
  isDeadLetter: z.boolean(),
});
export type StreamInfo = z.infer<typeof StreamInfo>;

export const QueueInfo = z.object({
  name: z.string(),
  ready: z.number(),
  /** null when only a passive declare was possible (it does not tell unacknowledged counts). */
  unacked: z.number().nullable(),
  consumers: z.number(),
  isDeadLetter: z.boolean(),
});
export type QueueInfo = z.infer<typeof QueueInfo>;

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
  }),
  amqp: z.object({
    status: BrokerStatus,
    source: z.enum(['management', 'passive']).nullable(),
    queues: z.array(QueueInfo).nullable(),
    staleSince: z.number().nullable(),
    /** Why the list is partial, e.g. "management API unreachable: known queues only". */
    note: z.string().nullable(),
  }),
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

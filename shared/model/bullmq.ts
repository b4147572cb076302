import { z } from 'zod';
import { BrokerStatus } from './connection';

/**
 * The job states a BullMQ queue is counted by. BullMQ 6 has no separate "paused" list: a paused
 * queue keeps its jobs waiting and says so with `isPaused`.
 */
export const BULL_COUNT_KEYS = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed', 'waitingChildren'] as const;
export type BullCountKey = (typeof BULL_COUNT_KEYS)[number];

/** The key prefix of an environment's BullMQ queues: `{namespace}bull` (BullMQ's default prefix under the namespace). */
export function bullPrefix(namespace: string): string {
  return `${namespace}bull`;
}

/**
 * The queue whose internal stream `name` is — BullMQ keeps each queue's job events in a stream
 * `{prefix}:<queue>:events` — or null for any other stream (a pipeline stream).
 */
export function bullQueueOfStream(name: string, namespace: string): string | null {
  const head = `${bullPrefix(namespace)}:`;
  const tail = ':events';
  if (!name.startsWith(head) || !name.endsWith(tail) || name.length <= head.length + tail.length) return null;
  return name.slice(head.length, name.length - tail.length);
}

/** One BullMQ queue at one tick. */
export const BullQueueInfo = z.object({
  name: z.string(),
  waiting: z.number(),
  active: z.number(),
  delayed: z.number(),
  failed: z.number(),
  completed: z.number(),
  prioritized: z.number(),
  /** Parent jobs waiting for their children (flows). */
  waitingChildren: z.number(),
  /** Paused: workers take no new job; waiting jobs stay waiting. */
  isPaused: z.boolean(),
  /** Seed 003's `{queue}-dlq` naming. */
  isDeadLetter: z.boolean(),
});
export type BullQueueInfo = z.infer<typeof BullQueueInfo>;

/** The BullMQ queues found in one environment's Redis. */
export const BullOverview = z.object({
  envId: z.string(),
  at: z.number(),
  /** The Redis connection's status (BullMQ lives there). */
  status: BrokerStatus,
  /** Key prefix the queues were found under (`{namespace}bull`). */
  prefix: z.string(),
  /** null until the first sample, or while Redis cannot be read and nothing was ever read. */
  queues: z.array(BullQueueInfo).nullable(),
  staleSince: z.number().nullable(),
  /** True when discovery stopped at its limit: not every queue is listed. */
  truncated: z.boolean(),
});
export type BullOverview = z.infer<typeof BullOverview>;

export const BullHistorySeries = z.object({
  key: z.enum(BULL_COUNT_KEYS),
  label: z.string(),
  unit: z.literal('jobs'),
  values: z.array(z.number().nullable()),
});

/** Downsampled history of one BullMQ queue's counts, for the detail chart. */
export const BullQueueHistory = z.object({
  queue: z.string(),
  gone: z.boolean(),
  from: z.number(),
  stepMs: z.number(),
  points: z.number(),
  series: z.array(BullHistorySeries),
});
export type BullQueueHistory = z.infer<typeof BullQueueHistory>;

import { z } from 'zod';

/** Seed 004: `REDIS_CHANNEL_PREFIX=cognisync` and its channels (query results, notifications, cache invalidation). */
export const SEED_CHANNEL_PREFIX = 'cognisync';
export const SEED_CHANNELS = ['query-results', 'notifications', 'cache-invalidation'] as const;

/** The seed 004 channels of an environment, under its namespace. */
export function seedChannels(namespace: string): string[] {
  return SEED_CHANNELS.map((name) => `${namespace}${SEED_CHANNEL_PREFIX}:${name}`);
}

export const PubSubChannel = z.object({
  name: z.string(),
  subscribers: z.number(),
  /** True for a seed 004 channel listed even while nobody subscribes. */
  isKnown: z.boolean(),
});
export type PubSubChannel = z.infer<typeof PubSubChannel>;

export const PubSubChannels = z.object({
  envId: z.string(),
  at: z.number(),
  channels: z.array(PubSubChannel),
  /** Pattern subscriptions on the whole server (Redis does not tell them per namespace). */
  patternSubscriptions: z.number(),
  /** True when there were more active channels than listed. */
  truncated: z.boolean(),
});
export type PubSubChannels = z.infer<typeof PubSubChannels>;

/** One message of a live tail. */
export const PubSubMessage = z.object({
  channel: z.string(),
  /** The pattern that matched, for a pattern tail. */
  pattern: z.string().nullable(),
  at: z.number(),
  /** Size of the whole message in bytes. */
  size: z.number(),
  /** UTF-8 text, or hex when the bytes are not valid UTF-8 text. */
  preview: z.string(),
  encoding: z.enum(['text', 'hex']),
  /** True when the preview is cut (messages above 4 KiB). */
  truncated: z.boolean(),
});
export type PubSubMessage = z.infer<typeof PubSubMessage>;

/** A batch of one tail: the messages since the last flush (at most 200) and how many were left out. */
export const PubSubTailBatch = z.object({
  envId: z.string(),
  tailId: z.string(),
  messages: z.array(PubSubMessage),
  dropped: z.number(),
});
export type PubSubTailBatch = z.infer<typeof PubSubTailBatch>;

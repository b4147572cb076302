import { z } from 'zod';
import { ReplayCheck } from './dead-letter';

/** One entry of a RabbitMQ `x-death` header: where and why the message died, how often. */
export const XDeath = z.object({
  queue: z.string(),
  reason: z.string(),
  count: z.number(),
  exchange: z.string(),
  routingKeys: z.array(z.string()),
  /** Epoch ms, or null when the broker gave none. */
  time: z.number().nullable(),
});
export type XDeath = z.infer<typeof XDeath>;

/** A message of a RabbitMQ dead-letter queue as the console shows it. */
export const RabbitDeadLetter = z.object({
  /** 1 = the head of the queue, at the time of the browse. */
  position: z.number().int(),
  messageId: z.string().nullable(),
  /** The queue it died in (newest `x-death`), where a replay sends it. */
  originQueue: z.string().nullable(),
  reason: z.string().nullable(),
  /** Deaths over the whole chain. */
  deaths: z.number(),
  xDeath: z.array(XDeath),
  replayCount: z.number(),
  redelivered: z.boolean(),
  contentType: z.string().nullable(),
  payload: z.object({
    size: z.number(),
    preview: z.string(),
    encoding: z.enum(['text', 'hex']),
    truncated: z.boolean(),
    decrypted: z.boolean().optional(),
    decryptError: z.string().optional(),
  }),
  headers: z.record(z.string(), z.string()),
});
export type RabbitDeadLetter = z.infer<typeof RabbitDeadLetter>;

export const RabbitReplayOutcome = z.object({
  queue: z.string(),
  dryRun: z.boolean(),
  matched: z.number().int(),
  replayed: z.number().int(),
  failed: z.array(z.object({ id: z.string(), reason: z.string() })),
  /** Published, but the confirm never came (connection lost): a copy may or may not exist; the dead letter stayed. */
  unknown: z.number().int(),
  targets: z.record(z.string(), z.number()),
  /** Dry runs only: what the target queues' consumers would make of each message (seed 002 schemas). */
  check: ReplayCheck.optional(),
});
export type RabbitReplayOutcome = z.infer<typeof RabbitReplayOutcome>;

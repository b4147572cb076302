import { z } from 'zod';
import { ReplayLineage } from './replay-lineage';
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

/**
 * Headers a consumer that publishes its dead letters itself sets beside x-death (a nack cannot
 * carry any): why it gave the message up and after how many attempts. Watchfloor's workers set
 * the first two; the others are read as other tools write them (Spring AMQP, common practice).
 */
export const DEAD_LETTER_HEADERS = { error: 'x-watchfloor-error', attempts: 'x-watchfloor-attempts' } as const;
export const CONSUMER_ERROR_HEADERS = [DEAD_LETTER_HEADERS.error, 'x-exception-message', 'x-error', 'x-last-error', 'x-error-message'] as const;

/** What each RabbitMQ dead-letter reason means, for an analyst who does not know AMQP. */
export function describeDeathReason(reason: string, queue: string): string {
  const where = queue ? ` ${queue}` : '';
  switch (reason) {
    case 'rejected':
      return `rejected by a consumer of${where} (nack/reject without requeue)`;
    case 'expired':
      return `expired in${where}: its TTL (message or queue) ran out before a consumer took it`;
    case 'maxlen':
      return `dropped from${where}: the queue was full (x-max-length / x-max-length-bytes)`;
    case 'delivery_limit':
      return `delivered too often from${where}: the quorum queue's delivery limit was reached (it kept failing)`;
    default:
      return `${reason || 'unknown reason'}${queue ? ` in ${queue}` : ''}`;
  }
}

/** A message of a RabbitMQ dead-letter queue as the console shows it. */
export const RabbitDeadLetter = z.object({
  /** Its replays so far, from the `x-replay-lineage` header (absent: never replayed by a console that records it). */
  lineage: ReplayLineage.optional(),
  /** 1 = the head of the queue, at the time of the browse. */
  position: z.number().int(),
  messageId: z.string().nullable(),
  /** The queue it died in (newest `x-death`), where a replay sends it. */
  originQueue: z.string().nullable(),
  reason: z.string().nullable(),
  /** The newest death in words: what the reason means, where, how often ("rejected by a consumer of q (…) ×3"). */
  reasonText: z.string().nullable(),
  /** What the consumer said when it gave up (a header beside x-death), null when it could not say (a nack). */
  consumerError: z.string().nullable(),
  /** Attempts the consumer made, when it said. */
  attempts: z.number().int().nullable(),
  /** Epoch ms of the newest death, when the broker gave one. */
  diedAt: z.number().nullable(),
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

import { z } from 'zod';

/** A BullMQ dead letter: a failed job, or a job waiting in a `{queue}-dlq` queue. */
export const BullDeadJob = z.object({
  id: z.string(),
  name: z.string(),
  failedReason: z.string().nullable(),
  attemptsMade: z.number(),
  createdAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  /** The job's data as JSON, previewed (16 KiB). */
  data: z.string(),
  truncated: z.boolean(),
  /** The top of the last stack trace. */
  stack: z.string().nullable(),
});
export type BullDeadJob = z.infer<typeof BullDeadJob>;

export const BullRetryOutcome = z.object({
  queue: z.string(),
  dryRun: z.boolean(),
  matched: z.number().int(),
  retried: z.number().int(),
  failed: z.array(z.object({ id: z.string(), reason: z.string() })),
});
export type BullRetryOutcome = z.infer<typeof BullRetryOutcome>;

export const BullDeadSource = z.object({
  queue: z.string(),
  kind: z.enum(['failed', 'dlq-queue']),
  count: z.number(),
  /** For a `{queue}-dlq` queue: the queue its jobs go back to. */
  origin: z.string().nullable(),
});
export type BullDeadSource = z.infer<typeof BullDeadSource>;

import { z } from 'zod';
import { ConfirmToken } from './confirm';
import { DeadLetterEntry, DeadLetterPage, DeadLetterSource, ReplayOutcome } from '../../model/dead-letter';
import { EntryId, EnvId, StreamName } from './common';

/** Dead letters on Redis DLQ streams: browse, show, replay (copy → remove), purge. */
export const dlqMethods = {
  'dlq.sources': { params: z.object({ envId: EnvId }).strict(), result: z.array(DeadLetterSource) },
  'dlq.list': {
    params: z
      .object({
        envId: EnvId,
        source: StreamName,
        order: z.enum(['newest', 'oldest']).default('newest'),
        /** Exclusive cursor: the last id of the previous page. */
        after: EntryId.optional(),
        count: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
    result: DeadLetterPage,
  },
  'dlq.show': { params: z.object({ envId: EnvId, source: StreamName, id: EntryId }).strict(), result: DeadLetterEntry },
  'dlq.replay': {
    params: z
      .object({
        envId: EnvId,
        source: StreamName,
        /** The entries to replay; or `all`. */
        ids: z.array(EntryId).max(10_000).optional(),
        all: z.boolean().default(false),
        /** A stream to replay to instead of each entry's origin. */
        target: StreamName.optional(),
        /** Count what would happen; change nothing. */
        dryRun: z.boolean().default(false),
        /** Entries replayed this many times already are refused (loop guard) unless forced. */
        maxReplays: z.number().int().min(1).max(100).default(3),
        force: z.boolean().default(false),
        /** Needed (action `dlq.replay`, target the DLQ) for `all` or more than 100 ids, unless a dry run. */
        confirmToken: ConfirmToken.optional(),
      })
      .strict()
      .refine((p) => p.all || (p.ids?.length ?? 0) > 0, 'give ids or all: true'),
    result: ReplayOutcome,
  },
  'dlq.purge': {
    params: z
      .object({
        envId: EnvId,
        source: StreamName,
        olderThanMs: z.number().int().min(0),
        /** From `confirm.issue` (action `dlq.purge`, target the DLQ, its name typed). */
        confirmToken: ConfirmToken,
      })
      .strict(),
    result: z.object({ source: z.string(), removed: z.number() }),
  },
} as const;

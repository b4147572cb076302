import { BullDeadJob, BullDeadSource, BullRetryOutcome } from '../../model/bull-dlq';
import { RabbitDeadLetter, RabbitReplayOutcome } from '../../model/rabbit-dlq';
import { DlqGroups, DlqMatch, DlqSearchStep } from '../../model/dlq-search';
import { z } from 'zod';
import { BULK_REPLAY_CONFIRM_ABOVE, ConfirmToken } from './confirm';
import { write } from '../access';
import { DeadLetterEntry, DeadLetterPage, DeadLetterSource, EntryVerdict, ReplayOutcome } from '../../model/dead-letter';
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
  /** The event check of an edited payload before it is replayed: what the target's processor would make of it (issue 21.7). */
  'dlq.checkPayload': {
    params: z.object({ envId: EnvId, source: StreamName, id: EntryId, payload: z.string().max(16 * 1024 * 1024), target: StreamName.optional() }).strict(),
    result: EntryVerdict,
  },
  'dlq.replay': write({
    params: z
      .object({
        envId: EnvId,
        source: StreamName,
        /** The entries to replay; or `all`; or every entry matching a search (up to 100,000). */
        ids: z.array(EntryId).max(10_000).optional(),
        all: z.boolean().default(false),
        match: DlqMatch.optional(),
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
      .refine((p) => p.all || (p.ids?.length ?? 0) > 0 || p.match !== undefined, 'give ids, a match or all: true'),
    result: ReplayOutcome,
    access: 'operator',
    dryRun: (p) => p.dryRun,
    confirm: { action: 'dlq.replay', target: (p) => p.source, when: (p) => p.all || p.match !== undefined || (p.ids?.length ?? 0) > BULK_REPLAY_CONFIRM_ABOVE },
    audit: {
      target: (p) => p.source,
      count: (r) => r.replayed,
      detail: (r, p) => ({ selection: p.all ? 'all' : p.match ? 'match' : 'ids', skipped: r.skipped, failed: r.failed.length, targets: r.targets, ...(p.force ? { force: true } : {}) }),
    },
  }),
  /** Edit before replay: one dead letter replayed with a new payload (JSON checked when the original was JSON). */
  'dlq.replayEdited': write({
    params: z
      .object({
        envId: EnvId,
        source: StreamName,
        id: EntryId,
        payload: z.string().max(16 * 1024 * 1024),
        target: StreamName.optional(),
        maxReplays: z.number().int().min(1).max(100).default(3),
        force: z.boolean().default(false),
      })
      .strict(),
    result: z.object({
      status: z.enum(['replayed', 'gone', 'refused']),
      target: z.string().nullable(),
      newId: z.string().nullable(),
      reason: z.string().nullable(),
      /** The original was encrypted: the edited payload was encrypted again with the environment's key. */
      reEncrypted: z.boolean(),
    }),
    access: 'operator',
    // The handler adds the original payload and the diff (this console's log is local, 0600, hash-chained).
    audit: { target: (p) => `${p.source}/${p.id}`, count: (r) => (r.status === 'replayed' ? 1 : 0) },
  }),
  /** BullMQ dead letters: queues with failed jobs, and `{queue}-dlq` queues (from the monitor). */
  'dlq.bullSources': { params: z.object({ envId: EnvId }).strict(), result: z.array(BullDeadSource) },
  'dlq.bullList': {
    params: z.object({ envId: EnvId, queue: z.string().min(1).max(255), kind: z.enum(['failed', 'dlq-queue']), start: z.number().int().min(0).default(0), count: z.number().int().min(1).max(200).default(50) }).strict(),
    result: z.array(BullDeadJob),
  },
  /** Retries failed jobs (job.retry) or moves `{queue}-dlq` jobs back to their queue (add, then remove). */
  'dlq.bullRetry': write({
    params: z
      .object({
        envId: EnvId,
        queue: z.string().min(1).max(255),
        kind: z.enum(['failed', 'dlq-queue']),
        ids: z.array(z.string().min(1).max(256)).max(1000).optional(),
        all: z.boolean().default(false),
        dryRun: z.boolean().default(false),
        /** Needed (action `dlq.replay`, target the queue) for `all` or more than 100 ids, unless a dry run. */
        confirmToken: ConfirmToken.optional(),
      })
      .strict()
      .refine((p) => p.all || (p.ids?.length ?? 0) > 0, 'give ids or all: true'),
    result: BullRetryOutcome,
    access: 'operator',
    dryRun: (p) => p.dryRun,
    confirm: { action: 'dlq.replay', target: (p) => p.queue, when: (p) => p.all || (p.ids?.length ?? 0) > BULK_REPLAY_CONFIRM_ABOVE },
    audit: { target: (p) => p.queue, count: (r) => r.retried, detail: (r, p) => ({ kind: p.kind, selection: p.all ? 'all' : 'ids', matched: r.matched, failed: r.failed.length }) },
  }),
  /** RabbitMQ dead-letter queues of the environment (from the monitor), with their depth. */
  'dlq.rabbitSources': {
    params: z.object({ envId: EnvId }).strict(),
    result: z.array(z.object({ name: z.string(), ready: z.number(), unacked: z.number().nullable() })),
  },
  /** The head of a RabbitMQ DLQ, browsed without consuming (taken unacknowledged and put back). */
  'dlq.rabbitBrowse': {
    params: z.object({ envId: EnvId, queue: z.string().min(1).max(255), count: z.number().int().min(1).max(200).default(50) }).strict(),
    result: z.object({ queue: z.string(), messageCount: z.number(), messages: z.array(RabbitDeadLetter), note: z.string() }),
  },
  /** Replays messages from the head of a RabbitMQ DLQ with publisher confirms (ack after confirm). */
  'dlq.rabbitReplay': write({
    params: z
      .object({
        envId: EnvId,
        queue: z.string().min(1).max(255),
        count: z.number().int().min(1).max(10_000).default(100),
        /** A queue to send to instead of each message's x-death origin. */
        target: z.string().min(1).max(255).optional(),
        dryRun: z.boolean().default(false),
        maxReplays: z.number().int().min(1).max(100).default(3),
        force: z.boolean().default(false),
        /** Needed (action `dlq.replay`, target the queue) above 100 messages, unless a dry run. */
        confirmToken: ConfirmToken.optional(),
      })
      .strict(),
    result: RabbitReplayOutcome,
    access: 'operator',
    dryRun: (p) => p.dryRun,
    confirm: { action: 'dlq.replay', target: (p) => p.queue, when: (p) => p.count > BULK_REPLAY_CONFIRM_ABOVE },
    audit: { target: (p) => p.queue, count: (r) => r.replayed, detail: (r, p) => ({ requested: p.count, failed: r.failed.length, unknown: r.unknown, ...(p.force ? { force: true } : {}) }) },
  }),
  /** One bounded step of a search (newest first); call again with `before` until it is null. */
  'dlq.search': {
    params: z
      .object({
        envId: EnvId,
        source: StreamName,
        match: DlqMatch,
        before: EntryId.optional(),
        maxScan: z.number().int().min(1).max(100_000).default(5000),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    result: DlqSearchStep,
  },
  /** What failed and how often: grouped by error (variable parts folded) and by origin. */
  'dlq.groups': {
    params: z.object({ envId: EnvId, source: StreamName, maxScan: z.number().int().min(1).max(1_000_000).default(100_000) }).strict(),
    result: DlqGroups,
  },
  /** JSON lines (every field, bytes as base64) of the given entries or of those matching a search. */
  'dlq.export': {
    params: z
      .object({ envId: EnvId, source: StreamName, ids: z.array(EntryId).max(10_000).optional(), match: DlqMatch.optional(), limit: z.number().int().min(1).max(10_000).default(10_000) })
      .strict()
      .refine((p) => (p.ids?.length ?? 0) > 0 || p.match !== undefined, 'give ids or a match'),
    result: z.object({ lines: z.string(), exported: z.number().int() }),
  },
  /** Writes exported lines back into a DLQ stream (refused on read-only environments). */
  'dlq.import': write({
    params: z.object({ envId: EnvId, source: StreamName, lines: z.string().max(64 * 1024 * 1024) }).strict(),
    result: z.object({ imported: z.number().int(), failed: z.array(z.object({ line: z.number().int(), reason: z.string() })) }),
    access: 'operator',
    audit: { target: (p) => p.source, count: (r) => r.imported, detail: (r) => ({ failed: r.failed.length }) },
  }),
  /** Deletes the selected entries (admin, one-time confirmation: action `dlq.purge`, target the DLQ). */
  'dlq.purgeIds': write({
    params: z.object({ envId: EnvId, source: StreamName, ids: z.array(EntryId).min(1).max(10_000), confirmToken: ConfirmToken }).strict(),
    result: z.object({ source: z.string(), removed: z.number() }),
    access: 'admin',
    confirm: { action: 'dlq.purge', target: (p) => p.source },
    audit: { target: (p) => p.source, count: (r) => r.removed, detail: (_r, p) => ({ requested: p.ids.length }) },
  }),
  'dlq.purge': write({
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
    access: 'admin',
    confirm: { action: 'dlq.purge', target: (p) => p.source },
    // The handler adds the stream's length before and after.
    audit: { target: (p) => p.source, count: (r) => r.removed, detail: (_r, p) => ({ olderThanMs: p.olderThanMs }) },
  }),
} as const;

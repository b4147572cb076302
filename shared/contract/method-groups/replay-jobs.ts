import { z } from 'zod';
import { BullJobKind, REPLAY_JOB_LIMITS, ReplayJob, ReplayJobBroker, ReplayJobPreview, ReplayJobSelection, SELECTIONS_OF } from '../../model/replay-jobs';
import { write } from '../access';
import { BULK_REPLAY_CONFIRM_ABOVE, ConfirmToken } from './confirm';
import { EnvId, StreamName } from './common';

const JobId = z.string().min(1).max(100);

/** What a job replays, and how (the one-shot replay's options). */
const JobInput = {
  envId: EnvId,
  /** The source's broker: a Redis DLQ stream (the default), a RabbitMQ dead-letter queue or a BullMQ queue. */
  broker: ReplayJobBroker.default('redis'),
  /** BullMQ: the queue's failed jobs (the default) or the jobs waiting in a `{queue}-dlq` queue. */
  bullKind: BullJobKind.optional(),
  source: StreamName,
  selection: ReplayJobSelection,
  /** A stream to replay to instead of each entry's origin. */
  target: StreamName.optional(),
  /** Entries replayed this many times already are refused (loop guard) unless forced. */
  maxReplays: z.number().int().min(1).max(100).default(3),
  force: z.boolean().default(false),
};

/** Each broker replays the selections it can name: ids of a stream or of BullMQ jobs, a Redis search, RabbitMQ's first N. */
const selectionFits = (p: { broker: ReplayJobBroker; selection: ReplayJobSelection }) => SELECTIONS_OF[p.broker].includes(p.selection.kind);
const selectionMessage = { message: 'this broker cannot replay that selection: Redis takes ids, a search or all; RabbitMQ the first count or all; BullMQ ids or all', path: ['selection'] };

const isBulk = (p: { selection: ReplayJobSelection }) =>
  p.selection.kind === 'ids' ? p.selection.ids.length > BULK_REPLAY_CONFIRM_ABOVE : p.selection.kind !== 'count' || p.selection.count > BULK_REPLAY_CONFIRM_ABOVE;

const control = (action: 'pause' | 'resume' | 'cancel') =>
  write({
    params: z.object({ envId: EnvId, id: JobId }).strict(),
    result: ReplayJob,
    access: 'operator',
    audit: { action: `replays.${action}`, target: (p) => `replay job ${p.id}`, detail: (r) => ({ source: r.source, state: r.state, done: r.done, left: r.left }) },
  });

/**
 * Replay jobs (issue 20): a bulk replay of a Redis DLQ as a job in the environment's Redis, with a
 * rate cap, pause, resume and cancel from any console; the consoles poll `list` for progress.
 */
export const replayJobMethods = {
  'replays.list': { params: z.object({ envId: EnvId }).strict(), result: z.object({ envId: z.string(), jobs: z.array(ReplayJob) }) },
  'replays.get': { params: z.object({ envId: EnvId, id: JobId }).strict(), result: ReplayJob },
  /** What a job would do, before anything moves: targets, refusals, the event check and the first differences. */
  'replays.dryRun': { params: z.object(JobInput).strict().refine(selectionFits, selectionMessage), result: ReplayJobPreview },
  'replays.start': write({
    params: z
      .object({
        ...JobInput,
        /** Messages/s at most; absent: no cap. */
        rate: z.number().positive().max(REPLAY_JOB_LIMITS.maxRate).optional(),
        batch: z.number().int().min(1).max(REPLAY_JOB_LIMITS.maxBatch).default(REPLAY_JOB_LIMITS.defaultBatch),
        /** Needed (action `dlq.replay`, target the DLQ) for a search, `all` or more than 100 ids. */
        confirmToken: ConfirmToken.optional(),
      })
      .strict()
      .refine(selectionFits, selectionMessage),
    result: ReplayJob,
    access: 'operator',
    confirm: { action: 'dlq.replay', target: (p) => p.source, when: isBulk },
    audit: {
      target: (p) => p.source,
      count: (r) => r.total,
      detail: (r, p) => ({ job: r.id, broker: p.broker, selection: p.selection.kind, total: r.total, rate: p.rate ?? null, batch: p.batch, ...(p.force ? { force: true } : {}) }),
    },
  }),
  'replays.pause': control('pause'),
  'replays.resume': control('resume'),
  'replays.cancel': control('cancel'),
} as const;

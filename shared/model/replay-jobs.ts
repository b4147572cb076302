import { z } from 'zod';
import { DlqMatch } from './dlq-search';
import { ReplayOutcome } from './dead-letter';

/**
 * Replay jobs (issue 20): a bulk replay of a dead-letter source — a Redis DLQ stream, a RabbitMQ
 * dead-letter queue or a BullMQ queue's failed jobs / `-dlq` queue — that runs in steps with a rate
 * cap, can be paused, resumed and cancelled from any console, and survives the console that ran it.
 * The record lives in the environment's Redis whatever the broker. How each broker moves a batch
 * exactly once is its runner's (replay-job-runner, rabbit-replay-job, bull-replay-job).
 */

/** The brokers a job replays on. */
export const REPLAY_JOB_BROKERS = ['redis', 'rabbitmq', 'bullmq'] as const;
export const ReplayJobBroker = z.enum(REPLAY_JOB_BROKERS);
export type ReplayJobBroker = z.infer<typeof ReplayJobBroker>;

/** BullMQ: a queue's failed jobs (retried in place) or the jobs waiting in a `{queue}-dlq` queue (moved to the origin). */
export const BullJobKind = z.enum(['failed', 'dlq-queue']);
export type BullJobKind = z.infer<typeof BullJobKind>;

/** The lineage field a job adds to each entry it replays (beside `replay_count` and `replay_of`). */
export const REPLAY_JOB_FIELD = 'replay_job';

/**
 * What a job replays: given ids (stream entry ids, BullMQ job ids), every entry matching a search
 * (Redis; resolved when it starts), the first `count` messages (RabbitMQ, whose messages have no
 * ids), or the whole source as it was then.
 */
export const ReplayJobSelection = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ids'), ids: z.array(z.string().min(1).max(256)).min(1).max(100_000) }).strict(),
  z.object({ kind: z.literal('match'), match: DlqMatch }).strict(),
  z.object({ kind: z.literal('count'), count: z.number().int().min(1).max(1_000_000) }).strict(),
  z.object({ kind: z.literal('all') }).strict(),
]);

/** The selections each broker can replay. */
export const SELECTIONS_OF: Record<ReplayJobBroker, readonly ReplayJobSelection['kind'][]> = {
  redis: ['ids', 'match', 'all'],
  rabbitmq: ['count', 'all'],
  bullmq: ['ids', 'all'],
};
export type ReplayJobSelection = z.infer<typeof ReplayJobSelection>;

export const REPLAY_JOB_STATES = ['queued', 'running', 'paused', 'cancelled', 'done', 'failed'] as const;
export const ReplayJobState = z.enum(REPLAY_JOB_STATES);
export type ReplayJobState = z.infer<typeof ReplayJobState>;

/** States a job no longer leaves. */
export function isFinished(state: ReplayJobState): boolean {
  return state === 'cancelled' || state === 'done' || state === 'failed';
}

export const REPLAY_JOB_LIMITS = {
  /** Entries one job replays at most (a search or `all` resolves to at most this many). */
  maxEntries: 1_000_000,
  maxBatch: 1000,
  defaultBatch: 200,
  /** Messages/s, at most. */
  maxRate: 100_000,
  /** How long a console's hold on a job lasts without a renewal before another console takes it over. */
  leaseMs: 15_000,
  /** Refused entries kept with their reason (the count is exact). */
  maxListedFailures: 1000,
} as const;

/** A job as every console sees it. */
export const ReplayJob = z.object({
  id: z.string(),
  broker: ReplayJobBroker,
  /** BullMQ jobs only: failed jobs or a `-dlq` queue. */
  bullKind: BullJobKind.nullable(),
  source: z.string(),
  selection: z.enum(['ids', 'match', 'count', 'all']),
  /** The search of a `match` job, for the record. */
  match: DlqMatch.nullable(),
  target: z.string().nullable(),
  /** Messages/s; null: no cap. */
  rate: z.number().nullable(),
  batch: z.number().int(),
  maxReplays: z.number().int(),
  force: z.boolean(),
  state: ReplayJobState,
  /** Entries the job covers (ids given or found, or the DLQ's length when an `all` job started). */
  total: z.number().int(),
  /** Replayed to their target. */
  done: z.number().int(),
  /** Refused (loop guard, no origin) — still in the DLQ. */
  failed: z.number().int(),
  /** No longer in the DLQ when their turn came (replayed or purged by someone else). */
  skipped: z.number().int(),
  left: z.number().int(),
  /** Messages/s over the last batches while running; null otherwise. */
  currentRate: z.number().nullable(),
  /** Milliseconds to go at the current rate; null when not running or unknown. */
  etaMs: z.number().nullable(),
  createdBy: z.string(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  updatedAt: z.number(),
  /** The console holding the job now ("analyst (host pid)"), null when none does. */
  owner: z.string().nullable(),
  /** Times a console took the job up (more than 1: resumed after a pause, a close or a kill). */
  claims: z.number().int(),
  /** Who paused, resumed or cancelled last, and when. */
  lastAction: z.object({ action: z.string(), by: z.string(), at: z.number() }).nullable(),
  /** Why a failed job failed. */
  error: z.string().nullable(),
  /** The first refused entries with their reason. */
  failures: z.array(z.object({ id: z.string(), reason: z.string() })),
});
export type ReplayJob = z.infer<typeof ReplayJob>;

/** What a job's dry run shows before anything moves. */
export const ReplayJobPreview = z.object({
  source: z.string(),
  /** Entries the job would cover. */
  total: z.number().int(),
  /** The one-shot replay's dry run over them (at most the first 100,000): targets, refusals, the event check. */
  outcome: ReplayOutcome,
  /** The first entries: what the replayed entry would differ in from the dead letter. */
  differences: z.array(
    z.object({
      id: z.string(),
      target: z.string().nullable(),
      /** Metadata fields the replayed entry drops (dlq_origin_stream …). */
      removed: z.array(z.string()),
      /** Lineage fields it gets, with their values. */
      added: z.record(z.string(), z.string()),
      /** Fields passed through byte for byte. */
      unchanged: z.array(z.string()),
      /** Why it would be refused, if it would. */
      refusal: z.string().nullable(),
    }),
  ),
});
export type ReplayJobPreview = z.infer<typeof ReplayJobPreview>;

/** Redis keys of an environment's replay jobs. */
export function replayJobKeys(namespace: string) {
  const base = `${namespace}watchfloor:replay-job`;
  return {
    /** Sorted set: job id by creation time. */
    index: `${base}s`,
    job: (id: string) => `${base}:${id}`,
    /** The ids an `ids`/`match` job covers, in replay order. */
    ids: (id: string) => `${base}:${id}:ids`,
    /** `id\treason` of the first refused entries. */
    failures: (id: string) => `${base}:${id}:failures`,
    /** RabbitMQ: the refused messages already counted (a message's identity), so a resumed job counts none twice. */
    refused: (id: string) => `${base}:${id}:refused`,
  };
}

/** One line for a job's progress: the same words in the jobs panel and the CLI. */
export function describeJobProgress(job: Pick<ReplayJob, 'state' | 'done' | 'failed' | 'skipped' | 'left' | 'total' | 'currentRate' | 'etaMs'>, formatCount: (n: number) => string = String): string {
  const parts = [`${job.state}`, `${formatCount(job.done)} of ${formatCount(job.total)} replayed`, `${formatCount(job.failed)} refused`, `${formatCount(job.left)} left`];
  if (job.skipped > 0) parts.push(`${formatCount(job.skipped)} already gone`);
  if (job.currentRate !== null) parts.push(`${formatCount(Math.round(job.currentRate))}/s`);
  if (job.etaMs !== null) parts.push(`ETA ${formatDuration(job.etaMs)}`);
  return parts.join(' · ');
}

function formatDuration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

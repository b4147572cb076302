import type { Job, Queue } from 'bullmq';
import { CodedError } from '../../../shared/contract/errors';
import { REPLAY_JOB_LIMITS, type BullJobKind, type ReplayJob, type ReplayJobPreview } from '../../../shared/model/replay-jobs';
import { retryBullDead } from './bull-dlq';
import { RENEW_SCRIPT } from './replay-job-script';
import { runJobLoop, type BatchResult, type RunEnd, type RunOptions } from './replay-job-runner';
import type { NewReplayJob, ReplayJobStore } from './replay-job-store';

/** The BullMQ queues a job works on: the dead-letter source and, for a `-dlq` queue, its origin. */
export interface BullJobQueues {
  queue: Queue;
  /** The origin of a `{queue}-dlq` queue's jobs; null for failed jobs (retried in place). */
  origin: Queue | null;
}

/** The id a job's copy of a `-dlq` queue's job gets in the origin: the same copy added twice is one job. */
export const bullCopyId = (deadJobId: string, replayJobId: string) => `${deadJobId}-replay-${replayJobId}`.replace(/:/g, '_');

/**
 * A BullMQ replay job: the ids it covers are fixed when it is created (the given ids, or every
 * failed job / every job waiting in the `-dlq` queue then) and kept in the job's list in Redis.
 */
export async function createBullJob(store: ReplayJobStore, queues: BullJobQueues, kind: BullJobKind, input: NewReplayJob, who: string, now: number): Promise<ReplayJob> {
  if (kind === 'dlq-queue' && !queues.origin) throw new CodedError('VALIDATION', `cannot tell where the jobs of "${queues.queue.name}" came from (expected a name ending in -dlq)`);
  let ids: string[];
  if (input.selection.kind === 'ids') ids = [...new Set(input.selection.ids)];
  else if (input.selection.kind === 'all') ids = await queues.queue.getRanges(kind === 'failed' ? ['failed'] : ['wait'], 0, REPLAY_JOB_LIMITS.maxEntries - 1, true);
  else throw new CodedError('VALIDATION', `a BullMQ job replays given ids or all of them, not a ${input.selection.kind}`);
  if (ids.length === 0) throw new CodedError('VALIDATION', `${kind === 'failed' ? `"${input.source}" has no failed jobs` : `"${input.source}" has no jobs`}: nothing to replay`);
  return store.createRecord({ ...input, broker: 'bullmq', bullKind: kind }, who, now, { total: ids.length, ids });
}

type Outcome = 'replayed' | 'skipped' | { failed: string };

/**
 * Moves one dead BullMQ job. A failed job is retried in place by BullMQ's own script, which moves it
 * only while it is still failed — so a job retried already (by this job before a crash, or by
 * someone else) is "already gone", never retried twice. A `-dlq` queue's job is added to its origin
 * under an id made of its own id and the replay job's, then removed: a console that died between
 * the two adds the same id again, which BullMQ ignores while that copy exists.
 */
async function moveOne(queues: BullJobQueues, kind: BullJobKind, id: string, replayJobId: string): Promise<Outcome> {
  const job = (await queues.queue.getJob(id)) as Job | undefined;
  if (!job) return 'skipped';
  try {
    if (kind === 'failed') await job.retry('failed');
    else {
      const { jobId: _jobId, repeat: _repeat, ...opts } = (job.opts ?? {}) as Record<string, unknown>;
      await queues.origin!.add(job.name, job.data, { ...opts, jobId: bullCopyId(id, replayJobId) });
      await job.remove();
    }
    return 'replayed';
  } catch (error) {
    const state = await job.getState().catch(() => 'unknown');
    if (kind === 'failed' && state !== 'failed') return 'skipped';
    return { failed: (error as Error).message };
  }
}

/**
 * Runs a BullMQ replay job: per batch, the next ids of its list are moved one by one, then the
 * batch is counted with a compare-and-set on the cursor. A console killed mid-batch leaves the
 * cursor where the batch started; the next console goes over the same ids, finds the moved ones
 * gone (counted as "already gone") and moves the rest — each dead job in its origin once.
 */
export function runBullReplayJob(store: ReplayJobStore, jobId: string, token: string, queues: () => BullJobQueues, options: RunOptions): Promise<RunEnd> {
  const { client, keys } = store;
  return runJobLoop(store, jobId, token, options, async () => {
    const kind = ((await client.hget(keys.job(jobId), 'bullKind')) ?? 'failed') as BullJobKind;
    return {
      async move(size, rate): Promise<BatchResult> {
        const state = (await client.eval(RENEW_SCRIPT, 1, keys.job(jobId), token, options.leaseMs)) as string;
        if (state !== 'running') return { status: 'ended', state };
        const cursor = (await client.hget(keys.job(jobId), 'cursor')) ?? '0';
        const from = Number(cursor);
        const ids = await client.lrange(keys.ids(jobId), from, from + size - 1);
        const total = await client.llen(keys.ids(jobId));
        const at = queues();
        let replayed = 0;
        let skipped = 0;
        const failures: { id: string; reason: string }[] = [];
        for (const id of ids) {
          const outcome = await moveOne(at, kind, id, jobId);
          if (outcome === 'replayed') replayed++;
          else if (outcome === 'skipped') skipped++;
          else failures.push({ id, reason: outcome.failed });
        }
        const to = from + ids.length;
        const counted = await store.progress(jobId, { from: cursor, to: String(to), replayed, skipped, failed: failures.length, rate, now: options.clock.now(), finished: to >= total, failures });
        if (counted.status !== 'ok') return { status: 'ended', state: counted.status === 'gone' ? 'gone' : 'lost' };
        return { status: 'ok', state: counted.state, replayed };
      },
    };
  });
}

/**
 * A BullMQ job's dry run: the one-shot retry's dry run over the jobs it would cover (at most the
 * first 10,000) and, for the first five, what changes: a failed job retried in place loses its
 * failure (reason, stack, finish time) and starts its attempts again; a `-dlq` job is added to the
 * origin under a new id.
 */
export async function previewBullJob(queues: BullJobQueues, kind: BullJobKind, input: Omit<NewReplayJob, 'rate' | 'batch'>): Promise<ReplayJobPreview> {
  let ids: string[];
  if (input.selection.kind === 'ids') ids = [...new Set(input.selection.ids)];
  else if (input.selection.kind === 'all') ids = await queues.queue.getRanges(kind === 'failed' ? ['failed'] : ['wait'], 0, REPLAY_JOB_LIMITS.maxEntries - 1, true);
  else throw new CodedError('VALIDATION', `a BullMQ job replays given ids or all of them, not a ${input.selection.kind}`);
  const looked = ids.slice(0, 10_000);
  const dry = await retryBullDead(queues.queue, kind, looked, { dryRun: true, origin: queues.origin, limit: looked.length });
  const target = kind === 'failed' ? queues.queue.name : (queues.origin?.name ?? null);
  const refusals = new Map(dry.failed.map((f) => [f.id, f.reason]));
  const differences: ReplayJobPreview['differences'] = [];
  for (const id of looked.slice(0, 5)) {
    const job = (await queues.queue.getJob(id)) as Job | undefined;
    const fields = job ? Object.keys(job.data ?? {}).map((k) => `data.${k}`) : [];
    differences.push(
      kind === 'failed'
        ? { id, target, removed: ['failedReason', 'stacktrace', 'finishedOn'], added: { attemptsMade: '0', state: 'waiting' }, unchanged: ['name', 'opts', ...fields], refusal: refusals.get(id) ?? (job ? null : 'no such job') }
        : { id, target, removed: [`jobId ${id}`], added: { jobId: bullCopyId(id, '(this job)') }, unchanged: ['name', 'opts', ...fields], refusal: refusals.get(id) ?? (job ? null : 'no such job') },
    );
  }
  return { source: input.source, total: ids.length, outcome: { source: input.source, dryRun: true, matched: dry.matched, replayed: dry.retried, skipped: 0, failed: dry.failed, targets: target && dry.retried ? { [target]: dry.retried } : {} }, differences };
}

import type { Job, Queue } from 'bullmq';
import { CodedError } from '../../../shared/contract/errors';
import type { BullDeadJob, BullRetryOutcome } from '../../../shared/model/bull-dlq';
import { previewOf } from '../brokers/payload-preview';

function toDeadJob(job: Job): BullDeadJob {
  const data = previewOf(Buffer.from(JSON.stringify(job.data ?? null)), 16 * 1024);
  return {
    id: String(job.id ?? ''),
    name: job.name,
    failedReason: job.failedReason || null,
    attemptsMade: job.attemptsMade ?? 0,
    createdAt: job.timestamp ?? null,
    finishedAt: job.finishedOn ?? null,
    data: data.preview,
    truncated: data.truncated,
    stack: (job.stacktrace ?? []).slice(-1)[0]?.split('\n').slice(0, 6).join('\n') ?? null,
  };
}

/**
 * One job as {@link listBullDead} lists it, by id (the reveal): a failed job must still be failed,
 * a job of a `{queue}-dlq` queue still there; read only, the job is not touched.
 */
export async function showBullDead(queue: Queue, kind: 'failed' | 'dlq-queue', id: string): Promise<BullDeadJob> {
  const job = (await queue.getJob(id)) as Job | undefined;
  if (!job) throw new CodedError('NOT_FOUND', `no job ${id} in ${queue.name} (retried, moved back or removed meanwhile)`);
  if (kind === 'failed') {
    const state = await job.getState();
    if (state !== 'failed') throw new CodedError('NOT_FOUND', `job ${id} of ${queue.name} is not failed any more (${state}): it was retried meanwhile`);
  }
  return toDeadJob(job);
}

/** A page of a queue's failed jobs (newest first), or of the waiting jobs of a `{queue}-dlq` queue. */
export async function listBullDead(queue: Queue, kind: 'failed' | 'dlq-queue', start: number, count: number): Promise<BullDeadJob[]> {
  const jobs = kind === 'failed' ? await queue.getFailed(start, start + count - 1) : await queue.getWaiting(start, start + count - 1);
  return jobs.filter((j): j is Job => Boolean(j)).map(toDeadJob);
}

/**
 * Replays BullMQ dead letters through the library: a failed job is retried in place
 * (`job.retry('failed')`); a job of a `{queue}-dlq` queue is added to its origin queue (same name,
 * data and options) and only then removed from the DLQ queue — copy before remove.
 */
export async function retryBullDead(
  queue: Queue,
  kind: 'failed' | 'dlq-queue',
  ids: string[] | 'all',
  options: { dryRun: boolean; origin: Queue | null; limit: number },
): Promise<BullRetryOutcome> {
  const outcome: BullRetryOutcome = { queue: queue.name, dryRun: options.dryRun, matched: 0, retried: 0, failed: [] };
  const jobs: Job[] =
    ids === 'all'
      ? (kind === 'failed' ? await queue.getFailed(0, options.limit - 1) : await queue.getWaiting(0, options.limit - 1)).filter((j): j is Job => Boolean(j))
      : ((await Promise.all(ids.map((id) => queue.getJob(id)))).filter((j): j is Job => Boolean(j)) as Job[]);
  outcome.matched = jobs.length;
  if (ids !== 'all' && jobs.length < ids.length) for (const id of ids.filter((id) => !jobs.some((j) => String(j.id) === id))) outcome.failed.push({ id, reason: 'no such job (retried or removed meanwhile)' });
  if (kind === 'dlq-queue' && !options.origin) throw new CodedError('VALIDATION', `cannot tell where the jobs of "${queue.name}" came from (expected a name ending in -dlq)`);
  if (options.dryRun) {
    outcome.retried = jobs.length;
    return outcome;
  }
  for (const job of jobs) {
    try {
      if (kind === 'failed') await job.retry('failed');
      else {
        const { jobId: _jobId, ...opts } = job.opts ?? {};
        await options.origin!.add(job.name, job.data, opts);
        await job.remove();
      }
      outcome.retried++;
    } catch (error) {
      outcome.failed.push({ id: String(job.id), reason: (error as Error).message });
    }
  }
  return outcome;
}

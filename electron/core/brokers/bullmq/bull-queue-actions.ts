import type { Queue } from 'bullmq';

/**
 * The queue-wide BullMQ operator actions, through the `bullmq` package. Each returns what it did
 * and the figures before (and after) it, for the audit entry the handler writes.
 */

export async function pauseQueue(queue: Queue): Promise<{ wasPaused: boolean; isPaused: boolean }> {
  const wasPaused = await queue.isPaused();
  await queue.pause();
  return { wasPaused, isPaused: await queue.isPaused() };
}

export async function resumeQueue(queue: Queue): Promise<{ wasPaused: boolean; isPaused: boolean }> {
  const wasPaused = await queue.isPaused();
  await queue.resume();
  return { wasPaused, isPaused: await queue.isPaused() };
}

/** Removes the waiting (and, if asked, delayed) jobs. Counted just before: jobs added meanwhile may be drained too, so `removed` is approximate. */
export async function drainQueue(queue: Queue, includeDelayed: boolean): Promise<{ before: Record<string, number>; removed: number }> {
  const before = await queue.getJobCounts('waiting', 'prioritized', 'delayed');
  await queue.drain(includeDelayed);
  return { before, removed: (before.waiting ?? 0) + (before.prioritized ?? 0) + (includeDelayed ? (before.delayed ?? 0) : 0) };
}

export async function cleanQueue(queue: Queue, status: Parameters<Queue['clean']>[2], olderThanMs: number, limit: number): Promise<number> {
  return (await queue.clean(olderThanMs, limit, status)).length;
}

/** Promotes up to 1,000 delayed jobs to waiting. */
export async function promoteDelayed(queue: Queue): Promise<{ delayedBefore: number; delayedAfter: number; promoted: number }> {
  const delayedBefore = await queue.getDelayedCount();
  await queue.promoteJobs({ count: 1000 });
  const delayedAfter = await queue.getDelayedCount();
  return { delayedBefore, delayedAfter, promoted: Math.max(0, delayedBefore - delayedAfter) };
}

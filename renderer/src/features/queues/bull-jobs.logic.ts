import type { BullJob, BullJobState } from '../../../../shared/model/bull-jobs';
import type { BullQueueInfo } from '../../../../shared/model/bullmq';
import { formatAge } from '../../components/format';

/** The job-list tabs, in bull-board's order, with what each holds. */
export const JOB_TABS: { state: BullJobState; label: string; title: string }[] = [
  { state: 'failed', label: 'Failed', title: 'Jobs that failed their last attempt' },
  { state: 'waiting', label: 'Waiting', title: 'Jobs waiting for a worker' },
  { state: 'prioritized', label: 'Prioritized', title: 'Waiting jobs with a priority' },
  { state: 'active', label: 'Active', title: 'Jobs a worker holds now' },
  { state: 'delayed', label: 'Delayed', title: 'Jobs scheduled for later, or backing off before a retry' },
  { state: 'waiting-children', label: 'Parents', title: 'Parent jobs of a flow waiting for their children (waiting-children)' },
  { state: 'completed', label: 'Completed', title: 'Jobs completed and still kept' },
];

/** The queue's count of a state as the monitor last sampled it (null before the first sample). */
export function stateCount(live: BullQueueInfo | null, state: BullJobState): number | null {
  if (!live) return null;
  return state === 'waiting-children' ? live.waitingChildren : live[state];
}

/** The tab a queue opens on: its failed jobs when it has any (that is why one looks), else its waiting ones. */
export function initialJobState(live: BullQueueInfo | null): BullJobState {
  return live && live.failed > 0 ? 'failed' : 'waiting';
}

/** "3 of 5", or "3" when the job had a single try. */
export function attemptsText(job: Pick<BullJob, 'attemptsMade' | 'attempts'>): string {
  return job.attempts > 1 ? `${job.attemptsMade} of ${job.attempts}` : String(job.attemptsMade);
}

/** What the time column says for a job in its state, at `now` (client clock, so it keeps ticking). */
export function jobTimeText(job: BullJob, now: number): string {
  if (job.isMissing) return 'removed meanwhile';
  if (job.state === 'delayed' && job.dueAt !== null) return job.dueAt > now ? `due in ${formatAge(job.dueAt - now)}` : `due ${formatAge(now - job.dueAt)} ago`;
  if ((job.state === 'failed' || job.state === 'completed') && job.finishedAt !== null) {
    const took = job.processedAt !== null ? `, took ${formatAge(Math.max(0, job.finishedAt - job.processedAt))}` : '';
    return `${job.state === 'failed' ? 'failed' : 'done'} ${formatAge(Math.max(0, now - job.finishedAt))} ago${took}`;
  }
  if (job.state === 'active' && job.processedAt !== null) return `running for ${formatAge(Math.max(0, now - job.processedAt))}`;
  return job.createdAt !== null ? `added ${formatAge(Math.max(0, now - job.createdAt))} ago` : '—';
}

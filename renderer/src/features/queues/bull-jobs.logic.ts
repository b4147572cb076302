import type { BullJob, BullJobState, BullJobValue } from '../../../../shared/model/bull-jobs';
import type { BullQueueInfo } from '../../../../shared/model/bullmq';
import { formatAge } from '../streams/streams.logic';

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

/** A job value as shown when a row is opened: JSON pretty-printed, text as it is, hex marked; a cut preview says so. */
export function showValue(value: BullJobValue): string {
  let text = value.preview;
  if (value.isJson && !value.truncated) {
    try {
      text = JSON.stringify(JSON.parse(value.preview), null, 2);
    } catch {
      // shown as stored
    }
  }
  const notes = [value.encoding === 'hex' ? 'binary, shown as hex' : null, value.encoding === 'text' && !value.isJson && !value.truncated ? 'not JSON: shown as stored' : null, value.truncated ? `first ${formatBytes(value.preview.length / (value.encoding === 'hex' ? 2 : 1))} of ${formatBytes(value.size)}` : null].filter(Boolean);
  return notes.length ? `${text}\n\n(${notes.join('; ')})` : text;
}

/** One line of a job's data for the table: compact, cut at `max` characters. */
export function dataLine(value: BullJobValue, max = 120): string {
  const text = value.encoding === 'hex' ? `0x${value.preview}` : value.preview.replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
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

function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { describeJobProgress, isFinished, type ReplayJob } from '../../../../shared/model/replay-jobs';
import { controlReplayJob } from '../../actions/replay-job-actions';
import { formatCount } from '../../components/format';
import { useServices } from '../../services';

/** How often the panel reads the jobs while it is shown (the record is in Redis, any console may change it). */
const POLL_MS = 1000;
/** Finished jobs listed below the running ones. */
const FINISHED_SHOWN = 5;

const PAST: Record<string, string> = { pause: 'paused', resume: 'resumed', cancel: 'cancelled' };

const STATE_CLASS: Record<ReplayJob['state'], string> = {
  queued: 'tag',
  running: 'tag tag-ok',
  paused: 'tag tag-paused',
  cancelled: 'tag tag-warn',
  done: 'tag',
  failed: 'tag tag-dlq',
};

/**
 * The replay jobs of an environment (issue 20): progress (done, refused, left, rate, ETA), who
 * runs each, and pause / resume / cancel — the same record every console and the CLI see.
 */
export function ReplayJobsPanel({ envId, canWrite, onFinished }: { envId: string; canWrite: boolean; onFinished?: (source: string) => void }) {
  const services = useServices();
  const [jobs, setJobs] = useState<ReplayJob[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Jobs seen unfinished: when one ends, its source's entries are stale (RabbitMQ and BullMQ views are not pushed).
  const unfinished = useRef(new Set<string>());
  const finishedRef = useRef(onFinished);
  finishedRef.current = onFinished;
  const load = useCallback(async () => {
    const r = await services.client.call('replays.list', { envId });
    if (r.ok) {
      for (const job of r.value.jobs) {
        if (!isFinished(job.state)) unfinished.current.add(job.id);
        else if (unfinished.current.delete(job.id)) finishedRef.current?.(job.source);
      }
      setJobs(r.value.jobs);
      setError(null);
    } else setError(`${r.error.code}: ${r.error.message}`);
  }, [services, envId]);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [load]);
  const act = async (job: ReplayJob, action: 'pause' | 'resume' | 'cancel') => {
    const r = await controlReplayJob(services, envId, job.id, action);
    setError(r.ok ? null : `${r.error.code}: ${r.error.message}`);
    await load();
  };
  if (jobs === null && error === null) return null;
  const active = (jobs ?? []).filter((j) => !isFinished(j.state));
  const finished = (jobs ?? []).filter((j) => isFinished(j.state)).slice(0, FINISHED_SHOWN);
  if (active.length === 0 && finished.length === 0 && error === null) return null;
  return (
    <section className="replay-jobs" aria-labelledby="replay-jobs-title" data-testid="replay-jobs">
      <h3 id="replay-jobs-title" className="streams-env-name">
        Replay jobs
      </h3>
      {error ? (
        <p className="bad small" role="alert">
          {error}
        </p>
      ) : null}
      <ul className="replay-job-list">
        {[...active, ...finished].map((job) => (
          <li key={job.id} className="replay-job" data-testid={`replay-job-${job.id}`}>
            <div className="replay-job-head">
              <span className={STATE_CLASS[job.state]} data-testid="replay-job-state">
                {job.state}
              </span>{' '}
              {job.broker !== 'redis' ? <span className="tag">{job.broker === 'rabbitmq' ? 'RabbitMQ' : `BullMQ ${job.bullKind === 'dlq-queue' ? '-dlq queue' : 'failed jobs'}`}</span> : null} <span className="mono small">{job.source}</span>
              {job.target ? <span className="mono small"> → {job.target}</span> : null} <span className="muted small mono">job {job.id}</span>
            </div>
            <progress max={Math.max(1, job.total)} value={job.done + job.failed + job.skipped} aria-label={`replay job ${job.id} progress`} />
            <div className="small" data-testid="replay-job-progress">
              {describeJobProgress(job, formatCount)}
            </div>
            <div className="muted small">
              {job.selection === 'all' ? (job.broker === 'redis' ? 'whole DLQ' : job.broker === 'rabbitmq' ? 'whole queue' : 'every job') : job.selection === 'match' ? 'search' : job.selection === 'count' ? `first ${formatCount(job.total)}` : 'selection'} · {job.rate ? `cap ${formatCount(job.rate)}/s` : 'no cap'} · batch {job.batch} · by {job.createdBy}
              {job.owner ? ` · run by ${job.owner}` : job.state === 'running' || job.state === 'queued' ? ' · waiting for a console' : ''}
              {job.claims > 1 ? ` · taken up ${job.claims} times` : ''}
              {job.lastAction ? ` · ${PAST[job.lastAction.action] ?? job.lastAction.action} by ${job.lastAction.by}` : ''}
            </div>
            {job.error ? <div className="bad small">{job.error}</div> : null}
            {job.failures.length > 0 ? (
              <div className="small mono muted" title={job.failures.map((f) => `${f.id}: ${f.reason}`).join('\n')}>
                refused e.g. {job.failures[0]!.id}: {job.failures[0]!.reason}
              </div>
            ) : null}
            {!isFinished(job.state) ? (
              <div className="replay-job-actions">
                {job.state === 'paused' ? (
                  <button type="button" className="button" disabled={!canWrite} data-testid="replay-job-resume" onClick={() => void act(job, 'resume')}>
                    Resume
                  </button>
                ) : (
                  <button type="button" className="button" disabled={!canWrite} data-testid="replay-job-pause" onClick={() => void act(job, 'pause')}>
                    Pause
                  </button>
                )}
                <button type="button" className="button button-danger" disabled={!canWrite} data-testid="replay-job-cancel" onClick={() => void act(job, 'cancel')}>
                  Cancel
                </button>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

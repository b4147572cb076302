import { Fragment, useState } from 'react';
import { bullJobActions, type BullJob, type BullJobAction, type BullJobState } from '../../../../shared/model/bull-jobs';
import type { BullQueueInfo } from '../../../../shared/model/bullmq';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { ActionDialog } from '../../components/action-dialog';
import { formatCount, formatDateTime } from '../../components/format';
import { useNow } from '../../components/use-now';
import { usePolledCall } from '../../components/use-polled-call';
import { useServices } from '../../services';
import { actOnBullJob } from '../../actions/queue-actions';
import { dataLine, showValue } from '../../components/payload-text';
import { attemptsText, initialJobState, JOB_TABS, jobTimeText, stateCount } from './bull-jobs.logic';

const PAGE = 25;
const ACTION_TEXT: Record<BullJobAction, { label: string; verb: string; what: string; isDangerous: boolean }> = {
  retry: { label: 'Retry', verb: 'Retry', what: 'It goes back to waiting and a worker runs it again (its side effects, such as a notification, happen again).', isDangerous: false },
  promote: { label: 'Run now', verb: 'Promote', what: 'It becomes waiting at once instead of at its due time.', isDangerous: false },
  remove: { label: 'Remove', verb: 'Remove', what: 'The job and its data are deleted for good; it cannot be undone.', isDangerous: true },
};

/** A BullMQ queue's jobs by state (what bull-board shows): data, times, attempts, failure reason and stack traces, with per-job actions. */
export function BullJobs({ env, queue, live, blocked, onDone }: { env: EnvironmentView; queue: string; live: BullQueueInfo | null; blocked: string | null; onDone: (text: string) => void }) {
  const services = useServices();
  const now = useNow(1000);
  const [state, setState] = useState<BullJobState>(() => initialJobState(live));
  const [order, setOrder] = useState<'newest' | 'oldest'>('newest');
  const [start, setStart] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  const [acting, setActing] = useState<{ job: BullJob; action: BullJobAction } | null>(null);
  const jobs = usePolledCall('bullmq.jobs', { envId: env.id, queue, state, start, count: PAGE, order }, `${env.id}\u0000${queue}\u0000${state}\u0000${start}\u0000${order}`, 3000);
  const page = jobs.state === 'ready' ? jobs.value : jobs.state === 'error' ? jobs.last : null;
  const total = page?.total ?? stateCount(live, state) ?? 0;
  const pick = (next: BullJobState) => {
    setState(next);
    setStart(0);
    setOpen(null);
  };
  const columns = state === 'failed' ? 7 : 6;

  return (
    <section className="bull-jobs" aria-label={`Jobs of ${queue}`} data-testid="bull-jobs">
      <div className="bull-jobs-toolbar">
        <h5 className="rabbit-chart-title">Jobs</h5>
        <div role="tablist" className="audit-tabs bull-jobs-tabs" aria-label="Job state">
          {JOB_TABS.map((tab) => {
            const count = stateCount(live, tab.state);
            return (
              <button key={tab.state} type="button" role="tab" title={tab.title} aria-selected={tab.state === state} className={tab.state === state ? 'button is-current' : 'button button-quiet'} onClick={() => pick(tab.state)} data-testid={`bull-jobs-tab-${tab.state}`}>
                {tab.label} <span className={tab.state === 'failed' && (count ?? 0) > 0 ? 'bad' : 'muted'}>{count === null ? '' : formatCount(count)}</span>
              </button>
            );
          })}
        </div>
        <span className="spacer" />
        <select className="input" aria-label="Order" value={order} onChange={(e) => (setOrder(e.target.value as 'newest' | 'oldest'), setStart(0))} data-testid="bull-jobs-order">
          <option value="newest">Newest first</option>
          <option value="oldest">{state === 'delayed' ? 'Next due first' : state === 'waiting' || state === 'prioritized' ? 'Next to run first' : 'Oldest first'}</option>
        </select>
        <span className="muted small" data-testid="bull-jobs-range">
          {total === 0 ? 'none' : `${formatCount(start + 1)}–${formatCount(Math.min(start + PAGE, total))} of ${formatCount(total)}`}
        </span>
        <button type="button" className="button button-quiet" disabled={start === 0} onClick={() => setStart(Math.max(0, start - PAGE))} data-testid="bull-jobs-prev">
          ‹ Newer
        </button>
        <button type="button" className="button button-quiet" disabled={start + PAGE >= total} onClick={() => setStart(start + PAGE)} data-testid="bull-jobs-next">
          Older ›
        </button>
      </div>
      {jobs.state === 'error' ? (
        <p className="note rabbit-note-warn" role="status" data-testid="bull-jobs-error">
          Jobs cannot be read right now ({jobs.code}: {jobs.message}){page ? '; the last list read is shown.' : '.'}
        </p>
      ) : null}
      {page === null ? (
        jobs.state === 'loading' ? <p className="empty">Reading jobs…</p> : null
      ) : page.jobs.length === 0 ? (
        <p className="empty" data-testid="bull-jobs-empty">
          No {JOB_TABS.find((t) => t.state === state)!.label.toLowerCase()} job in {queue}.
        </p>
      ) : (
        <table className="data-table bull-jobs-table" data-testid="bull-jobs-table">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Name</th>
              <th scope="col">Data</th>
              <th scope="col" className="num" title="Attempts made (of the attempts the job has)">
                Attempts
              </th>
              <th scope="col">When</th>
              {state === 'failed' ? <th scope="col">Failure reason</th> : null}
              <th scope="col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {page.jobs.map((job) => (
              <Fragment key={job.id}>
                <tr className={open === job.id ? 'rabbit-row rabbit-row-selected' : 'rabbit-row'} data-testid={`bull-job-${job.id}`} onClick={() => setOpen(open === job.id ? null : job.id)}>
                  <th scope="row" className="mono nowrap">
                    <button type="button" className="rabbit-link-button mono" aria-expanded={open === job.id} onClick={(e) => (e.stopPropagation(), setOpen(open === job.id ? null : job.id))}>
                      {job.id}
                    </button>
                  </th>
                  <td className="mono nowrap">{job.name}</td>
                  <td className="mono small bull-job-data">{dataLine(job.data)}</td>
                  <td className="num">{attemptsText(job)}</td>
                  <td className="nowrap small" title={job.createdAt !== null ? `added ${formatDateTime(job.createdAt)}` : undefined}>
                    {jobTimeText(job, now)}
                  </td>
                  {state === 'failed' ? <td className="small bad">{job.failedReason ?? '—'}</td> : null}
                  <td className="nowrap" onClick={(e) => e.stopPropagation()}>
                    {bullJobActions(job.state).map((action) => (
                      <button key={action} type="button" className={action === 'remove' ? 'button button-quiet bull-job-action bad' : 'button button-quiet bull-job-action'} disabled={blocked !== null || job.isMissing} title={blocked ?? undefined} onClick={() => setActing({ job, action })} data-testid={`bull-job-${action}-${job.id}`}>
                        {ACTION_TEXT[action].label}
                      </button>
                    ))}
                  </td>
                </tr>
                {open === job.id ? (
                  <tr className="bull-job-open">
                    <td colSpan={columns}>
                      <JobDetail job={job} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
      {acting ? (
        <ActionDialog
          title={`${ACTION_TEXT[acting.action].verb} job ${acting.job.id}?`}
          subject={`${env.name} · ${queue} / job ${acting.job.id} (${acting.job.name}, ${acting.job.state})`}
          confirmLabel={`${ACTION_TEXT[acting.action].verb} job`}
          isDangerous={ACTION_TEXT[acting.action].isDangerous}
          isReady
          onCancel={() => setActing(null)}
          onDone={(text) => {
            setActing(null);
            setOpen(null);
            onDone(text);
          }}
          run={async () => {
            const r = await actOnBullJob(services, env.id, queue, acting.job.id, acting.action);
            return r.ok ? { ok: true, text: `job ${r.value.id}: ${r.value.before} → ${r.value.after}` } : { ok: false, text: `${r.error.code}: ${r.error.message}` };
          }}
        >
          <p>{ACTION_TEXT[acting.action].what}</p>
        </ActionDialog>
      ) : null}
    </section>
  );
}

function JobDetail({ job }: { job: BullJob }) {
  const times = [
    ['added', job.createdAt],
    ['started', job.processedAt],
    ['finished', job.finishedAt],
    ['due', job.dueAt],
  ].filter((t): t is [string, number] => t[1] !== null);
  return (
    <div className="bull-job-detail" data-testid="bull-job-detail">
      <p className="small muted">
        {times.map(([label, at]) => `${label} ${formatDateTime(at)}`).join(' · ')}
        {job.processedBy ? ` · by ${job.processedBy}` : ''}
        {job.priority ? ` · priority ${job.priority}` : ''}
        {job.stalledCount ? ` · stalled ${job.stalledCount}×` : ''}
        {job.progress !== null && job.progress !== '0' ? ` · progress ${job.progress}` : ''}
      </p>
      {job.failedReason ? (
        <p className="bad small" data-testid="bull-job-reason">
          {job.failedReason}
        </p>
      ) : null}
      <p className="label-text">Data</p>
      <pre className="dlq-payload" data-testid="bull-job-data">
        {showValue(job.data)}
      </pre>
      {job.returnValue ? (
        <>
          <p className="label-text">Return value</p>
          <pre className="dlq-payload">{showValue(job.returnValue)}</pre>
        </>
      ) : null}
      {job.stacktrace.length ? (
        <>
          <p className="label-text">Stack trace{job.stacktrace.length > 1 ? `s (newest of ${job.stacktrace.length} attempts first)` : ''}</p>
          {job.stacktrace.map((trace, i) => (
            <pre key={i} className="dlq-payload small" data-testid="bull-job-stack">
              {trace}
            </pre>
          ))}
        </>
      ) : null}
    </div>
  );
}

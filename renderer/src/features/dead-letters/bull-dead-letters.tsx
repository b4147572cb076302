import { useCallback, useEffect, useState } from 'react';
import type { BullDeadJob, BullDeadSource } from '../../../../shared/model/bull-dlq';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { BULK_REPLAY_CONFIRM_ABOVE } from '../../../../shared/contract/method-groups/confirm';
import { retryBullDeadJobs } from '../../actions/dead-letter-actions';
import { ActionDialog } from '../../components/action-dialog';
import { formatCount } from '../../components/format';
import { useServices } from '../../services';
import { toggleSelection } from '../../components/selection';
import { revealBullJob } from '../../actions/reveal-actions';
import { RevealControl, isMaskedText } from '../../components/reveal-control';
import { JobPreview, runReplayJob, useJobOptions } from './replay-jobs-dialog';

/** Failed jobs of a BullMQ queue (retried through the library) or the jobs of a `{queue}-dlq` queue (moved back). */
export function BullEntries({ env, source }: { env: EnvironmentView; source: BullDeadSource }) {
  const services = useServices();
  const { client } = services;
  const [jobs, setJobs] = useState<BullDeadJob[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selection, setSelection] = useState<ReadonlySet<string>>(new Set());
  const [open, setOpen] = useState<BullDeadJob | null>(null);
  /** The id of the open job when it was revealed (issue 20): shown as stored until another is opened. */
  const [revealedId, setRevealedId] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const [dialog, setDialog] = useState<'selected' | 'all' | null>(null);
  const blocked = env.readOnly ? `${env.name} is read-only: retry is not allowed here (dry runs are).` : null;
  const verb = source.kind === 'failed' ? 'Retry' : `Move back to ${source.origin}`;
  const load = useCallback(async () => {
    const answer = await client.call('dlq.bullList', { envId: env.id, queue: source.queue, kind: source.kind, count: 100 });
    if (answer.ok) {
      setJobs(answer.value);
      setError(null);
    } else setError(`${answer.error.code}: ${answer.error.message}`);
  }, [client, env.id, source.queue, source.kind]);
  useEffect(() => {
    void load();
  }, [load]);
  const ids = [...selection];
  return (
    <section className="streams-env dlq-entries" aria-label={`Dead jobs of ${source.queue}`} style={{ borderLeftColor: env.colour }} data-testid="bull-dlq">
      <header className="streams-pending-header">
        <h3 className="streams-env-name mono">
          {source.queue} {source.kind === 'failed' ? '· failed jobs' : `· dead-letter queue of ${source.origin}`}
        </h3>
        <button type="button" className="button button-quiet" onClick={() => void load()}>
          Refresh
        </button>
        <span className="spacer" />
        <span title={blocked ?? undefined} className="streams-actions">
          <button type="button" className="button button-primary" disabled={blocked !== null || selection.size === 0} onClick={() => setDialog('selected')} data-testid="bull-dlq-retry">
            {verb} selected…
          </button>
          <button type="button" className="button" disabled={blocked !== null || !jobs?.length} onClick={() => setDialog('all')} data-testid="bull-dlq-retry-all">
            {verb}: all…
          </button>
        </span>
      </header>
      {outcome ? (
        <p className={outcome.tone === 'ok' ? 'note streams-note-ok' : 'bad'} role="status" data-testid="bull-dlq-result">
          {outcome.text}
        </p>
      ) : null}
      {error ? <p className="bad">{error}</p> : null}
      {jobs && jobs.length === 0 ? <p className="empty">Nothing here any more.</p> : null}
      {jobs && jobs.length > 0 ? (
        <table className="data-table" data-testid="bull-dlq-table">
          <thead>
            <tr>
              <th aria-label="Selected" />
              <th>Job</th>
              <th>Name</th>
              <th>Reason</th>
              <th className="num">Attempts</th>
              <th>Data</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id} className={open?.id === j.id ? 'streams-row-selected streams-row' : 'streams-row'} onClick={() => {
                  setOpen(j);
                  setRevealedId(null);
                }} data-testid={`bull-dlq-row-${j.id}`}>
                <td onClick={(e) => e.stopPropagation()}>
                  <input type="checkbox" aria-label={`Select job ${j.id}`} checked={selection.has(j.id)} onChange={() => setSelection((s) => toggleSelection(s, j.id))} data-testid={`bull-dlq-select-${j.id}`} />
                </td>
                <td className="mono small">{j.id}</td>
                <td className="small">{j.name}</td>
                <td className="small bad">{j.failedReason ?? '—'}</td>
                <td className="num">{j.attemptsMade}</td>
                <td className="mono small dlq-preview">{j.data.slice(0, 120)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {open ? (
        <section className="streams-detail" data-testid="bull-dlq-detail">
          <h4 className="streams-detail-title mono">job {open.id}</h4>
          {open.failedReason ? <p className="bad small">{open.failedReason}</p> : null}
          {revealedId === open.id || isMaskedText(open.data) || isMaskedText(open.failedReason ?? '') ? (
            <RevealControl
              env={env}
              isRevealed={revealedId === open.id}
              reveal={async (reason) => {
                const result = await revealBullJob(services, env.id, source.queue, source.kind, open.id, reason);
                if (result.ok) {
                  setOpen(result.value.job);
                  setRevealedId(open.id);
                }
                return result;
              }}
            />
          ) : null}
          <pre className="dlq-payload" data-testid="bull-dlq-payload">
            {open.data}
          </pre>
          {open.stack ? <pre className="dlq-payload small">{open.stack}</pre> : null}
        </section>
      ) : null}
      {dialog ? (
        <BullRetryDialog
          envId={env.id}
          source={source}
          ids={dialog === 'all' ? 'all' : ids}
          verb={verb}
          onCancel={() => setDialog(null)}
          onDone={(text) => {
            setDialog(null);
            setSelection(new Set());
            setOutcome({ tone: 'ok', text });
            void load();
          }}
        />
      ) : null}
    </section>
  );
}

function BullRetryDialog({ envId, source, ids, verb, onCancel, onDone }: { envId: string; source: BullDeadSource; ids: string[] | 'all'; verb: string; onCancel: () => void; onDone: (text: string) => void }) {
  const services = useServices();
  const [typed, setTyped] = useState('');
  const job = useJobOptions();
  const isBulk = ids === 'all' || ids.length > BULK_REPLAY_CONFIRM_ABOVE;
  const jobRequest = { envId, broker: 'bullmq' as const, bullKind: source.kind, source: source.queue, selection: ids === 'all' ? { kind: 'all' as const } : { kind: 'ids' as const, ids } };
  return (
    <ActionDialog
      title={`${verb}: ${ids === 'all' ? `every job (${formatCount(source.count)})` : `${ids.length} job${ids.length === 1 ? '' : 's'}`}?`}
      confirmLabel={job.isJob ? 'Start the job' : verb}
      isDangerous={false}
      isReady={(!isBulk || typed === source.queue) && (!job.isJob || job.pace !== null)}
      onCancel={onCancel}
      onDone={onDone}
      run={async () => {
        if (job.isJob && job.pace) return runReplayJob(services, jobRequest, job.pace, isBulk ? typed : null);
        const r = await retryBullDeadJobs(services, envId, source, ids, isBulk ? typed : null);
        if (!r.ok) return { ok: false, text: `${r.error.code}: ${r.error.message}` };
        return { ok: true, text: `${source.kind === 'failed' ? 'retried' : 'moved back'} ${formatCount(r.value.retried)} of ${formatCount(r.value.matched)}${r.value.failed.length ? `; ${r.value.failed.length} not (${r.value.failed[0]!.reason})` : ''}` };
      }}
    >
      <p className="small">
        {source.kind === 'failed'
          ? 'Each job goes back to waiting through BullMQ (job.retry); a worker will run it again.'
          : `Each job is added to ${source.origin} with its name, data and options, and only then removed from ${source.queue}.`}
        {ids === 'all' && !job.isJob ? ' At most the first 10,000 at once — every one as a job.' : ''}
      </p>
      {job.fields}
      {job.isJob ? <JobPreview request={jobRequest} /> : null}
      {isBulk ? (
        <>
          <label className="label-text" htmlFor="bull-retry-confirm">
            Type the queue name to confirm
          </label>
          <input id="bull-retry-confirm" className="input mono" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder={source.queue} />
        </>
      ) : null}
    </ActionDialog>
  );
}

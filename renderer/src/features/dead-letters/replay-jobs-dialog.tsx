import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { DlqMatch } from '../../../../shared/model/dlq-search';
import { REPLAY_JOB_LIMITS, type ReplayJobPreview, type ReplayJobSelection } from '../../../../shared/model/replay-jobs';
import { dryRunReplayJob, startReplayJob, type JobRequest } from '../../actions/replay-job-actions';
import { formatCount } from '../../components/format';
import { useServices, type AppServices } from '../../services';

/** The replay dialog's selection as a job's. */
export function jobSelection(ids: string[] | 'all' | { match: DlqMatch }): ReplayJobSelection {
  return ids === 'all' ? { kind: 'all' } : Array.isArray(ids) ? { kind: 'ids', ids } : { kind: 'match', match: ids.match };
}

/**
 * "Run as a job" in the replay dialog (issue 20): the switch, the rate cap and batch size, and
 * whether they are valid. A job is paced, can be paused, resumed and cancelled from any console,
 * and goes on if this console closes.
 */
export function useJobOptions(): { isJob: boolean; pace: { rate: number | null; batch: number } | null; fields: ReactNode } {
  const [isJob, setIsJob] = useState(false);
  const [rate, setRate] = useState('');
  const [batch, setBatch] = useState(String(REPLAY_JOB_LIMITS.defaultBatch));
  const rateValue = rate.trim() === '' ? null : Number(rate);
  const batchValue = Number(batch);
  const isRateOk = rateValue === null || (Number.isFinite(rateValue) && rateValue > 0 && rateValue <= REPLAY_JOB_LIMITS.maxRate);
  const isBatchOk = Number.isInteger(batchValue) && batchValue >= 1 && batchValue <= REPLAY_JOB_LIMITS.maxBatch;
  const fields = (
    <div className="replay-job-options">
      <label className="streams-force">
        <input type="checkbox" checked={isJob} data-testid="dlq-as-job" onChange={(e) => setIsJob(e.target.checked)} /> Run as a job — paced, can be paused, resumed or cancelled from any console, and goes on if this console closes
      </label>
      {isJob ? (
        <div className="replay-job-pace">
          <label className="label-text">
            Rate cap (messages/s, empty: none)
            <input className="input mono" data-testid="dlq-job-rate" inputMode="numeric" value={rate} placeholder="no cap" onChange={(e) => setRate(e.target.value)} />
          </label>
          <label className="label-text">
            Batch size
            <input className="input mono" data-testid="dlq-job-batch" inputMode="numeric" value={batch} onChange={(e) => setBatch(e.target.value)} />
          </label>
          {!isRateOk ? <p className="bad small">The rate cap is a number of messages per second up to {formatCount(REPLAY_JOB_LIMITS.maxRate)}.</p> : null}
          {!isBatchOk ? <p className="bad small">The batch size is a whole number from 1 to {formatCount(REPLAY_JOB_LIMITS.maxBatch)}.</p> : null}
        </div>
      ) : null}
    </div>
  );
  return { isJob, pace: isRateOk && isBatchOk ? { rate: rateValue, batch: batchValue } : null, fields };
}

/** Starts the job; the dialog's result line. */
export async function runReplayJob(services: AppServices, request: JobRequest, pace: { rate: number | null; batch: number }, typed: string | null): Promise<{ ok: boolean; text: string }> {
  const r = await startReplayJob(services, request, pace, typed);
  if (!r.ok) return { ok: false, text: `${r.error.code}: ${r.error.message}` };
  return { ok: true, text: `Replay job ${r.value.id} started: ${formatCount(r.value.total)} entries${pace.rate ? ` at up to ${formatCount(pace.rate)}/s` : ''} — follow it under Replay jobs` };
}

/** The job's dry run: how many entries it covers, and for the first ones what the replayed entry differs in. */
export function JobPreview({ request }: { request: JobRequest }) {
  const services = useServices();
  const [preview, setPreview] = useState<{ state: 'checking' } | { state: 'done'; value: ReplayJobPreview } | { state: 'error'; text: string }>({ state: 'checking' });
  const key = JSON.stringify(request);
  const latest = useRef(request);
  latest.current = request;
  useEffect(() => {
    let isCurrent = true;
    setPreview({ state: 'checking' });
    const timer = setTimeout(() => {
      void dryRunReplayJob(services, latest.current).then((r) => {
        if (isCurrent) setPreview(r.ok ? { state: 'done', value: r.value } : { state: 'error', text: `${r.error.code}: ${r.error.message}` });
      });
    }, 250);
    return () => {
      isCurrent = false;
      clearTimeout(timer);
    };
  }, [services, key]);
  if (preview.state === 'checking') return <p className="muted small" data-testid="dlq-job-preview">Looking at the entries the job would cover (dry run)…</p>;
  if (preview.state === 'error') return <p className="bad small" data-testid="dlq-job-preview">Dry run failed — {preview.text}</p>;
  const { total, differences } = preview.value;
  return (
    <div className="note replay-job-preview" data-testid="dlq-job-preview">
      <p>
        The job would cover <strong>{formatCount(total)}</strong> entr{total === 1 ? 'y' : 'ies'}. First differences — what each replayed entry drops and gets; every other field goes back byte for byte:
      </p>
      <ul className="small mono replay-job-differences">
        {differences.map((d) => (
          <li key={d.id}>
            {d.id} → {d.target ?? '?'}
            {d.refusal ? <span className="bad"> refused: {d.refusal}</span> : null}
            <br />
            <span className="bad">− {d.removed.join(', ') || 'nothing'}</span>
            <br />
            <span className="good">
              +{' '}
              {Object.entries(d.added)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ')}
            </span>
            <br />
            <span className="muted">= {d.unchanged.join(', ')}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

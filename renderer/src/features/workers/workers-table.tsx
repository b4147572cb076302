import { memo, useState } from 'react';
import type { EnvironmentView } from '../../../../shared/model/environment';
import type { ProcessorStatus } from '../../../../shared/model/workers';
import { formatClock, formatCount } from '../../components/format';
import { StatusChip } from '../../components/status-chip';
import { useNow } from '../../components/use-now';
import { useServices } from '../../services';
import { configureWorker, pauseWorker, resumeWorker, startWorkers, stopWorkers } from '../../actions/worker-actions';
import { selectEnvironment } from '../../stores/environments.logic';
import { navigate } from '../../stores/navigation.logic';
import { describeProcessorState, displayStateOf, formatRate, openCircuitsOf, settingsChange } from '../../stores/workers.logic';

const COUNTERS: { key: 'inFlight' | keyof ProcessorStatus['counters']; label: string; title: string }[] = [
  { key: 'inFlight', label: 'In flight', title: 'Messages being handled or waiting for a retry right now' },
  { key: 'processed', label: 'Processed', title: 'Handled successfully and acknowledged since the processor started' },
  { key: 'retries', label: 'Retries', title: 'Retries scheduled after a failed attempt' },
  { key: 'deadLettered', label: 'Dead letters', title: 'Sent to a dead-letter queue (invalid, or failed past its retries)' },
  { key: 'duplicates', label: 'Duplicates', title: 'Deliveries skipped: their id was already processed' },
  { key: 'reclaimed', label: 'Reclaimed', title: 'Entries taken over from a consumer that went away, or redelivered by RabbitMQ' },
];

/** One row per processor of an environment, in triage order (failing first). */
export function WorkersTable({ env, processors, blocked }: { env: EnvironmentView; processors: readonly ProcessorStatus[]; blocked: string | null }) {
  const now = useNow(1000);
  return (
    <div className="workers-scroll">
      <table className="data-table workers-table" data-testid={`workers-table-${env.id}`}>
        <thead>
          <tr>
            <th scope="col">Processor</th>
            <th scope="col">State</th>
            <th scope="col" className="num" title="Messages per second over the last few seconds">
              Rate/s
            </th>
            {COUNTERS.map((c) => (
              <th key={c.key} scope="col" className="num" title={c.title}>
                {c.label}
              </th>
            ))}
            <th scope="col" title="Concurrency: parallel consumer loops. Batch: entries per read (or RabbitMQ prefetch).">
              Concurrency · batch
            </th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {processors.map((processor) => (
            <WorkerRow key={processor.name} env={env} processor={processor} blocked={blocked} now={now} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

type RowAction = 'start' | 'pause' | 'resume' | 'stop' | 'configure';

const WorkerRow = memo(function WorkerRow({
  env,
  processor,
  blocked,
  now,
}: {
  env: EnvironmentView;
  processor: ProcessorStatus;
  blocked: string | null;
  now: number;
}) {
  const services = useServices();
  const { stores } = services;
  const [busy, setBusy] = useState<RowAction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [typed, setTyped] = useState<{ concurrency: string; batch: string } | null>(null);
  const state = displayStateOf(processor);
  const badge = describeProcessorState(processor);
  const circuits = openCircuitsOf(processor, now);
  const isUnavailable = state === 'unavailable';
  const fields = typed ?? { concurrency: String(processor.settings.concurrency), batch: String(processor.settings.batch) };
  const change = settingsChange(processor.settings, fields);
  const hasChange = change.ok && Object.keys(change.settings).length > 0;

  const run = async (action: RowAction) => {
    setBusy(action);
    setError(null);
    const answer =
      action === 'start'
        ? await startWorkers(services, env.id, { only: [processor.name] })
        : action === 'stop'
          ? await stopWorkers(services, env.id, processor.name)
          : action === 'pause'
            ? await pauseWorker(services, env.id, processor.name)
            : action === 'resume'
              ? await resumeWorker(services, env.id, processor.name)
              : await configureWorker(services, env.id, processor.name, change.ok ? change.settings : {});
    setBusy(null);
    if (answer.ok) {
      if (action === 'configure') setTyped(null);
    } else {
      setError(`${ACTION_WORDS[action]} failed — ${answer.error.code}: ${answer.error.message}`);
    }
  };
  const openDeadLetters = () => {
    stores.environments.setState((s) => selectEnvironment(s, env.id), true);
    stores.navigation.setState((s) => navigate(s, 'deadletters'), true);
  };
  const operateTitle = (ok: string) => blocked ?? (isUnavailable ? `Cannot run here: ${processor.unavailable ?? ''}` : ok);
  const isRunningLike = state === 'running' || state === 'failing' || state === 'starting';

  return (
    <tr className={`workers-row workers-row-${state}`} data-testid={`worker-row-${processor.name}`} data-state={state}>
      <th scope="row" className="name-cell workers-name-cell">
        <div>{processor.title}</div>
        <div className="muted small mono workers-source" title="Where it reads from: stream or queue">
          {processor.source}
        </div>
        {isUnavailable ? null : (
          <>
            <div className="muted small mono" title="Consumer group (Redis), or competing consumers on a RabbitMQ queue">
              {processor.group ? `group ${processor.group}` : 'competing consumers'}
            </div>
            <div className="muted small mono" title="This console's consumer name">
              {processor.consumer}
            </div>
          </>
        )}
      </th>
      <td className="workers-state-cell" colSpan={isUnavailable ? COUNTERS.length + 4 : undefined}>
        <StatusChip tone={badge.tone} text={badge.text} testId="worker-state" />
        {isUnavailable ? (
          <span className="muted small workers-reason" data-testid="worker-unavailable">
            {processor.unavailable}
          </span>
        ) : null}
        {processor.lastError && (state === 'failing' || state === 'running' || state === 'paused') ? (
          <div className={state === 'failing' ? 'small bad workers-error' : 'small muted workers-error'} data-testid="worker-last-error" title={`Last error at ${formatClock(processor.lastError.at)}`}>
            {state === 'failing' ? '' : 'last error: '}
            {processor.lastError.message} <span className="muted">({formatClock(processor.lastError.at)})</span>
          </div>
        ) : null}
        {processor.notes?.length && !isUnavailable ? (
          <ul className="workers-notes" data-testid="worker-notes">
            {processor.notes.map((note) => (
              <li key={note} className="small warn-text">
                {note}
              </li>
            ))}
          </ul>
        ) : null}
        {circuits.length > 0 ? (
          <ul className="workers-circuits" data-testid="worker-circuits">
            {circuits.map((c) => (
              <li key={c.destination} className="small">
                <span className="warn-text">circuit open</span> <span className="mono">{c.destination}</span> until {formatClock(c.until)}
              </li>
            ))}
          </ul>
        ) : null}
      </td>
      {isUnavailable ? null : (
        <>
          <td className="num" data-testid="worker-rate">
            {formatRate(processor.ratePerSec)}
          </td>
          {COUNTERS.map((c) => {
            const value = c.key === 'inFlight' ? processor.inFlight : processor.counters[c.key];
            if (c.key === 'deadLettered' && value > 0) {
              return (
                <td key={c.key} className="num" data-testid={`worker-${c.key}`}>
                  <button type="button" className="rabbit-link-button workers-dlq-link" title="Open the Dead letters view of this environment" onClick={openDeadLetters}>
                    {formatCount(value)}
                  </button>
                </td>
              );
            }
            return (
              <td key={c.key} className={value === 0 ? 'num muted' : 'num'} data-testid={`worker-${c.key}`}>
                {formatCount(value)}
              </td>
            );
          })}
          <td className="nowrap">
            <input
              className="input workers-setting"
              aria-label={`Concurrency of ${processor.title}`}
              data-testid="worker-concurrency"
              inputMode="numeric"
              value={fields.concurrency}
              disabled={blocked !== null || isUnavailable}
              title={operateTitle('Parallel consumer loops (1–32)')}
              aria-invalid={!change.ok}
              onChange={(e) => setTyped({ ...fields, concurrency: e.target.value })}
            />{' '}
            <input
              className="input workers-setting"
              aria-label={`Batch size of ${processor.title}`}
              data-testid="worker-batch"
              inputMode="numeric"
              value={fields.batch}
              disabled={blocked !== null || isUnavailable}
              title={operateTitle('Entries per read, or RabbitMQ prefetch (1–5,000)')}
              aria-invalid={!change.ok}
              onChange={(e) => setTyped({ ...fields, batch: e.target.value })}
            />{' '}
            {typed !== null ? (
              <>
                <button type="button" className="button" data-testid="worker-apply" disabled={blocked !== null || busy !== null || !hasChange} title={change.ok ? operateTitle('Apply with workers.configure') : change.message} onClick={() => void run('configure')}>
                  {busy === 'configure' ? 'Applying…' : 'Apply'}
                </button>{' '}
                <button type="button" className="button button-quiet" onClick={() => setTyped(null)} aria-label={`Undo settings typed for ${processor.title}`}>
                  ✕
                </button>
              </>
            ) : null}
            {!change.ok ? <div className="small bad">{change.message}</div> : null}
          </td>
          <td className="nowrap">
            <span className="streams-actions">
              {!isRunningLike && state !== 'paused' ? (
                <button type="button" className="button" data-testid="worker-start" disabled={blocked !== null || isUnavailable || busy !== null} title={operateTitle(`Start ${processor.title}`)} onClick={() => void run('start')}>
                  Start
                </button>
              ) : state === 'paused' ? (
                <button type="button" className="button" data-testid="worker-resume" disabled={blocked !== null || busy !== null} title={operateTitle('Take new messages again')} onClick={() => void run('resume')}>
                  Resume
                </button>
              ) : (
                <button type="button" className="button" data-testid="worker-pause" disabled={blocked !== null || busy !== null} title={operateTitle('Finish what is in hand, take nothing new')} onClick={() => void run('pause')}>
                  Pause
                </button>
              )}
              <button
                type="button"
                className="button button-quiet"
                data-testid="worker-stop"
                disabled={state === 'stopped' || isUnavailable || busy !== null}
                title={state === 'stopped' || isUnavailable ? 'Not running' : 'Stop: entries in hand are finished, pending ones stay for other consumers'}
                onClick={() => void run('stop')}
              >
                Stop
              </button>
            </span>
            {busy !== null && busy !== 'configure' ? <div className="small muted">{ACTION_WORDS[busy]}…</div> : null}
            {error ? (
              <div className="small bad workers-error" role="alert" data-testid="worker-error">
                {error}
              </div>
            ) : null}
          </td>
        </>
      )}
    </tr>
  );
});

const ACTION_WORDS: Record<RowAction, string> = { start: 'Start', pause: 'Pause', resume: 'Resume', stop: 'Stop', configure: 'Apply settings' };

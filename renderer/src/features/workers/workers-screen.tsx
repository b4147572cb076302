import { memo, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { EnvironmentView } from '../../../../shared/model/environment';
import type { WorkersView } from '../../../../shared/model/workers';
import { startWorkers, stopWorkers } from '../../actions/worker-actions';
import { formatClock } from '../../components/format';
import { freshness } from '../../components/freshness';
import { useNow } from '../../components/use-now';
import { reachability } from '../../stores/overview.logic';
import { useServices } from '../../services';
import { BACKLOG_CONFIRM_ABOVE, sortProcessors, startBacklog, summarizeWorkers, workersBlockedReason, workersSummaryText } from '../../stores/workers.logic';
import { loadWorkers } from '../../stores/sync';
import { DestinationsPanel } from './destinations-panel';
import { BacklogNote, StartBacklogDialog } from './start-backlog';
import { WorkersTable } from './workers-table';

/**
 * The pipeline's consumer workers run by this console, per environment (or the one chosen in the
 * top bar): what each processor is doing, failing ones first, with start, pause and stop.
 */
export function WorkersScreen() {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (state) => state.environments);
  const selectedId = useStore(stores.environments, (state) => state.selectedId);
  const byEnv = useStore(stores.workers, (state) => state.byEnv);
  const shown = selectedId === null ? environments : environments.filter((env) => env.id === selectedId);
  const views = useMemo(() => shown.flatMap((env) => (byEnv[env.id] ? [byEnv[env.id]!] : [])), [shown, byEnv]);
  const summary = summarizeWorkers(views);
  return (
    <section className="screen-section" aria-labelledby="workers-title" data-testid="workers-screen">
      <div className="workers-heading">
        <h1 id="workers-title" className="screen-title">
          Workers
        </h1>
        <p className={summary.failing > 0 ? 'workers-summary workers-summary-bad' : 'workers-summary'} data-testid="workers-summary" role="status">
          {views.length === 0 ? 'Loading…' : workersSummaryText(summary)}
          {views.length > 0 && shown.length > 1 ? <span className="muted"> · {shown.length} environments</span> : null}
        </p>
      </div>
      <p className="note">
        Consumers of the pipeline (seed 000 streams, seed 002 queues) run by this console. Several consoles or <span className="mono">watchfloor work</span> processes share the work
        through consumer groups; stopping here leaves pending entries for the others.
      </p>
      {shown.length === 0 ? <p className="empty">No environment. Add one on the Environments screen.</p> : null}
      {shown.map((env) => (
        <WorkersEnvironment key={env.id} env={env} isOnly={shown.length === 1} />
      ))}
    </section>
  );
}

const WorkersEnvironment = memo(function WorkersEnvironment({ env, isOnly }: { env: EnvironmentView; isOnly: boolean }) {
  const services = useServices();
  const { client, stores } = services;
  const view = useStore(stores.workers, (state) => state.byEnv[env.id]);
  const loadError = useStore(stores.workers, (state) => state.errors[env.id]);
  const [busy, setBusy] = useState<'start' | 'stop' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fromStart, setFromStart] = useState(false);
  const blocked = workersBlockedReason(env);
  const overview = useStore(stores.overview, (state) => state.byEnv[env.id]);
  const reach = reachability(overview);
  const [isAsking, setIsAsking] = useState(false);
  const processors = useMemo(() => (view ? sortProcessors(view.processors) : []), [view]);
  const summary = useMemo(() => summarizeWorkers(view ? [view] : []), [view]);
  const canStart = view ? view.processors.some((p) => p.state === 'stopped' && !p.unavailable) : false;
  const canStop = view ? view.isRunning || view.processors.some((p) => p.state !== 'stopped') : false;
  const backlog = useMemo(() => startBacklog(view?.processors ?? [], overview, fromStart), [view, overview, fromStart]);

  const callAll = (action: 'start' | 'stop') => (action === 'start' ? startWorkers(services, env.id, { fromStart }) : stopWorkers(services, env.id));
  const runAll = async (action: 'start' | 'stop') => {
    setBusy(action);
    setError(null);
    const answer = await callAll(action);
    setBusy(null);
    if (!answer.ok) setError(`${action === 'start' ? 'Start all' : 'Stop all'} failed — ${answer.error.code}: ${answer.error.message}`);
  };

  return (
    <section className="rabbit-env workers-env" aria-label={`Workers of ${env.name}`} data-testid={`workers-env-${env.id}`} style={{ borderLeftColor: env.colour }}>
      <div className="rabbit-env-header">
        <h2 className="rabbit-env-name">{env.name}</h2>
        {env.readOnly ? (
          <span className="tag tag-production" title={blocked ?? 'Write actions are refused on this environment'}>
            READ-ONLY
          </span>
        ) : null}
        {/* With one environment the line on top already says it. */}
        {view && !isOnly ? (
          <span className={summary.failing > 0 ? 'small bad' : 'small muted'} data-testid={`workers-env-summary-${env.id}`}>
            {workersSummaryText(summary)}
          </span>
        ) : null}
        {view ? (
          <span className="muted small" title="Where the workers run: a worker thread keeps a busy pipeline from stalling this window">
            {view.isolation === 'thread' ? 'worker thread' : 'in-process'} · <ViewAge view={view} isActive={summary.running + summary.starting + summary.paused + summary.failing > 0} />
          </span>
        ) : null}
        <span className="workers-spacer" />
        <span className="streams-actions" title={blocked ?? undefined}>
          <label className="small" title="A consumer group this start creates begins at the stream's first entry, so its history is processed (otherwise at its end: new entries only). Existing groups keep their position.">
            <input type="checkbox" data-testid={`workers-from-start-${env.id}`} checked={fromStart} disabled={blocked !== null || busy !== null} onChange={(e) => setFromStart(e.target.checked)} /> From the first entry
          </label>
          <button
            type="button"
            className="button button-primary"
            data-testid={`workers-start-all-${env.id}`}
            disabled={blocked !== null || busy !== null || !canStart}
            title={blocked ?? (canStart ? (reach.allDown ? `Start every processor that can run here — ${reach.down.join(', ')} not reachable: they will wait for it` : 'Start every processor that can run here') : 'Every processor that can run here is already started')}
            onClick={() => (backlog.total > BACKLOG_CONFIRM_ABOVE ? setIsAsking(true) : void runAll('start'))}
          >
            {busy === 'start' ? 'Starting…' : 'Start all'}
          </button>
          <button
            type="button"
            className="button"
            data-testid={`workers-stop-all-${env.id}`}
            disabled={busy !== null || !canStop}
            title={canStop ? 'Stop every processor: entries in hand are finished, pending ones stay for other consumers' : 'No processor is running'}
            onClick={() => void runAll('stop')}
          >
            {busy === 'stop' ? 'Stopping…' : 'Stop all'}
          </button>
        </span>
      </div>
      {reach.down.length > 0 && !blocked ? (
        <p className={reach.allDown ? 'form-error' : 'note'} data-testid={`workers-brokers-down-${env.id}`}>
          {reach.down.join(', ')} {reach.down.length === 1 ? 'is' : 'are'} not reachable: processors on {reach.down.length === 1 ? 'it' : 'them'} cannot read or write, and started now they only wait until the broker is back.
        </p>
      ) : null}
      {canStart && !blocked ? <BacklogNote backlog={backlog} envId={env.id} /> : null}
      {isAsking ? (
        <StartBacklogDialog
          envName={env.name}
          backlog={backlog}
          onCancel={() => setIsAsking(false)}
          onDone={() => setIsAsking(false)}
          run={async () => {
            const answer = await callAll('start');
            return answer.ok ? { ok: true, text: 'started' } : { ok: false, text: `${answer.error.code}: ${answer.error.message}` };
          }}
        />
      ) : null}
      {blocked ? (
        <p className="note" data-testid={`workers-blocked-${env.id}`}>
          {blocked}
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert" data-testid={`workers-error-${env.id}`}>
          {error}
        </p>
      ) : null}
      {loadError ? (
        <p className="form-error" role="alert" data-testid={`workers-load-error-${env.id}`}>
          Could not load the workers: {loadError}{' '}
          <button type="button" className="button button-quiet" onClick={() => void loadWorkers(client, stores, env.id)}>
            Retry
          </button>
        </p>
      ) : null}
      {view ? <WorkersTable env={env} processors={processors} blocked={blocked} /> : loadError ? null : <p className="empty">Loading workers…</p>}
      <DestinationsPanel env={env} />
    </section>
  );
});

/**
 * "updated 3 s ago", ticking. Running processors publish four times a second, so a view older than
 * 10 s while they run is marked stale; with nothing running the view only changes on an action.
 */
function ViewAge({ view, isActive }: { view: WorkersView; isActive: boolean }) {
  const now = useNow(1000);
  const fresh = freshness(view.at, now, 1000);
  if (!isActive) return <span title={`as of ${formatClock(view.at)}`}>nothing running</span>;
  return fresh.isStale ? (
    <span className="stale" data-testid="workers-view-stale" title={`last view ${formatClock(view.at)}`}>
      no update — {fresh.label}
    </span>
  ) : (
    <span title={`last view ${formatClock(view.at)}`}>{fresh.label}</span>
  );
}

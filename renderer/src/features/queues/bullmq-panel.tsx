import { memo, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { BullQueueInfo } from '../../../../shared/model/bullmq';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { ActionDialog } from '../../components/action-dialog';
import { formatClock, formatCount } from '../../components/format';
import { Sparkline } from '../../components/sparkline';
import { TimeWindowSelector, useTimeWindow } from '../../components/time-range';
import { latestOf, usePolledCall } from '../../components/use-polled-call';
import { useServices } from '../../services';
import { backlogOf, bullBlockedReason, bullChartRows, sortBullQueues, type BullSortKey } from '../../stores/bullmq.logic';
import { cleanBullQueue, drainBullQueue, promoteBullQueue, setBullQueuePaused } from '../../actions/queue-actions';
import { BrokerHeader } from '../overview/broker-header';
import { BullChart, StoredBullHistory } from './bull-history-chart';
import { BullJobs } from './bull-jobs';

const COLUMNS: { key: Exclude<BullSortKey, 'name'>; label: string; title: string }[] = [
  { key: 'waiting', label: 'Waiting', title: 'Jobs waiting for a worker' },
  { key: 'prioritized', label: 'Prioritized', title: 'Waiting jobs with a priority' },
  { key: 'delayed', label: 'Delayed', title: 'Jobs scheduled for later (or backing off before a retry)' },
  { key: 'active', label: 'Active', title: 'Jobs a worker is processing now' },
  { key: 'failed', label: 'Failed', title: 'Jobs that failed after their last attempt' },
  { key: 'completed', label: 'Completed', title: 'Jobs completed and still kept' },
];
const EMPTY: readonly number[] = [];

/** BullMQ queues (seed 003) of every environment with Redis (or the one chosen in the top bar). */
export function BullQueuesPanel() {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (state) => state.environments);
  const selectedId = useStore(stores.environments, (state) => state.selectedId);
  const shown = (selectedId === null ? environments : environments.filter((env) => env.id === selectedId)).filter((env) => env.redis !== null);
  return (
    <section className="rabbit-panel" aria-labelledby="bull-title" data-testid="bull-panel">
      <h2 id="bull-title" className="rabbit-panel-title">
        BullMQ
      </h2>
      {shown.length === 0 ? <p className="empty">No environment with Redis.</p> : null}
      {shown.map((env) => (
        <BullEnvironment key={env.id} env={env} />
      ))}
    </section>
  );
}

const BullEnvironment = memo(function BullEnvironment({ env }: { env: EnvironmentView }) {
  const { stores } = useServices();
  const overview = useStore(stores.bullmq, (state) => state.byEnv[env.id]);
  const backlog = useStore(stores.bullmq, (state) => state.backlog[env.id]);
  const [selected, setSelected] = useState<string | null>(null);
  const [sort, setSort] = useState<{ key: BullSortKey; isDescending: boolean }>({ key: 'name', isDescending: false });
  const queues = overview?.queues ?? null;
  const sorted = useMemo(() => (queues ? sortBullQueues(queues, sort.key, sort.isDescending) : null), [queues, sort]);
  const isConnected = overview?.status.state === 'connected';
  const header = (key: BullSortKey, label: string, className?: string, title?: string) => (
    <th scope="col" className={className} title={title} aria-sort={sort.key === key ? (sort.isDescending ? 'descending' : 'ascending') : 'none'}>
      <button
        type="button"
        className="rabbit-sort-button"
        data-testid={`bull-sort-${key}`}
        onClick={() => setSort((s) => (s.key === key ? { key, isDescending: !s.isDescending } : { key, isDescending: key !== 'name' }))}
      >
        {label}
        {sort.key === key ? <span aria-hidden="true">{sort.isDescending ? ' ▼' : ' ▲'}</span> : null}
      </button>
    </th>
  );
  return (
    <section className="rabbit-env" aria-label={`BullMQ of ${env.name}`} data-testid={`bull-env-${env.id}`} style={{ borderLeftColor: env.colour }}>
      <div className="rabbit-env-header">
        <h3 className="rabbit-env-name">{env.name}</h3>
        {env.readOnly ? (
          <span className="tag tag-production" title="Write actions are refused on this environment">
            READ-ONLY
          </span>
        ) : null}
        <BrokerHeader title="Redis" status={overview?.status} staleSince={overview?.staleSince ?? null} testId={`bull-status-${env.id}`} />
        {overview ? <span className="muted small">queues under {overview.prefix}:</span> : null}
      </div>
      {overview?.truncated ? <p className="note rabbit-note-warn">Discovery stopped at its limit: not every BullMQ queue is listed.</p> : null}
      {!overview || sorted === null ? (
        <p className="empty">{overview && !isConnected ? 'No BullMQ data: Redis cannot be read right now.' : 'Looking for BullMQ queues…'}</p>
      ) : sorted.length === 0 ? (
        <p className="empty" data-testid="bull-none">
          No BullMQ queue under {overview.prefix}: yet. Demo traffic (Overview) creates the seed 003 queues.
        </p>
      ) : (
        <table className={overview.staleSince !== null ? 'data-table rabbit-table is-stale' : 'data-table rabbit-table'} data-testid="bull-table">
          <thead>
            <tr>
              {header('name', 'Queue')}
              {COLUMNS.map((c) => header(c.key, c.label, 'num', c.title))}
              <th scope="col">Backlog, last minute</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((queue) => (
              <BullRow
                key={queue.name}
                queue={queue}
                samples={backlog?.[queue.name] ?? EMPTY}
                isSelected={queue.name === selected}
                onSelect={(name) => setSelected((current) => (current === name ? null : name))}
              />
            ))}
          </tbody>
        </table>
      )}
      {selected !== null ? (
        <BullQueueDetail
          key={selected}
          env={env}
          queue={selected}
          live={queues?.find((q) => q.name === selected) ?? null}
          isListed={queues !== null}
          isConnected={isConnected}
          onClose={() => setSelected(null)}
        />
      ) : null}
    </section>
  );
});

const BullRow = memo(function BullRow({ queue, samples, isSelected, onSelect }: { queue: BullQueueInfo; samples: readonly number[]; isSelected: boolean; onSelect: (name: string) => void }) {
  const classes = ['rabbit-row', queue.isDeadLetter ? 'row-dlq' : '', isSelected ? 'rabbit-row-selected' : ''].filter(Boolean).join(' ');
  return (
    <tr className={classes} data-testid={`bull-row-${queue.name}`} onClick={() => onSelect(queue.name)} aria-selected={isSelected}>
      <th scope="row" className="name-cell">
        <button type="button" className="rabbit-link-button mono" onClick={(e) => (e.stopPropagation(), onSelect(queue.name))} aria-expanded={isSelected}>
          {queue.name}
        </button>
        {queue.isDeadLetter ? <span className="tag tag-dlq">DLQ</span> : null}
        {queue.isPaused ? (
          <span className="tag tag-paused" data-testid="bull-paused" title="Workers take no new job from this queue">
            PAUSED
          </span>
        ) : null}
      </th>
      {COLUMNS.map((c) => (
        <td key={c.key} className={c.key === 'failed' && queue.failed > 0 ? 'num bad' : 'num'} data-testid={`bull-${c.key}`}>
          {formatCount(queue[c.key])}
        </td>
      ))}
      <td>
        <Sparkline values={samples} label={`Backlog of ${queue.name} over the last minute`} />
      </td>
    </tr>
  );
});

type BullAction = 'pause' | 'resume' | 'promote' | 'clean' | 'drain';

function BullQueueDetail({
  env,
  queue,
  live,
  isListed,
  isConnected,
  onClose,
}: {
  env: EnvironmentView;
  queue: string;
  live: BullQueueInfo | null;
  isListed: boolean;
  isConnected: boolean;
  onClose: () => void;
}) {
  const services = useServices();
  const range = useTimeWindow(env);
  const { liveWindow } = range;
  const [action, setAction] = useState<BullAction | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  // The live history is always polled (it also tells a queue deleted while open); a stored range is shown from its own poll.
  const history = usePolledCall('bullmq.history', { envId: env.id, queue, windowSeconds: liveWindow, maxPoints: 180 }, `${env.id}\u0000${queue}\u0000${liveWindow}`);
  const current = latestOf(history);
  const isGone = (current?.gone ?? false) || (isListed && isConnected && live === null);
  const chart = useMemo(() => (current ? bullChartRows(current) : null), [current]);
  const blocked = bullBlockedReason(env, isConnected, isGone);
  const done = (text: string) => {
    setAction(null);
    setOutcome(`${formatClock(Date.now())} — ${text}`);
  };
  const failure = (error: { code: string; message: string }) => ({ ok: false as const, text: `${error.code}: ${error.message}` });
  const button = (name: BullAction, label: string, isDisabled = false, className = 'button') => (
    <button type="button" className={className} data-testid={`bull-${name}`} disabled={blocked !== null || isDisabled} onClick={() => setAction(name)}>
      {label}
    </button>
  );

  return (
    <section className="rabbit-detail" data-testid="bull-detail" aria-label={`BullMQ queue ${queue}`}>
      <header className="rabbit-detail-header">
        <h4 className="rabbit-detail-title mono">{queue}</h4>
        {live?.isPaused ? <span className="tag tag-paused">PAUSED</span> : null}
        {live ? (
          <span className="muted small">
            backlog {formatCount(backlogOf(live))} · active {formatCount(live.active)} · failed {formatCount(live.failed)} · completed {formatCount(live.completed)}
          </span>
        ) : null}
        <span className="spacer" />
        <TimeWindowSelector state={range} className="rabbit-segmented" testIdPrefix="bull-" />
        <span title={blocked ?? undefined} className="streams-actions">
          {live?.isPaused ? button('resume', 'Resume…') : button('pause', 'Pause…')}
          {button('promote', 'Promote delayed…', (live?.delayed ?? 0) === 0)}
          {button('clean', 'Clean…')}
          {button('drain', 'Drain…', false, 'button button-danger')}
        </span>
        <button type="button" className="button button-quiet" onClick={onClose} aria-label="Close queue detail">
          ✕
        </button>
      </header>
      {blocked && env.readOnly ? (
        <p className="note" data-testid="bull-blocked">
          {blocked}
        </p>
      ) : null}
      {outcome ? (
        <p className="note rabbit-note-ok" role="status" data-testid="bull-result">
          {outcome}
        </p>
      ) : null}
      {isGone ? (
        <p className="banner banner-bad" role="status" data-testid="bull-gone">
          This queue was deleted (obliterated) while you were watching it. Its history up to the deletion is shown; nothing new will arrive.
        </p>
      ) : null}
      {range.stored ? (
        <StoredBullHistory env={env} queue={queue} range={range.stored} />
      ) : (
        <>
          {history.state === 'loading' ? <p className="empty">Loading history…</p> : null}
          {history.state === 'error' && !current ? (
            <p className="empty">{history.code === 'NOT_FOUND' ? 'No history yet: the queue has not been sampled.' : `History unavailable: ${history.message}`}</p>
          ) : null}
          {chart ? <BullChart chart={chart} formatAt={formatClock} /> : null}
        </>
      )}
      {isGone ? null : <BullJobs env={env} queue={queue} live={live} blocked={blocked} onDone={(text) => setOutcome(`${formatClock(Date.now())} — ${text}`)} />}
      {action === 'pause' || action === 'resume' ? (
        <ActionDialog
          title={`${action === 'pause' ? 'Pause' : 'Resume'} ${queue}?`}
          confirmLabel={action === 'pause' ? 'Pause queue' : 'Resume queue'}
          isDangerous={false}
          isReady
          onCancel={() => setAction(null)}
          onDone={done}
          run={async () => {
            const r = await setBullQueuePaused(services, env.id, queue, action === 'pause');
            return r.ok ? { ok: true, text: r.value.isPaused ? `${queue} paused` : `${queue} resumed` } : failure(r.error);
          }}
        >
          <p>
            {action === 'pause'
              ? 'Workers finish the jobs they hold and take no new one; new jobs keep arriving and wait. Every worker of every host is affected.'
              : 'Workers start taking waiting jobs again.'}
          </p>
        </ActionDialog>
      ) : action === 'promote' ? (
        <ActionDialog
          title={`Promote the delayed jobs of ${queue}?`}
          confirmLabel="Promote"
          isDangerous={false}
          isReady
          onCancel={() => setAction(null)}
          onDone={done}
          run={async () => {
            const r = await promoteBullQueue(services, env.id, queue);
            return r.ok ? { ok: true, text: `promoted ${formatCount(r.value.promoted)} delayed jobs to waiting` } : failure(r.error);
          }}
        >
          <p>Every delayed job ({formatCount(live?.delayed ?? 0)} now), including retries backing off, becomes waiting at once.</p>
        </ActionDialog>
      ) : action === 'clean' ? (
        <CleanDialog envId={env.id} queue={queue} live={live} onCancel={() => setAction(null)} onDone={done} />
      ) : action === 'drain' ? (
        <DrainDialog envId={env.id} queue={queue} live={live} onCancel={() => setAction(null)} onDone={done} />
      ) : null}
    </section>
  );
}

function CleanDialog({ envId, queue, live, onCancel, onDone }: { envId: string; queue: string; live: BullQueueInfo | null; onCancel: () => void; onDone: (text: string) => void }) {
  const services = useServices();
  const [status, setStatus] = useState<'completed' | 'failed'>('completed');
  const [hours, setHours] = useState('24');
  const [typed, setTyped] = useState('');
  const value = Number(hours);
  const isValid = hours.trim() !== '' && Number.isFinite(value) && value >= 0 && typed === queue;
  return (
    <ActionDialog
      title={`Clean ${queue}`}
      confirmLabel="Clean"
      isReady={isValid}
      onCancel={onCancel}
      onDone={onDone}
      run={async () => {
        const r = await cleanBullQueue(services, envId, queue, { status, olderThanMs: Math.round(value * 3_600_000) }, typed);
        return r.ok ? { ok: true, text: `removed ${formatCount(r.value.removed)} ${status} jobs older than ${hours} h` } : { ok: false, text: `${r.error.code}: ${r.error.message}` };
      }}
    >
      <p>Removes finished jobs (and their data) for good. At most 10,000 per run.</p>
      <label className="label-text" htmlFor="bull-clean-status">
        Jobs
      </label>
      <select id="bull-clean-status" className="input" data-testid="bull-clean-status" value={status} onChange={(e) => setStatus(e.target.value as 'completed' | 'failed')}>
        <option value="completed">completed ({formatCount(live?.completed ?? 0)} now)</option>
        <option value="failed">failed ({formatCount(live?.failed ?? 0)} now)</option>
      </select>
      <label className="label-text" htmlFor="bull-clean-hours">
        Finished more than (hours) ago
      </label>
      <input id="bull-clean-hours" className="input" data-testid="bull-clean-hours" inputMode="decimal" value={hours} onChange={(e) => setHours(e.target.value)} />
      <label className="label-text" htmlFor="bull-clean-confirm">
        Type the queue name to confirm
      </label>
      <input id="bull-clean-confirm" className="input mono" data-testid="bull-clean-confirm" value={typed} autoComplete="off" spellCheck={false} placeholder={queue} onChange={(e) => setTyped(e.target.value)} />
    </ActionDialog>
  );
}

function DrainDialog({ envId, queue, live, onCancel, onDone }: { envId: string; queue: string; live: BullQueueInfo | null; onCancel: () => void; onDone: (text: string) => void }) {
  const services = useServices();
  const [typed, setTyped] = useState('');
  const [includeDelayed, setIncludeDelayed] = useState(false);
  return (
    <ActionDialog
      title={`Drain ${queue}?`}
      confirmLabel="Drain queue"
      isReady={typed === queue}
      onCancel={onCancel}
      onDone={onDone}
      run={async () => {
        const r = await drainBullQueue(services, envId, queue, includeDelayed, typed);
        return r.ok ? { ok: true, text: `drained about ${formatCount(r.value.removed)} jobs` } : { ok: false, text: `${r.error.code}: ${r.error.message}` };
      }}
    >
      <p>
        Deletes every waiting job ({formatCount((live?.waiting ?? 0) + (live?.prioritized ?? 0))} now) of <span className="mono">{queue}</span>. Active jobs finish; it cannot be undone.
      </p>
      <label className="streams-force">
        <input type="checkbox" checked={includeDelayed} data-testid="bull-drain-delayed" onChange={(e) => setIncludeDelayed(e.target.checked)} /> Delayed jobs too ({formatCount(live?.delayed ?? 0)})
      </label>
      <label className="label-text" htmlFor="bull-drain-confirm">
        Type the queue name to confirm
      </label>
      <input id="bull-drain-confirm" className="input mono" data-testid="bull-drain-confirm" value={typed} autoComplete="off" spellCheck={false} placeholder={queue} onChange={(e) => setTyped(e.target.value)} />
    </ActionDialog>
  );
}

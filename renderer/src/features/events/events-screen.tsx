import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { formatCount } from '../../components/format';
import { EnvPicker, usePageEnvironment } from '../../components/env-picker';
import { useServices } from '../../services';
import { openEditForm } from '../../stores/navigation.logic';
import { EventsChart } from './events-chart';
import { AssetMetricsPanel } from './asset-metrics';
import { EventsTable } from './events-table';
import { emptyFilter, filterParams, hourlyBars, rangeOf, RANGES, SEVERITIES, toggleSeverity, type EventsFilter, type EventsProblem, type RangeKey } from './events.logic';
import { useEventHistory } from './use-event-history';

/** How long typing in a text filter waits before asking again. */
const TYPING_MS = 300;

/** The stored event history of one environment's PostgreSQL (issue 17): hourly chart and table, newest first. */
export function EventsScreen() {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (state) => state.environments);
  const { env, pick } = usePageEnvironment(environments);
  const [rangeKey, setRangeKey] = useState<RangeKey>('24h');
  const [now, setNow] = useState(() => Date.now());
  const [draft, setDraft] = useState<EventsFilter>(emptyFilter);
  const [filter, setFilter] = useState<EventsFilter>(emptyFilter);

  // Severities apply at once; typed text once the typing pauses.
  useEffect(() => {
    if (draft === filter) return;
    const timer = setTimeout(() => setFilter(draft), draft.asset === filter.asset && draft.type === filter.type ? 0 : TYPING_MS);
    return () => clearTimeout(timer);
  }, [draft, filter]);

  const setRange = (key: RangeKey) => {
    setRangeKey(key);
    setNow(Date.now());
  };

  return (
    <section className="screen-section events-screen" aria-labelledby="events-title" data-testid="events-screen">
      <div className="screen-header">
        <h1 id="events-title" className="screen-title">
          Events
        </h1>
        {environments.length > 1 ? <EnvPicker candidates={environments} value={env?.id ?? null} onPick={pick} testId="events-env" /> : null}
      </div>
      <div className="events-toolbar">
        <div className="streams-segmented" role="group" aria-label="Time range">
          {RANGES.map((r) => (
            <button key={r.key} type="button" className={r.key === rangeKey ? 'button is-current' : 'button'} aria-pressed={r.key === rangeKey} data-testid={`events-range-${r.key}`} onClick={() => setRange(r.key)}>
              {r.label}
            </button>
          ))}
        </div>
        <input className="input events-field mono" type="search" placeholder="Asset id" aria-label="Asset id" value={draft.asset} onChange={(e) => setDraft({ ...draft, asset: e.target.value })} data-testid="events-asset" spellCheck={false} />
        <input className="input events-field mono" type="search" placeholder="Event type" aria-label="Event type" value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value })} data-testid="events-type" spellCheck={false} />
        <div className="events-severities" role="group" aria-label="Severity">
          {SEVERITIES.map((s) => (
            <button key={s} type="button" className={`sev-chip sev-${s}${draft.severities.includes(s) ? ' is-on' : ''}`} aria-pressed={draft.severities.includes(s)} data-testid={`events-sev-${s}`} onClick={() => setDraft(toggleSeverity(draft, s))}>
              {s}
            </button>
          ))}
          <span className="muted small">{draft.severities.length === 0 ? 'all severities' : ''}</span>
        </div>
        <span className="spacer" />
        <button type="button" className="button" data-testid="events-refresh" onClick={() => setNow(Date.now())}>
          Refresh
        </button>
      </div>
      {env ? <EventsHistory key={env.id} env={env} rangeKey={rangeKey} now={now} filter={filter} /> : <p className="empty">No environment to show.</p>}
    </section>
  );
}

function EventsHistory({ env, rangeKey, now, filter }: { env: EnvironmentView; rangeKey: RangeKey; now: number; filter: EventsFilter }) {
  const range = useMemo(() => rangeOf(rangeKey, now), [rangeKey, now]);
  const params = useMemo(() => filterParams(env.id, range, filter), [env.id, range, filter]);
  const { history, loadOlder } = useEventHistory(params);
  const bars = useMemo(() => (history.state === 'ready' ? hourlyBars(history.hourly.buckets, range) : []), [history, range]);
  const rangeLabel = RANGES.find((r) => r.key === rangeKey)?.words ?? '';

  if (history.state === 'loading')
    return (
      <p className="empty" role="status" data-testid="events-loading">
        Loading stored events…
      </p>
    );
  if (history.state === 'error') return <EventsProblemPanel env={env} problem={history.problem} />;
  const { events, next, older, hourly } = history;
  return (
    <>
      <EventsChart bars={bars} total={hourly.total} range={range} rangeLabel={rangeLabel} />
      {params.asset ? <AssetMetricsPanel env={env} asset={params.asset} range={range} rangeLabel={rangeLabel} /> : null}
      {events.length === 0 ? (
        <p className="empty" data-testid="events-empty">
          No stored events in this range{params.asset || params.severity || params.type ? ' with this filter' : ''}.
        </p>
      ) : (
        <>
          <p className="note" data-testid="events-shown">
            Showing {formatCount(events.length)} of {formatCount(hourly.total)}, newest first, from <strong>{env.name}</strong>’s database.
          </p>
          <EventsTable events={events} />
          <div className="events-more">
            {next ? (
              <button type="button" className="button" data-testid="events-older" disabled={older.state === 'loading'} onClick={loadOlder}>
                {older.state === 'loading' ? 'Loading…' : 'Load older'}
              </button>
            ) : (
              <span className="muted small" data-testid="events-end">
                That is every stored event in this range.
              </span>
            )}
            {older.state === 'error' ? (
              <span className="bad small" role="alert" data-testid="events-older-error">
                {older.problem.title} {older.problem.advice}
              </span>
            ) : null}
          </div>
        </>
      )}
    </>
  );
}

/** An error in words, with the way out: edit the environment, open the Workers view, or try again. */
function EventsProblemPanel({ env, problem }: { env: EnvironmentView; problem: EventsProblem }) {
  const { stores, commands } = useServices();
  return (
    <div className={`events-problem events-problem-${problem.kind}`} role="alert" data-testid="events-problem" data-kind={problem.kind}>
      <p className="events-problem-title">{problem.title}</p>
      <p className="events-problem-advice">{problem.advice}</p>
      {problem.kind === 'no-database' ? (
        <button type="button" className="button" data-testid="events-edit-env" onClick={() => stores.navigation.setState((state) => openEditForm(state, env.id), true)}>
          Edit {env.name}
        </button>
      ) : problem.kind === 'no-table' ? (
        <button type="button" className="button" data-testid="events-open-workers" onClick={() => commands.run('go.workers')}>
          Open Workers
        </button>
      ) : null}
    </div>
  );
}

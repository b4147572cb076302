import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { AlertSummary } from '../../../../shared/model/alerts';
import { describeGroupKey, GROUP_FIELDS, groupAlerts, type AlertGroup, type GroupField } from '../../../../shared/model/alert-groups';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { actOnAlert } from '../../actions/alert-actions';
import { ALERT_COMMANDS, shortcutHint, type AlertsCommandId } from '../../actions/commands';
import { formatCount } from '../../components/format';
import { useServices } from '../../services';
import { EnvPicker, usePageEnvironment } from '../../components/env-picker';
import { DEFAULT_ALERT_FILTER, alertMatcher, heldCount, moveCursor, type AlertFilter, type StatusFilter } from '../../stores/alerts.logic';
import { alertByKey, moveKey, sortedAlertsOf, type SortedAlerts } from '../../stores/alert-index.logic';
import { useFilteredAlerts } from './use-filtered-alerts';
import { loadAlerts } from '../../stores/sync';
import { AlertDetail } from './alert-detail';
import { AlertsTable } from './alerts-table';
import { AlertsCoverage } from './alerts-coverage';
import { AlertGroupsTable } from './alert-groups-table';
import { BulkDialog, EscalateDialog, ResolveDialog, type PendingAction } from './alert-dialogs';
import { NotifyPrefsControl } from './desktop-notifier';
import { ShortcutHelp } from './shortcut-help';
import { useNow } from '../../components/use-now';
import { useSameRedis } from '../../components/use-same-redis';
import { toggleSelection } from '../../components/selection';
import { SavedAlertSearches } from '../searches/saved-alert-searches';

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

/**
 * Triage: the alerts of the selected environment (or all), most urgent first, with filters, an
 * SLA countdown, keyboard-first actions and the alert's detail beside the list.
 */
export function AlertsScreen() {
  const { client, stores, commands } = useServices();
  const environments = useStore(stores.environments, (s) => s.environments);
  const selectedEnvId = useStore(stores.environments, (s) => s.selectedId);
  // Pushes (an escalation storm changes alerts every 100 ms) re-render the list in a render React
  // interrupts for a keystroke, like the filter below: typing never waits behind a push.
  const alertsState = useDeferredValue(useStore(stores.alerts, (s) => s));
  const withRedis = useMemo(() => environments.filter((e) => e.redis !== null), [environments]);
  const { pick } = usePageEnvironment(withRedis);
  const repeats = useSameRedis();
  const chosen = selectedEnvId ?? 'all';
  const isAllScope = chosen === 'all' || !withRedis.some((e) => e.id === chosen);
  // All environments lists an environment that repeats another's Redis and namespace once (under the first profile).
  const envIds = useMemo(() => (isAllScope ? withRedis.filter((e) => !repeats[e.id]).map((e) => e.id) : [chosen]), [isAllScope, chosen, withRedis, repeats]);
  const skipped = isAllScope ? withRedis.filter((e) => repeats[e.id]) : [];
  const [filter, setFilter] = useState<AlertFilter>(DEFAULT_ALERT_FILTER);
  // The fields show each keystroke at once; the list follows in a render React may interrupt
  // when the next keystroke comes (the list, its count and what the actions apply to all use
  // this deferred filter, so they agree with what is shown).
  const listFilter = useDeferredValue(filter);
  const now = useNow(1000);
  // Sorting follows the data only (each environment's sorted list is kept and merged with a
  // push's changes), filtering the data and the filter, neither the clock: the countdowns tick
  // inside the rows without re-filtering 100,000 alerts every second.
  const sortCache = useRef(new Map<string, SortedAlerts>());
  const sorted = useMemo(() => sortedAlertsOf(alertsState, envIds, sortCache.current), [alertsState, envIds]);
  const filterNow = useMemo(() => (alertsState && listFilter ? Date.now() : 0), [alertsState, listFilter]);
  // Past 20,000 alerts filtered in slices between frames: `filtered` says which filter the list shown was made with.
  const filtered = useFilteredAlerts(sorted, listFilter, filterNow);
  const visible = filtered.list;
  // Grouped into incidents (rule + asset + type by default): one row a group, drilled into with Enter.
  const [groupBy, setGroupBy] = useState<readonly GroupField[] | null>(readGroupBy);
  const [openGroup, setOpenGroup] = useState<string | null>(null);
  const [groupCursor, setGroupCursor] = useState<string | null>(null);
  const groups = useMemo(() => (groupBy ? groupAlerts(visible, groupBy) : []), [visible, groupBy]);
  const groupByKey = useMemo(() => new Map(groups.map((g) => [g.key, g])), [groups]);
  const inGroup = groupBy && openGroup ? (groupByKey.get(openGroup) ?? null) : null;
  const isGroupList = groupBy !== null && inGroup === null;
  /** The alert table's rows: the open incident's alerts, or every alert that passes the filters. */
  const listed = inGroup ? inGroup.alerts : visible;
  const [pickedCursor, setCursor] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [selection, setSelection] = useState<ReadonlySet<string>>(new Set());
  const [isHelpOpen, setIsHelpOpen] = useState(false);
  const [pending, setPending] = useState<PendingAction | null>(null);
  const [notice, setNotice] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const search = useRef<HTMLInputElement>(null);
  /** The listed alert a key names (one the filters let through), without a map of every listed alert. */
  const shown = useMemo(() => {
    const matches = alertMatcher(filtered.filter, filtered.now);
    return (key: string): AlertSummary | undefined => {
      const a = alertByKey(alertsState, envIds, key);
      return a && matches(a) ? a : undefined;
    };
  }, [alertsState, envIds, filtered.filter, filtered.now]);
  const keyOf = (a: AlertSummary) => `${a.envId}/${a.id}`;
  // The cursor stays on a listed alert: the first one once the filter or a push took its alert out
  // of the list, none while nothing is listed (the list that follows starts at its top). Worked out
  // while rendering (kept by the effect below), so a filter change renders the list once, not once
  // and again with the cursor moved.
  const isPickedListed = pickedCursor !== null && shown(pickedCursor) !== undefined && (!inGroup || inGroup.alerts.some((a) => keyOf(a) === pickedCursor));
  const cursor = isPickedListed ? pickedCursor : listed.length ? keyOf(listed[0]!) : null;
  // Live updates move alerts out of the list (resolved elsewhere, filtered): count only what an action would touch.
  const selectedShown = useMemo(() => [...selection].filter((k) => shown(k)).length, [selection, shown]);
  const current = cursor ? (shown(cursor) ?? null) : null;
  const opened = openId ? (alertByKey(alertsState, envIds, openId) ?? null) : null;
  const envOf = useCallback((envId: string): EnvironmentView | undefined => environments.find((e) => e.id === envId), [environments]);
  const nameOf = useCallback((envId: string) => envOf(envId)?.name ?? envId, [envOf]);
  const onToggle = useCallback((key: string) => setSelection((s) => toggleSelection(s, key)), []);
  const errors = envIds.flatMap((id) => (alertsState.byEnv[id]?.error ? [`${envOf(id)?.name ?? id}: ${alertsState.byEnv[id]!.error}`] : []));
  const isLoading = envIds.some((id) => !alertsState.byEnv[id]?.isLoaded && !alertsState.byEnv[id]?.error);

  // Environments whose list failed (Redis down at load) are retried every few seconds.
  useEffect(() => {
    const failed = envIds.filter((id) => alertsState.byEnv[id]?.error || !alertsState.byEnv[id]);
    if (!failed.length) return;
    const timer = setTimeout(() => failed.forEach((id) => void loadAlerts(client, stores, id)), alertsState.byEnv[failed[0]!] ? 3000 : 0);
    return () => clearTimeout(timer);
  }, [alertsState, envIds, client, stores]);

  // Keep the cursor on a listed alert, and the incident cursor on a listed incident.
  useEffect(() => {
    if (cursor !== pickedCursor) setCursor(cursor);
  }, [cursor, pickedCursor]);
  useEffect(() => {
    if (groups.length && (!groupCursor || !groupByKey.has(groupCursor))) setGroupCursor(groups[0]!.key);
  }, [groups, groupCursor, groupByKey]);

  const toggleGroup = (g: AlertGroup) =>
    setSelection((s) => {
      const keys = g.alerts.map(keyOf);
      const next = new Set(s);
      if (keys.every((k) => s.has(k))) for (const k of keys) next.delete(k);
      else for (const k of keys) next.add(k);
      return next;
    });
  const chooseGroupBy = (fields: readonly GroupField[] | null) => {
    setGroupBy(fields);
    setOpenGroup(null);
    writeGroupBy(fields);
  };

  /** The alerts an action applies to: the selection, or the one under the cursor. */
  const targets = (): AlertSummary[] => {
    if (selection.size) return [...selection].flatMap((k) => shown(k) ?? []);
    if (isGroupList) return (groupCursor ? groupByKey.get(groupCursor)?.alerts : undefined) ?? [];
    const one = opened ?? current;
    return one ? [one] : [];
  };

  const act = async (a: AlertSummary, action: 'ack' | 'reopen') => {
    const answer = await actOnAlert({ client, stores }, a, { action });
    setNotice(answer.ok ? { tone: 'ok', text: `${a.title}: ${answer.value.status}` } : { tone: 'bad', text: answer.error.message });
    if (!answer.ok && answer.error.code === 'CONFLICT') void loadAlerts(client, stores, a.envId);
  };

  const startAction = (action: 'ack' | 'escalate' | 'resolve') => {
    const chosen = targets();
    if (!chosen.length) return;
    const readOnly = chosen.find((a) => envOf(a.envId)?.readOnly);
    if (readOnly) {
      setNotice({ tone: 'bad', text: `${envOf(readOnly.envId)?.name ?? 'This environment'} is read-only: alerts can be viewed, not changed.` });
      return;
    }
    if (action === 'ack' && chosen.length === 1) {
      if (chosen[0]!.status !== 'open') setNotice({ tone: 'bad', text: `Only an open alert can be acknowledged (this one is ${chosen[0]!.status}).` });
      else void act(chosen[0]!, 'ack');
      return;
    }
    if (action === 'escalate') {
      if (chosen.length > 1) setNotice({ tone: 'bad', text: 'Escalate one alert at a time: it pages people.' });
      else setPending({ kind: 'escalate', alert: chosen[0]! });
      return;
    }
    setPending(chosen.length === 1 && action === 'resolve' ? { kind: 'resolve', alert: chosen[0]! } : { kind: 'bulk', action, alerts: chosen });
  };

  // Keyboard-first triage: the registry's alerts.* commands (ALERT_COMMANDS) run this screen's
  // work while it is shown, and stand aside while one of its action dialogs is open.
  const move = (delta: number) => {
    if (isGroupList) return setGroupCursor(moveCursor(groups.map((g) => g.key), groupCursor, delta));
    const next = moveKey(listed, cursor, delta);
    setCursor(next);
    if (openId && next) setOpenId(next);
  };
  const groupAtCursor = groupCursor ? groupByKey.get(groupCursor) : undefined;
  const triage = useRef<Record<AlertsCommandId, () => void>>(null!);
  triage.current = {
    'alerts.next': () => move(1),
    'alerts.previous': () => move(-1),
    'alerts.open': () => (isGroupList ? groupCursor && setOpenGroup(groupCursor) : cursor && setOpenId(cursor)),
    'alerts.ack': () => startAction('ack'),
    'alerts.escalate': () => startAction('escalate'),
    'alerts.resolve': () => startAction('resolve'),
    'alerts.select': () => (isGroupList ? groupAtCursor && toggleGroup(groupAtCursor) : cursor && setSelection((s) => toggleSelection(s, cursor))),
    'alerts.search': () => search.current?.focus(),
    'alerts.help': () => setIsHelpOpen((v) => !v),
    'alerts.back': () => (isHelpOpen ? setIsHelpOpen(false) : openId ? setOpenId(null) : inGroup ? setOpenGroup(null) : setSelection(new Set())),
  };
  const hint = (id: AlertsCommandId) => shortcutHint(commands.get(id));
  const isDialogOpen = useRef(false);
  isDialogOpen.current = pending !== null;
  useEffect(
    () => commands.bind({ run: Object.fromEntries(ALERT_COMMANDS.map(({ id }) => [id, () => triage.current[id]()])), isEnabled: () => !isDialogOpen.current }),
    [commands],
  );

  const set = (patch: Partial<AlertFilter>) => setFilter((f) => ({ ...f, ...patch }));
  const total = useMemo(() => envIds.reduce((n, id) => n + heldCount(alertsState.byEnv[id]?.byId ?? {}), 0), [alertsState, envIds]);
  const isAll = envIds.length > 1;

  return (
    <section className="screen-section alerts-screen" aria-labelledby="alerts-title" data-testid="alerts-screen">
      <div className="streams-toolbar">
        <h1 id="alerts-title" className="screen-title">
          Alerts
        </h1>
        <EnvPicker candidates={withRedis} value={isAllScope ? null : chosen} onPick={pick} testId="alerts-env" allowAll />
        <label className="small" title="Group alerts into incidents: one row per rule, asset and type, with a count, first and last seen; a and r act on the whole incident">
          Group{' '}
          <select className="input" data-testid="alerts-group" value={groupBy ? groupBy.join('+') : ''} onChange={(e) => chooseGroupBy(e.target.value ? (e.target.value.split('+') as GroupField[]) : null)}>
            <option value="">Off: every alert</option>
            <option value="rule+asset+title">Rule + asset + type</option>
            <option value="rule">Rule</option>
            <option value="asset">Asset</option>
            <option value="title">Type</option>
            <option value="source">Source</option>
          </select>
        </label>
        <input ref={search} className="input alerts-search" type="search" placeholder="Search title, id, assignee…  ( / )" aria-label="Search alerts" data-testid="alerts-search" value={filter.text} onChange={(e) => set({ text: e.target.value })} onKeyDown={(e) => e.key === 'Escape' && e.currentTarget.blur()} />
        <span className="spacer" />
        <NotifyPrefsControl />
        <button type="button" className="button button-quiet" onClick={() => setIsHelpOpen(true)} title={`Keyboard shortcuts (${hint('alerts.help')})`}>
          ? Keys
        </button>
      </div>
      <div className="alerts-filters" role="group" aria-label="Filters">
        {SEVERITIES.map((s) => (
          <button
            key={s}
            type="button"
            className={`sev-chip sev-${s}${filter.severities.includes(s) ? ' is-on' : ''}`}
            aria-pressed={filter.severities.includes(s)}
            data-testid={`alerts-sev-${s}`}
            onClick={() => set({ severities: filter.severities.includes(s) ? filter.severities.filter((x) => x !== s) : [...filter.severities, s] })}
          >
            {s}
          </button>
        ))}
        <label className="small">
          Status{' '}
          <select className="input" data-testid="alerts-status" value={filter.status} onChange={(e) => set({ status: e.target.value as StatusFilter })}>
            <option value="unresolved">Unresolved</option>
            <option value="open">Open</option>
            <option value="acknowledged">Acknowledged</option>
            <option value="resolved">Resolved</option>
            <option value="all">All</option>
          </select>
        </label>
        <label className="small">
          Level{' '}
          <select className="input" value={filter.level ?? ''} onChange={(e) => set({ level: e.target.value ? (Number(e.target.value) as 1 | 2 | 3) : null })}>
            <option value="">Any</option>
            <option value="1">1</option>
            <option value="2">2</option>
            <option value="3">3</option>
          </select>
        </label>
        <input className="input alerts-field" placeholder="Organisation" aria-label="Organisation" value={filter.organization} onChange={(e) => set({ organization: e.target.value })} />
        <input className="input alerts-field" placeholder="Asset" aria-label="Asset" value={filter.asset} onChange={(e) => set({ asset: e.target.value })} />
        <input className="input alerts-field" placeholder="Source" aria-label="Source" value={filter.source} onChange={(e) => set({ source: e.target.value })} />
        <label className="small">
          <input type="checkbox" checked={filter.showSnoozed} onChange={(e) => set({ showSnoozed: e.target.checked })} /> snoozed
        </label>
        <span className="muted small" data-testid="alerts-count">
          {formatCount(visible.length)} shown of {formatCount(total)}
          {groupBy ? ` in ${formatCount(groups.length)} incident${groups.length === 1 ? '' : 's'}` : ''}
        </span>
      </div>
      {!isAllScope && envOf(chosen) ? <SavedAlertSearches env={envOf(chosen)!} filter={filter} shownFilter={filtered.filter} shownCount={visible.length} onApply={setFilter} /> : null}
      {skipped.length ? (
        <p className="muted small" data-testid="alerts-same-redis">
          {skipped.map((e) => `${e.name} (same Redis and namespace as ${envOf(repeats[e.id]!)?.name ?? repeats[e.id]})`).join(', ')}: its alerts are listed once, under the
          first profile.
        </p>
      ) : null}
      {selection.size > 0 ? (
        <div className="alerts-selection" data-testid="alerts-selection">
          <strong data-testid="alerts-selected-count">{selectedShown} selected</strong>
          {selection.size > selectedShown ? (
            <span className="muted small" data-testid="alerts-selected-hidden" title="Actions apply to the selected alerts the list shows">
              (+{selection.size - selectedShown} no longer in this list: not acted on)
            </span>
          ) : null}
          <button type="button" className="button" onClick={() => startAction('ack')}>
            Acknowledge ({hint('alerts.ack')})
          </button>
          <button type="button" className="button" onClick={() => startAction('resolve')}>
            Resolve ({hint('alerts.resolve')})
          </button>
          <button type="button" className="button button-quiet" onClick={() => setSelection(new Set())}>
            Clear ({hint('alerts.back')})
          </button>
        </div>
      ) : null}
      {inGroup && groupBy ? (
        <div className="alerts-selection" data-testid="alerts-group-open">
          <span>
            Incident <strong>{inGroup.alerts[0]!.title}</strong> <span className="muted small">{describeGroupKey(inGroup.values, groupBy)}</span> · {formatCount(inGroup.alerts.length)} alerts
          </span>
          <button type="button" className="button button-quiet" onClick={() => setOpenGroup(null)}>
            All incidents ({hint('alerts.back')})
          </button>
        </div>
      ) : null}
      {notice ? (
        <p className={notice.tone === 'ok' ? 'ok small' : 'bad small'} role={notice.tone === 'bad' ? 'alert' : 'status'} data-testid="alerts-notice">
          {notice.text}
        </p>
      ) : null}
      {errors.map((e) => (
        <p key={e} className="bad small" role="alert">
          Could not load alerts — {e}. Retrying…
        </p>
      ))}
      <AlertsCoverage envIds={envIds} nameOf={nameOf} />
      <div className={opened ? 'alerts-layout has-detail' : 'alerts-layout'}>
        {isLoading && !total ? (
          <p className="empty">Loading alerts…</p>
        ) : total === 0 || (visible.length === 0 && isGroupList) ? (
          <p className="empty" data-testid="alerts-empty">
            {total === 0 ? 'No alerts. New alerts on security.alerts appear here within a second (start the demo to see some).' : 'No alert matches these filters.'}
          </p>
        ) : isGroupList && groupBy ? (
          <AlertGroupsTable groups={groups} fields={groupBy} now={now} cursor={groupCursor} selection={selection} showEnv={isAll} envOf={envOf} onCursor={setGroupCursor} onOpen={setOpenGroup} onToggle={toggleGroup} />
        ) : (
          // Kept mounted when a filter matches nothing (the message in its box): the next filter refills its rows instead of building the table again.
          <AlertsTable
            alerts={listed}
            now={now}
            cursor={cursor}
            selection={selection}
            showEnv={isAll}
            isCompact={opened !== null}
            envOf={envOf}
            onCursor={setCursor}
            onOpen={setOpenId}
            onToggle={onToggle}
            empty={
              <p className="empty" data-testid="alerts-empty">
                No alert matches these filters.
              </p>
            }
          />
        )}
        {opened ? <AlertDetail key={keyOf(opened)} summary={opened} env={envOf(opened.envId)} now={now} onClose={() => setOpenId(null)} onAction={(kind) => startAction(kind)} onNotice={setNotice} /> : null}
      </div>
      {isHelpOpen ? <ShortcutHelp onClose={() => setIsHelpOpen(false)} /> : null}
      {pending?.kind === 'resolve' ? <ResolveDialog alert={pending.alert} onClose={() => setPending(null)} onDone={(text) => (setPending(null), setNotice({ tone: 'ok', text }))} /> : null}
      {pending?.kind === 'escalate' ? <EscalateDialog alert={pending.alert} onClose={() => setPending(null)} onDone={(text) => (setPending(null), setNotice({ tone: 'ok', text }))} /> : null}
      {pending?.kind === 'bulk' ? (
        <BulkDialog
          action={pending.action}
          alerts={pending.alerts}
          onClose={() => setPending(null)}
          onDone={(text) => {
            setPending(null);
            setSelection(new Set());
            setNotice({ tone: 'ok', text });
          }}
        />
      ) : null}
    </section>
  );
}

const GROUP_BY_KEY = 'watchfloor.alerts.groupBy';

/** The grouping chosen last on this machine (an analyst who turned it on in a flood keeps it). */
function readGroupBy(): readonly GroupField[] | null {
  try {
    const saved = JSON.parse(localStorage.getItem(GROUP_BY_KEY) ?? 'null') as unknown;
    return Array.isArray(saved) && saved.length > 0 && saved.every((f) => (GROUP_FIELDS as readonly unknown[]).includes(f)) ? (saved as GroupField[]) : null;
  } catch {
    return null;
  }
}

function writeGroupBy(fields: readonly GroupField[] | null): void {
  try {
    if (fields) localStorage.setItem(GROUP_BY_KEY, JSON.stringify(fields));
    else localStorage.removeItem(GROUP_BY_KEY);
  } catch {
    // storage unavailable: the choice lasts for this page
  }
}

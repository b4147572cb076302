import { memo, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { AlertSummary } from '../../../../shared/model/alerts';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { slaCountdown } from '../../stores/alerts.logic';
import { indexOfKey } from '../../stores/alert-index.logic';
import { formatAge, shortId } from '../../components/format';

export const ALERT_ROW_HEIGHT = 30;
/** Rows rendered past each edge of the scroll box: each is laid out again on every filter change. */
const OVERSCAN_ROWS = 6;

/**
 * The alert list. Only the rows in (and near) the scroll box are rendered — rows have a fixed
 * height — so 10,000 alerts cost what 60 do. The cursor row is kept in view.
 */
export function AlertsTable({
  alerts,
  now,
  cursor,
  selection,
  showEnv,
  isCompact,
  envOf,
  onCursor,
  onOpen,
  onToggle,
  empty,
}: {
  alerts: readonly AlertSummary[];
  now: number;
  cursor: string | null;
  selection: ReadonlySet<string>;
  showEnv: boolean;
  /** Beside an open alert: the asset and last-change columns are left out. */
  isCompact: boolean;
  envOf: (id: string) => EnvironmentView | undefined;
  onCursor: (key: string) => void;
  onOpen: (key: string) => void;
  onToggle: (key: string) => void;
  /** Shown under the header when no alert is listed. */
  empty?: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const frame = useRef<number | null>(null);
  // The scroll box's height, measured by a ResizeObserver: reading clientHeight while rendering
  // forced the browser to lay out the whole page mid-render on every filter change.
  const [viewport, setViewport] = useState(() => window.innerHeight);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    setViewport(el.clientHeight);
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  // Once per cursor move or new list, not on every clock tick's render.
  const cursorIndex = useMemo(() => indexOfKey(alerts, cursor), [alerts, cursor]);
  const lastCursor = useRef<string | null>(null);
  // The cursor row is scrolled into view after the commit, before the paint; the window follows
  // at once (not on the next scroll event), so a jump never paints an empty window.
  // A shorter list (a narrower filter) is scrolled less far than the last scroll event said.
  const shownTop = Math.min(scrollTop, Math.max(0, (alerts.length + 1) * ALERT_ROW_HEIGHT - viewport));
  // Decided on the scroll position and height tracked here: reading el.scrollTop / clientHeight
  // forced a layout of the whole table in the middle of every filter change's commit.
  useLayoutEffect(() => {
    const el = box.current;
    if (cursor === lastCursor.current || !el || cursorIndex < 0) return;
    lastCursor.current = cursor;
    const top = cursorIndex * ALERT_ROW_HEIGHT;
    const header = ALERT_ROW_HEIGHT;
    const to = top < shownTop ? top : top + ALERT_ROW_HEIGHT + header > shownTop + viewport ? top + ALERT_ROW_HEIGHT + header - viewport : null;
    if (to === null) return;
    el.scrollTop = to;
    setScrollTop(to);
  }, [cursor, cursorIndex, shownTop, viewport]);
  const first = Math.max(0, Math.floor(shownTop / ALERT_ROW_HEIGHT) - OVERSCAN_ROWS);
  const last = Math.min(alerts.length, Math.ceil((shownTop + viewport) / ALERT_ROW_HEIGHT) + OVERSCAN_ROWS);
  return (
    <div
      ref={box}
      className="alerts-scroll"
      data-testid="alerts-scroll"
      onScroll={(e) => {
        const top = e.currentTarget.scrollTop;
        if (frame.current !== null) cancelAnimationFrame(frame.current);
        frame.current = requestAnimationFrame(() => setScrollTop(top));
      }}
    >
      <table className="data-table alerts-table" aria-rowcount={alerts.length}>
        <thead>
          <tr>
            <th aria-label="Selected" />
            <th>Severity</th>
            <th>Alert</th>
            <th>Status</th>
            <th className="num">Level</th>
            <th>SLA</th>
            <th className="num">Age</th>
            {showEnv ? <th>Environment</th> : null}
            {isCompact ? null : <th>Asset</th>}
            {isCompact ? null : <th>Last change by</th>}
          </tr>
        </thead>
        <tbody>
          {first > 0 ? (
            <tr aria-hidden="true" style={{ height: first * ALERT_ROW_HEIGHT }}>
              <td colSpan={10} />
            </tr>
          ) : null}
          {alerts.slice(first, last).map((a, i) => {
            const key = `${a.envId}/${a.id}`;
            // Keyed by place, not by alert: a filter change refills the rows it has (text and
            // attributes) instead of removing 50 rows and building 50 others.
            return <AlertRow key={first + i} alert={a} now={now} isCursor={key === cursor} isSelected={selection.has(key)} isCompact={isCompact} env={showEnv ? envOf(a.envId) : undefined} onCursor={onCursor} onOpen={onOpen} onToggle={onToggle} />;
          })}
          {last < alerts.length ? (
            <tr aria-hidden="true" style={{ height: (alerts.length - last) * ALERT_ROW_HEIGHT }}>
              <td colSpan={10} />
            </tr>
          ) : null}
        </tbody>
      </table>
      {alerts.length === 0 ? empty : null}
    </div>
  );
}

const AlertRow = memo(function AlertRow({
  alert: a,
  now,
  isCursor,
  isSelected,
  isCompact,
  env,
  onCursor,
  onOpen,
  onToggle,
}: {
  alert: AlertSummary;
  now: number;
  isCursor: boolean;
  isSelected: boolean;
  isCompact: boolean;
  env: EnvironmentView | undefined;
  onCursor: (key: string) => void;
  onOpen: (key: string) => void;
  onToggle: (key: string) => void;
}) {
  const key = `${a.envId}/${a.id}`;
  const sla = slaCountdown(a, now);
  const isSnoozed = a.snoozedUntil !== undefined && a.snoozedUntil > now && a.status !== 'resolved';
  return (
    <tr
      className={`alert-row status-${a.status}${isCursor ? ' is-cursor' : ''}${isSelected ? ' is-selected' : ''}`}
      data-testid={`alert-row-${a.id}`}
      data-status={a.status}
      aria-selected={isCursor}
      onClick={() => {
        onCursor(key);
        onOpen(key);
      }}
    >
      <td onClick={(e) => e.stopPropagation()}>
        <input type="checkbox" aria-label={`Select ${a.title}`} checked={isSelected} onChange={() => onToggle(key)} />
      </td>
      <td>
        <span className={`sev-badge sev-${a.severity}`}>{a.severity}</span>
      </td>
      <td className="alert-title" title={a.title}>
        {a.title}
        {a.noteCount > 0 ? <span className="muted small"> · {a.noteCount} note{a.noteCount > 1 ? 's' : ''}</span> : null}
      </td>
      <td>
        <span className={`alert-status alert-status-${a.status}`}>{isSnoozed ? 'snoozed' : a.status === 'resolved' && a.resolution === 'false_positive' ? 'false positive' : a.status}</span>
        {a.assignee ? <span className="muted small"> · {a.assignee}</span> : null}
      </td>
      <td className="num">L{a.level}</td>
      <td className={sla?.isOverdue ? 'sla is-overdue' : 'sla'} data-testid="alert-sla">
        {sla ? sla.text : '—'}
      </td>
      <td className="num">{formatAge(now - a.createdAt)}</td>
      {env ? (
        <td>
          <span className="env-dot" style={{ background: env.colour }} /> {env.name}
        </td>
      ) : null}
      {isCompact ? null : (
        <td className="mono small" title={a.assetId}>
          {a.assetId ? shortId(a.assetId) : '—'}
        </td>
      )}
      {isCompact ? null : <td className="small">{a.updatedBy}</td>}
    </tr>
  );
});

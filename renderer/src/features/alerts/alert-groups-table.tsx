import { memo } from 'react';
import type { AlertSummary } from '../../../../shared/model/alerts';
import { describeGroupKey, type AlertGroup, type GroupField } from '../../../../shared/model/alert-groups';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { formatAge, formatCount } from '../../components/format';

/** Rows rendered at most: a flood across many assets is narrowed with the filters, not scrolled through. */
export const GROUP_ROWS_SHOWN = 500;

/**
 * The alert list as incidents: one row a group (worst severity, count open / acknowledged,
 * first and last seen). Enter or a click opens the group's alerts; a and r act on all of them.
 */
export function AlertGroupsTable({
  groups,
  fields,
  now,
  cursor,
  selection,
  showEnv,
  envOf,
  onCursor,
  onOpen,
  onToggle,
}: {
  groups: readonly AlertGroup[];
  fields: readonly GroupField[];
  now: number;
  cursor: string | null;
  selection: ReadonlySet<string>;
  showEnv: boolean;
  envOf: (id: string) => EnvironmentView | undefined;
  onCursor: (key: string) => void;
  onOpen: (key: string) => void;
  onToggle: (group: AlertGroup) => void;
}) {
  const shown = groups.slice(0, GROUP_ROWS_SHOWN);
  return (
    <div className="alerts-scroll" data-testid="alert-groups">
      <table className="data-table alerts-table" aria-rowcount={groups.length}>
        <thead>
          <tr>
            <th aria-label="Selected" />
            <th>Severity</th>
            <th>Incident</th>
            <th className="num">Alerts</th>
            <th>Open / acknowledged</th>
            <th className="num">First seen</th>
            <th className="num">Last seen</th>
            {showEnv ? <th>Environment</th> : null}
          </tr>
        </thead>
        <tbody>
          {shown.map((g) => (
            <GroupRow key={g.key} group={g} fields={fields} now={now} isCursor={g.key === cursor} selected={countSelected(g.alerts, selection)} env={showEnv ? envOf(g.envId) : undefined} onCursor={onCursor} onOpen={onOpen} onToggle={onToggle} />
          ))}
        </tbody>
      </table>
      {groups.length > shown.length ? (
        <p className="muted small" data-testid="alert-groups-more">
          The first {formatCount(shown.length)} of {formatCount(groups.length)} incidents are shown, most urgent first: narrow the filters or group by fewer fields to see the rest.
        </p>
      ) : null}
    </div>
  );
}

function countSelected(alerts: readonly AlertSummary[], selection: ReadonlySet<string>): number {
  if (selection.size === 0) return 0;
  let n = 0;
  for (const a of alerts) if (selection.has(`${a.envId}/${a.id}`)) n++;
  return n;
}

const GroupRow = memo(function GroupRow({
  group: g,
  fields,
  now,
  isCursor,
  selected,
  env,
  onCursor,
  onOpen,
  onToggle,
}: {
  group: AlertGroup;
  fields: readonly GroupField[];
  now: number;
  isCursor: boolean;
  selected: number;
  env: EnvironmentView | undefined;
  onCursor: (key: string) => void;
  onOpen: (key: string) => void;
  onToggle: (group: AlertGroup) => void;
}) {
  const head = g.alerts[0]!;
  const keyText = describeGroupKey(g.values, fields);
  // The title is shown in full beside it: the key's other fields only.
  const rest = fields.filter((f) => f !== 'title');
  const isAllSelected = selected === g.alerts.length;
  return (
    <tr
      className={`alert-row status-${g.open + g.acknowledged > 0 ? (g.open > 0 ? 'open' : 'acknowledged') : 'resolved'}${isCursor ? ' is-cursor' : ''}${selected > 0 ? ' is-selected' : ''}`}
      data-testid="alert-group-row"
      data-count={g.alerts.length}
      aria-selected={isCursor}
      onClick={() => {
        onCursor(g.key);
        onOpen(g.key);
      }}
    >
      <td onClick={(e) => e.stopPropagation()}>
        <input
          type="checkbox"
          aria-label={`Select the ${g.alerts.length} alerts of ${keyText}`}
          checked={isAllSelected}
          ref={(el) => {
            if (el) el.indeterminate = selected > 0 && !isAllSelected;
          }}
          onChange={() => onToggle(g)}
        />
      </td>
      <td>
        <span className={`sev-badge sev-${g.severity}`}>{g.severity}</span>
      </td>
      <td className="alert-title" title={`${head.title}\n${keyText}`}>
        {head.title} {rest.length ? <span className="muted small">{describeGroupKey(g.values, rest)}</span> : null}
      </td>
      <td className="num">
        <strong data-testid="alert-group-count">{formatCount(g.alerts.length)}</strong>
      </td>
      <td className="small">
        {g.open > 0 ? <span className="alert-status-open">{formatCount(g.open)} open</span> : null}
        {g.open > 0 && g.acknowledged > 0 ? ' · ' : null}
        {g.acknowledged > 0 ? <span className="alert-status-acknowledged">{formatCount(g.acknowledged)} acknowledged</span> : null}
        {g.open + g.acknowledged === 0 ? <span className="alert-status-resolved">all resolved</span> : null}
      </td>
      <td className="num" title={new Date(g.firstSeen).toLocaleString()}>
        {formatAge(now - g.firstSeen)}
      </td>
      <td className="num" title={new Date(g.lastSeen).toLocaleString()}>
        {formatAge(now - g.lastSeen)}
      </td>
      {env ? (
        <td>
          <span className="env-dot" style={{ background: env.colour }} /> {env.name}
        </td>
      ) : null}
    </tr>
  );
});

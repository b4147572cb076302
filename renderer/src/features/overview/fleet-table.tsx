import { memo } from 'react';
import { useStore } from 'zustand';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { ColourSwatch } from '../../components/colour-swatch';
import { formatClock, formatCount } from '../../components/format';
import { useServices } from '../../services';
import { selectEnvironment } from '../../stores/environments.logic';
import { fleetRow, withoutNamespace, type Connectivity } from './fleet.logic';

const CONNECTIVITY: Record<Connectivity, { text: string; className: string }> = {
  connected: { text: 'up', className: 'fleet-ok' },
  connecting: { text: 'connecting', className: 'fleet-warn' },
  disconnected: { text: 'DOWN', className: 'fleet-bad' },
  'not-configured': { text: '—', className: 'muted' },
  unknown: { text: '…', className: 'muted' },
};

/** Every environment on one line each: connected?, worst lag, dead letters, firing rules. */
export function FleetTable() {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (state) => state.environments);
  const selectedId = useStore(stores.environments, (state) => state.selectedId);
  if (environments.length === 0) return null;
  return (
    <section className="fleet" aria-labelledby="fleet-title">
      <h2 id="fleet-title" className="fleet-title">
        Fleet
      </h2>
      <table className="data-table fleet-table" data-testid="fleet-table">
        <thead>
          <tr>
            <th scope="col">Environment</th>
            <th scope="col">Redis</th>
            <th scope="col">RabbitMQ</th>
            <th scope="col">Database</th>
            <th scope="col" className="num">
              Worst lag
            </th>
            <th scope="col" className="num">
              DLQ entries
            </th>
            <th scope="col">Firing rules</th>
            <th scope="col">Data</th>
          </tr>
        </thead>
        <tbody>
          {environments.map((env) => (
            <FleetRowView
              key={env.id}
              env={env}
              isSelected={env.id === selectedId}
              onSelect={() => stores.environments.setState((state) => selectEnvironment(state, state.selectedId === env.id ? null : env.id), true)}
            />
          ))}
        </tbody>
      </table>
    </section>
  );
}

const FleetRowView = memo(function FleetRowView({ env, isSelected, onSelect }: { env: EnvironmentView; isSelected: boolean; onSelect: () => void }) {
  const { stores } = useServices();
  const overview = useStore(stores.overview, (state) => state.byEnv[env.id]);
  const firing = useStore(stores.rules, (state) => state.firing[env.id]);
  const row = fleetRow(env, overview, firing);
  const redis = CONNECTIVITY[row.redis];
  const amqp = CONNECTIVITY[row.amqp];
  const postgres = CONNECTIVITY[row.postgres];
  return (
    <tr
      className={isSelected ? 'fleet-row fleet-row-selected' : 'fleet-row'}
      data-testid={`fleet-row-${env.id}`}
      onClick={onSelect}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          onSelect();
        }
      }}
      tabIndex={0}
      aria-selected={isSelected}
      title={isSelected ? 'Showing only this environment; click to show all' : 'Show only this environment'}
    >
      <td className="fleet-name">
        <ColourSwatch colour={row.colour} />
        <span>{row.name}</span>
        {row.production ? <span className="tag tag-production">PRODUCTION</span> : null}
        {row.readOnly && !row.production ? <span className="tag">read-only</span> : null}
      </td>
      <td className={redis.className}>{redis.text}</td>
      <td className={amqp.className}>{amqp.text}</td>
      <td className={postgres.className} data-testid="fleet-postgres" title={row.postgres === 'not-configured' ? 'No database configured (Edit the environment to add a PostgreSQL URL)' : (row.postgresNote ?? undefined)}>
        {postgres.text}
        {row.postgres === 'connected' && row.postgresNote ? <span className="fleet-warn" aria-label={row.postgresNote}> !</span> : null}
      </td>
      <td className="num" data-testid="fleet-worst-lag">
        {row.worstLag ? (
          <>
            <span className={row.worstLag.value >= 1000 ? 'fleet-warn' : undefined}>{formatCount(row.worstLag.value)}</span>{' '}
            <span className="muted small">
              {withoutNamespace(row.worstLag.stream, env.namespace)} / {row.worstLag.group}
            </span>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="num" data-testid="fleet-dlq">
        {row.dlqTotal === null ? (
          <span className="muted" title="Unknown: no broker could be read">
            —
          </span>
        ) : (
          <span className={row.dlqTotal > 0 ? 'fleet-dlq' : undefined} title={row.down.length > 0 ? `At least: ${row.down.join(', ')} not counted` : undefined}>
            {row.down.length > 0 ? '≥ ' : ''}
            {formatCount(row.dlqTotal)}
          </span>
        )}
      </td>
      <td data-testid="fleet-firing">
        {row.firingCount === 0 && row.allDown ? (
          <span className="muted" title="Health rules cannot be evaluated without data">
            unknown
          </span>
        ) : row.firingCount === 0 ? (
          <span className="muted">none</span>
        ) : (
          <span className={`severity severity-${row.worstFiring}`}>
            {row.firingCount} firing · {row.worstFiring}
          </span>
        )}
      </td>
      <td>
        {row.isWaiting ? (
          <span className="muted small">waiting…</span>
        ) : row.allDown ? (
          <span className="bad small" data-testid="fleet-data-none" title="Nothing shown for this environment is current">
            no data: {row.down.join(', ')}
          </span>
        ) : row.down.length > 0 ? (
          <span className="warn small" data-testid="fleet-data-partial" title="Only the reachable brokers' figures are current">
            partial: {row.down.join(', ')}
          </span>
        ) : row.staleSince !== null ? (
          <span className="stale">stale since {formatClock(row.staleSince)}</span>
        ) : (
          <span className="muted small">live</span>
        )}
      </td>
    </tr>
  );
});

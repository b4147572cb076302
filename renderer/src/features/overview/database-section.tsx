import type { EnvironmentView } from '../../../../shared/model/environment';
import type { DatabaseInfo } from '../../../../shared/model/overview';
import { BrokerHeader } from './broker-header';

const STORAGE_LABEL: Record<NonNullable<DatabaseInfo['storage']>, string> = {
  timescaledb: 'TimescaleDB hypertables',
  'timescaledb-unused': 'TimescaleDB installed after the schema, plain tables',
  postgresql: 'plain PostgreSQL',
};

/** What the schema, the storage and the retention mean for an analyst, in one line. */
export function describeDatabase(db: DatabaseInfo, readOnly: boolean): string | null {
  if (db.status.state !== 'connected') return null;
  const storage = db.storage ? STORAGE_LABEL[db.storage] : null;
  const byConsole = readOnly ? 'retention left to a console that may write' : 'retention by this console: events and scans 30 d, metrics 7 d';
  // On hypertables TimescaleDB's policies drop events (30 d) and metrics (7 d); the console keeps the rest.
  const retention = db.storage === 'timescaledb' ? `retention policies: events 30 d, metrics 7 d; the rest ${readOnly ? 'left to a console that may write' : 'by this console'}` : byConsole;
  const schema = db.schemaVersion === null ? null : `schema v${db.schemaVersion}`;
  return [schema, storage, storage ? retention : null].filter((part): part is string => part !== null).join(' · ') || null;
}

/** The environment's database on its card: reachable or why not, which schema, how stored. Nothing when none is configured. */
export function DatabaseSection({ env, db }: { env: EnvironmentView; db: DatabaseInfo | undefined }) {
  if (!env.postgres) return null;
  const line = db ? describeDatabase(db, env.readOnly) : null;
  return (
    <section className="broker" aria-label="Database">
      <BrokerHeader title="PostgreSQL" status={db?.status} staleSince={null} testId={`postgres-status-${env.id}`} />
      {line ? (
        <p className="muted small" data-testid={`postgres-schema-${env.id}`}>
          {line}
        </p>
      ) : null}
      {db?.note && db.status.state === 'connected' ? (
        <p className="stale" role="status" data-testid={`postgres-note-${env.id}`}>
          {db.note}
        </p>
      ) : null}
    </section>
  );
}

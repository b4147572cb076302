import type { EnvironmentView } from '../../../../shared/model/environment';
import type { DatabaseInfo } from '../../../../shared/model/overview';
import { BrokerHeader } from './broker-header';

/** What the schema, the storage and the retention mean for an analyst, in one line. */
export function describeDatabase(db: DatabaseInfo, readOnly: boolean): string | null {
  if (db.status.state !== 'connected') return null;
  // Hypertables are not built yet: on both, the tables are plain and the console runs retention.
  const storage = db.storage === 'timescaledb' ? 'TimescaleDB installed, plain tables' : db.storage === 'postgresql' ? 'plain PostgreSQL' : null;
  const retention = readOnly ? 'retention left to a console that may write' : 'retention by this console: events and scans 30 d, metrics 7 d';
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

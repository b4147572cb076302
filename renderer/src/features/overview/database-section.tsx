import type { EnvironmentView } from '../../../../shared/model/environment';
import type { DatabaseInfo } from '../../../../shared/model/overview';
import { BrokerHeader } from './broker-header';

/** What the schema and storage mean for an analyst, in one line. */
export function describeDatabase(db: DatabaseInfo): string | null {
  if (db.status.state !== 'connected') return null;
  const storage = db.storage === 'timescaledb' ? 'TimescaleDB' : db.storage === 'postgresql' ? 'plain PostgreSQL' : null;
  const schema = db.schemaVersion === null ? null : `schema v${db.schemaVersion}`;
  return [schema, storage].filter((part): part is string => part !== null).join(' · ') || null;
}

/** The environment's database on its card: reachable or why not, which schema, how stored. Nothing when none is configured. */
export function DatabaseSection({ env, db }: { env: EnvironmentView; db: DatabaseInfo | undefined }) {
  if (!env.postgres) return null;
  const line = db ? describeDatabase(db) : null;
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

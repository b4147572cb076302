import pg from 'pg';
import type { SecurityEvent } from '../../../shared/schemas/security-streams';
import type { PostgresSettings } from '../environments/resolved-environment';
import type { Logger } from '../ports';
import { SEED_RETRY_POLICIES, type RetryPolicy } from '../workers/backoff';
import { invalidReason } from '../workers/processors/event-handler';
import type { Outcome, StreamHandler, StreamMessage } from '../workers/stream-handler';
import { describePgError, isConnectionError, pgClientConfig, postgresTarget, sqlState } from './pg-connection';
import { migrate, type SchemaState } from './schema';

/** The longest a sink waits before trying an unreachable database again, ms. */
const MAX_WAIT_MS = 10_000;

const COLUMNS = ['id', 'ts', 'organization_id', 'asset_id', 'event_type', 'severity', 'source', 'title', 'description', 'metadata', 'tags', 'correlation_id', 'raw_data', 'stream_entry_id'] as const;

/**
 * One multi-row insert for any number of events: each column as one array parameter (14
 * parameters whatever the batch size), rows already stored skipped by their event id.
 */
export const INSERT_EVENTS_SQL = `INSERT INTO events (${COLUMNS.join(', ')})
SELECT u.id, u.ts, u.organization_id, u.asset_id, u.event_type, u.severity, u.source, u.title, u.description, u.metadata,
       ARRAY(SELECT jsonb_array_elements_text(u.tags)), u.correlation_id, u.raw_data, u.stream_entry_id
FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
            $10::jsonb[], $11::jsonb[], $12::text[], $13::jsonb[], $14::text[])
  AS u(${COLUMNS.join(', ')})
ON CONFLICT (id) DO NOTHING`;

/** The insert's parameters for `events` (one array per column). */
export function eventColumns(rows: readonly { event: SecurityEvent; entryId: string | null }[]): unknown[][] {
  const columns: unknown[][] = COLUMNS.map(() => []);
  for (const { event, entryId } of rows) {
    const values = [event.id, event.timestamp, event.organization_id, event.asset_id, event.event_type, event.severity, event.source, event.title, event.description, JSON.stringify(event.metadata), JSON.stringify(event.tags), event.correlation_id, JSON.stringify(event.raw_data), entryId];
    values.forEach((value, i) => columns[i]!.push(value));
  }
  return columns;
}

/** Whether the database refused this row for what it holds (data, constraint, size): retrying cannot help. */
function isRowRefusal(error: unknown): boolean {
  return /^(22|23|54)/.test(sqlState(error));
}

function refusalReason(error: unknown): string {
  const state = sqlState(error);
  const detail = (error as { detail?: unknown }).detail;
  return `PostgreSQL refused the row: ${(error as Error).message}${typeof detail === 'string' && detail ? `: ${detail}` : ''}${state ? ` (SQLSTATE ${state})` : ''}`;
}

export interface EventStoreOptions {
  namespace: string;
  settings: PostgresSettings;
  logger: Logger;
  now?: () => number;
  retryPolicy?: RetryPolicy;
  /** Connections at most (one per batch in flight). */
  maxConnections?: number;
}

/**
 * The `event-store` sink (issue 17): `security.events` entries into the `events` table. A batch is
 * one multi-row INSERT … ON CONFLICT DO NOTHING in one transaction, and the engine acknowledges its
 * entries only after this returns, i.e. after COMMIT: at least once into the database, one row per
 * event id. When the batch fails for a row's content, it is retried row by row (a savepoint each)
 * in one transaction: the refused rows are dead-lettered with the database's reason, their
 * batch-mates stored. When the database cannot be reached the entries wait, pending, spending no
 * retries, and are tried again. Migrations are applied before the first batch.
 */
export class EventStoreHandler implements StreamHandler {
  readonly mode = 'pure' as const;
  private readonly pool: pg.Pool;
  private schema: Promise<SchemaState> | null = null;
  private unreachableSince = 0;
  private consecutiveWaits = 0;
  /** Rows inserted and entries whose event was already stored, since start. */
  readonly counts = { inserted: 0, alreadyStored: 0, refused: 0 };
  state: SchemaState | null = null;

  constructor(private readonly options: EventStoreOptions) {
    this.pool = new pg.Pool({ ...pgClientConfig(options.settings, { applicationName: 'watchfloor-event-store', connectTimeoutMs: 5000 }), max: options.maxConnections ?? 4, query_timeout: 60_000, idleTimeoutMillis: 30_000 });
    // A server going away emits on idle clients: the next batch sees it and waits.
    this.pool.on('error', () => undefined);
    // …and on a client in use (its query rejects too, which is where the batch learns of it).
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  /** The database's duplicates are the table's business (primary key): no Redis dedup marks. */
  dedupId(): string | null {
    return null;
  }

  retryPolicy(): RetryPolicy {
    return this.options.retryPolicy ?? SEED_RETRY_POLICIES.events;
  }

  deadLetterStream(): string {
    return `${this.options.namespace}security.events.dlq`;
  }

  /** Applies the migrations once (again after a failure). */
  ensureSchema(): Promise<SchemaState> {
    this.schema ??= (async () => {
      const client = await this.pool.connect();
      try {
        const state = await migrate(client);
        this.state = state;
        this.options.logger.info(`event-store: ${postgresTarget(this.options.settings)} at schema version ${state.version}${state.applied.length ? ` (applied ${state.applied.join(', ')})` : ''}; ${state.storage.description}`);
        return state;
      } finally {
        client.release();
      }
    })();
    this.schema.catch(() => {
      this.schema = null;
    });
    return this.schema;
  }

  async handle(messages: StreamMessage[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array(messages.length);
    const rows: { index: number; event: SecurityEvent; entryId: string }[] = [];
    messages.forEach((message, index) => {
      const checked = invalidReason(message.payload);
      if ('reason' in checked) outcomes[index] = { kind: 'invalid', reason: checked.reason };
      else rows.push({ index, event: checked.event, entryId: message.id });
    });
    if (!rows.length) return outcomes;
    try {
      await this.ensureSchema();
      await this.insertBatch(rows, outcomes);
      this.consecutiveWaits = 0;
    } catch (error) {
      const reason = (error as { code?: unknown }).code === 'SCHEMA_REFUSED' ? `event-store: ${(error as Error).message}` : `event-store: ${describePgError(error, this.options.settings)}`;
      // Unreachable, or a schema this build cannot use: nothing is stored, nothing is lost; the entries stay pending.
      this.consecutiveWaits += 1;
      if (!this.unreachableSince) this.unreachableSince = this.now();
      const untilMs = this.now() + Math.min(250 * 2 ** Math.min(this.consecutiveWaits, 6), MAX_WAIT_MS);
      for (const row of rows) outcomes[row.index] = { kind: 'wait', untilMs, reason };
      return outcomes;
    }
    this.unreachableSince = 0;
    return outcomes;
  }

  /** The batch in one transaction; on a row-content failure, row by row in one transaction. Throws when the database cannot be reached. */
  private async insertBatch(rows: { index: number; event: SecurityEvent; entryId: string }[], outcomes: Outcome[]): Promise<void> {
    const client = await this.pool.connect();
    let isBroken = false;
    try {
      try {
        await client.query('BEGIN');
        const result = await client.query(INSERT_EVENTS_SQL, eventColumns(rows));
        await client.query('COMMIT');
        this.counts.inserted += result.rowCount ?? 0;
        this.counts.alreadyStored += rows.length - (result.rowCount ?? 0);
        for (const row of rows) outcomes[row.index] = { kind: 'done' };
        return;
      } catch (error) {
        if (isConnectionError(error)) {
          isBroken = true;
          throw error;
        }
        await client.query('ROLLBACK');
        if (rows.length === 1 && isRowRefusal(error)) {
          this.counts.refused += 1;
          outcomes[rows[0]!.index] = { kind: 'invalid', reason: refusalReason(error) };
          return;
        }
      }
      // Row by row, to find the refused ones; the others are stored in the same transaction.
      await client.query('BEGIN');
      const pending: Outcome[] = [];
      for (const row of rows) {
        await client.query('SAVEPOINT row');
        try {
          const result = await client.query(INSERT_EVENTS_SQL, eventColumns([row]));
          await client.query('RELEASE SAVEPOINT row');
          if (result.rowCount) this.counts.inserted += 1;
          else this.counts.alreadyStored += 1;
          pending[row.index] = { kind: 'done' };
        } catch (error) {
          if (isConnectionError(error)) {
            isBroken = true;
            throw error;
          }
          // Not the row's content (a missing table, a lock timeout…): the whole batch waits rather than losing anything.
          if (!isRowRefusal(error)) throw error;
          await client.query('ROLLBACK TO SAVEPOINT row');
          this.counts.refused += 1;
          pending[row.index] = { kind: 'invalid', reason: refusalReason(error) };
        }
      }
      await client.query('COMMIT');
      for (const row of rows) outcomes[row.index] = pending[row.index]!;
    } catch (error) {
      if (!isBroken && !isConnectionError(error)) await client.query('ROLLBACK').catch(() => undefined);
      else isBroken = true;
      throw error;
    } finally {
      client.release(isBroken ? true : undefined);
    }
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

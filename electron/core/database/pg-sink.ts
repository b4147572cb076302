import pg from 'pg';
import type { PostgresSettings } from '../environments/resolved-environment';
import type { Logger } from '../ports';
import type { RetryPolicy } from '../workers/backoff';
import type { Outcome, StreamHandler, StreamMessage } from '../workers/stream-handler';
import { describePgError, isConnectionError, pgClientConfig, postgresTarget, sqlState } from './pg-connection';
import { migrate, type SchemaState } from './schema';

/** The longest a sink waits before trying an unreachable database again, ms. */
const MAX_WAIT_MS = 10_000;

interface SinkRow<Row> {
  index: number;
  value: Row;
  entryId: string;
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

/** What a sink stores: its table's insert and how a stream entry becomes a row. */
export interface SinkTable<Row> {
  /** The processor's name, for logs and reasons (`event-store`). */
  name: string;
  /** The stream it reads, without the namespace (`security.events`); its DLQ is `{stream}.dlq`. */
  stream: string;
  /** One statement for any number of rows (array parameters), rows already stored skipped by the primary key. */
  insertSql: string;
  /** The insert's parameters for these rows (one array per column). */
  columns(rows: readonly { value: Row; entryId: string | null }[]): unknown[][];
  /** The entry's row, or why it can never be stored (dead-lettered at once). */
  parse(message: StreamMessage): { ok: true; value: Row } | { ok: false; reason: string };
  retryPolicy: RetryPolicy;
}

export interface PgSinkOptions {
  namespace: string;
  settings: PostgresSettings;
  logger: Logger;
  now?: () => number;
  retryPolicy?: RetryPolicy;
  /** Connections at most (one per batch in flight). */
  maxConnections?: number;
}

/**
 * A PostgreSQL sink (issue 17): a stream's entries into one table. A batch is one multi-row
 * INSERT … ON CONFLICT DO NOTHING in one transaction, and the engine acknowledges its entries only
 * after this returns, i.e. after COMMIT: at least once into the database, one row per primary key.
 * When the batch fails for a row's content, it is retried row by row (a savepoint each) in one
 * transaction: the refused rows are dead-lettered with the database's reason, their batch-mates
 * stored. When the database cannot be reached the entries wait, pending, spending no retries, and
 * are tried again. Migrations are applied before the first batch.
 */
export class PgSinkHandler<Row> implements StreamHandler {
  readonly mode = 'pure' as const;
  private readonly pool: pg.Pool;
  private schema: Promise<SchemaState> | null = null;
  private unreachableSince = 0;
  private consecutiveWaits = 0;
  /** Rows inserted and entries whose event was already stored, since start. */
  readonly counts = { inserted: 0, alreadyStored: 0, refused: 0 };
  state: SchemaState | null = null;

  constructor(
    private readonly table: SinkTable<Row>,
    private readonly options: PgSinkOptions,
  ) {
    this.pool = new pg.Pool({ ...pgClientConfig(options.settings, { applicationName: `watchfloor-${table.name}`, connectTimeoutMs: 5000 }), max: options.maxConnections ?? 4, query_timeout: 60_000, idleTimeoutMillis: 30_000 });
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
    return this.options.retryPolicy ?? this.table.retryPolicy;
  }

  deadLetterStream(): string {
    return `${this.options.namespace}${this.table.stream}.dlq`;
  }

  /** Applies the migrations once (again after a failure). */
  ensureSchema(): Promise<SchemaState> {
    this.schema ??= (async () => {
      const client = await this.pool.connect();
      try {
        const state = await migrate(client);
        this.state = state;
        this.options.logger.info(`${this.table.name}: ${postgresTarget(this.options.settings)} at schema version ${state.version}${state.applied.length ? ` (applied ${state.applied.join(', ')})` : ''}; ${state.storage.description}`);
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
    const rows: SinkRow<Row>[] = [];
    messages.forEach((message, index) => {
      const parsed = this.table.parse(message);
      if (parsed.ok) rows.push({ index, value: parsed.value, entryId: message.id });
      else outcomes[index] = { kind: 'invalid', reason: parsed.reason };
    });
    return this.storeRows(rows, outcomes);
  }

  /**
   * Stores rows already parsed (the RabbitMQ sinks parse their deliveries themselves): one outcome
   * per row, in order: done (committed, or already stored), invalid (the database refused it) or wait.
   */
  store(values: readonly { value: Row; entryId: string }[]): Promise<Outcome[]> {
    return this.storeRows(values.map((v, index) => ({ index, value: v.value, entryId: v.entryId })), new Array<Outcome>(values.length));
  }

  private async storeRows(rows: SinkRow<Row>[], outcomes: Outcome[]): Promise<Outcome[]> {
    if (!rows.length) return outcomes;
    try {
      await this.ensureSchema();
      await this.insertBatch(rows, outcomes);
      this.consecutiveWaits = 0;
    } catch (error) {
      const reason = (error as { code?: unknown }).code === 'SCHEMA_REFUSED' ? `${this.table.name}: ${(error as Error).message}` : `${this.table.name}: ${describePgError(error, this.options.settings)}`;
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
  private async insertBatch(rows: SinkRow<Row>[], outcomes: Outcome[]): Promise<void> {
    const client = await this.pool.connect();
    let isBroken = false;
    try {
      try {
        await client.query('BEGIN');
        const result = await client.query(this.table.insertSql, this.table.columns(rows));
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
          const result = await client.query(this.table.insertSql, this.table.columns([row]));
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

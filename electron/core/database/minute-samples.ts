import pg from 'pg';
import { CodedError } from '../../../shared/contract/errors';
import type { PostgresSettings } from '../environments/resolved-environment';
import type { Logger } from '../ports';
import { describePgError, isConnectionError, pgClientConfig, sqlState } from './pg-connection';

const MINUTE_MS = 60_000;

/** The stored ranges a chart offers beside the live hour, and their bucket. */
export const STORED_RANGES = {
  '24h': { ms: 86_400_000, stepMs: 5 * MINUTE_MS },
  '7d': { ms: 7 * 86_400_000, stepMs: 60 * MINUTE_MS },
} as const;
export type StoredRange = keyof typeof STORED_RANGES;

/** The time axis of a stored range ending at `now`: `points` buckets of `stepMs` from `from`. */
export interface BucketWindow {
  from: number;
  stepMs: number;
  points: number;
}

export function bucketWindow(range: StoredRange, now: number): BucketWindow {
  const { ms, stepMs } = STORED_RANGES[range];
  return { from: Math.floor((now - ms) / stepMs) * stepMs + stepMs, stepMs, points: Math.round(ms / stepMs) };
}

/** Series of one window being filled bucket by bucket: null where no sample fell. */
export class BucketSeries {
  private readonly byKey = new Map<string, (number | null)[]>();
  constructor(private readonly points: number) {}

  /** Sets bucket `bucket` of `key` (a numeric string from PostgreSQL is taken as its number); null or out of range is skipped. */
  put(key: string, bucket: number, value: number | string | null): void {
    if (value === null || bucket < 0 || bucket >= this.points) return;
    let values = this.byKey.get(key);
    if (!values) this.byKey.set(key, (values = Array.from({ length: this.points }, (): number | null => null)));
    values[bucket] = Number(value);
  }

  /** The specs in order, each with its values (all null when nothing was stored). */
  series<S extends { key: string }>(specs: readonly S[]): (S & { values: (number | null)[] })[] {
    return specs.map((s) => ({ ...s, values: this.byKey.get(s.key) ?? Array.from({ length: this.points }, (): number | null => null) }));
  }
}

/** The sample store of an environment with a database, or NOT_FOUND saying the chart ends after the live hour and how to add one. */
export function storedSamples<T>(store: T | null, what: string): T {
  if (!store) throw new CodedError('NOT_FOUND', `no database configured for this environment: its ${what} ends after the live hour (Environments → Edit → Database)`);
  return store;
}

/** What one sample table is: its name, columns (in insert order), the schema version that made it and what it holds. */
export interface SampleTable {
  name: string;
  columns: readonly string[];
  schemaVersion: number;
  /** "stream history", "queue history": for the messages. */
  what: string;
}

/** Writes at most once per wall-clock minute for one source, and never two writes at once. */
export class MinuteGate {
  private lastMinute = 0;
  private busy = false;

  /** The minute to write for a sample at `at`, or null when this minute is written (or being written). */
  take(at: number): number | null {
    const minute = Math.floor(at / MINUTE_MS) * MINUTE_MS;
    if (minute <= this.lastMinute || this.busy) return null;
    this.lastMinute = minute;
    return minute;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.busy = true;
    try {
      return await work();
    } finally {
      this.busy = false;
    }
  }
}

/**
 * A table of the console's own minute samples in the environment's PostgreSQL (stream_samples,
 * queue_samples), for charts that reach back 24 h and 7 d past the live hour. Written by a console
 * that may write to the environment, at most once a minute per source, from the overview the
 * monitor already made (no extra broker command); a database that is down loses those minutes
 * only, never blocks the monitor. Read back in buckets ({@link STORED_RANGES}).
 */
export class MinuteSampleTable {
  private readonly pool: pg.Pool;
  /** The last failure logged: a database down or a schema not there yet is said once, not every minute. */
  private lastProblem: string | null = null;

  constructor(
    private readonly table: SampleTable,
    private readonly settings: PostgresSettings,
    private readonly logger: Logger,
  ) {
    this.pool = new pg.Pool({ ...pgClientConfig(settings, { applicationName: 'watchfloor-samples', connectTimeoutMs: 5000 }), max: 1, query_timeout: 30_000, idleTimeoutMillis: 120_000 });
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  /** Inserts rows (chunks of 1,000); a conflict (another console wrote that minute) is no error. Resolves to rows written, 0 on failure (logged once). */
  async write(rows: readonly (readonly unknown[])[]): Promise<number> {
    const { name, columns, schemaVersion } = this.table;
    const width = columns.length;
    let written = 0;
    try {
      for (let i = 0; i < rows.length; i += 1000) {
        const chunk = rows.slice(i, i + 1000);
        const values = chunk.map((_, r) => `(${columns.map((__, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
        const result = await this.pool.query(`INSERT INTO ${name} (${columns.join(', ')}) VALUES ${values} ON CONFLICT DO NOTHING`, chunk.flat());
        written += result.rowCount ?? 0;
      }
      this.lastProblem = null;
    } catch (error) {
      const problem = sqlState(error) === '42P01' ? `no ${name} table yet (schema before v${schemaVersion}: the sinks migrate it when they start)` : describePgError(error, this.settings);
      if (problem !== this.lastProblem) this.logger.warn(`${name} not stored`, { error: problem });
      this.lastProblem = problem;
    }
    return written;
  }

  /**
   * The stored rows of `range` ending at `now`, grouped by `groupBy` (columns, may be empty) and
   * bucket `b` (0 … points-1), with `aggregates` (a select list) where `where` (its parameters
   * `$1 … $n` are `params`) holds.
   */
  async buckets<R>(range: StoredRange, now: number, query: { where: string; params: readonly unknown[]; aggregates: string; groupBy?: readonly string[] }): Promise<{ window: BucketWindow; rows: (R & { b: string })[] }> {
    const window = bucketWindow(range, now);
    const n = query.params.length;
    const group = query.groupBy ?? [];
    const sql = `SELECT ${[...group, `floor((extract(epoch FROM minute) * 1000 - $${n + 2}) / $${n + 3})::bigint AS b`, query.aggregates].join(', ')}
      FROM ${this.table.name} WHERE ${query.where} AND minute >= $${n + 1} AND minute < $${n + 4} GROUP BY ${[...group, 'b'].join(', ')}`;
    try {
      const { rows } = await this.pool.query<R & { b: string }>(sql, [...query.params, new Date(window.from), window.from, window.stepMs, new Date(window.from + window.points * window.stepMs)]);
      return { window, rows };
    } catch (error) {
      const { name, schemaVersion, what } = this.table;
      if (sqlState(error) === '42P01')
        throw new CodedError('NOT_FOUND', `no stored ${what} yet: this database is not at schema v${schemaVersion}, it has no ${name} (a console that may write creates it when it starts the sinks: watchfloor work --only event-store)`);
      if (isConnectionError(error)) throw new CodedError('BROKER_UNAVAILABLE', `PostgreSQL: ${describePgError(error, this.settings)}`);
      throw new CodedError('INTERNAL', `PostgreSQL: ${describePgError(error, this.settings)}`);
    }
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

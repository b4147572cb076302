import pg from 'pg';
import { CodedError } from '../../../shared/contract/errors';
import type { EnvironmentOverview, StreamHistory } from '../../../shared/model/overview';
import type { PostgresSettings } from '../environments/resolved-environment';
import type { Logger } from '../ports';
import { describePgError, isConnectionError, pgClientConfig, sqlState } from './pg-connection';

const MINUTE_MS = 60_000;

/** The stored ranges a stream's charts offer beside the live hour, and their bucket. */
export const STORED_RANGES = {
  '24h': { ms: 86_400_000, stepMs: 5 * MINUTE_MS },
  '7d': { ms: 7 * 86_400_000, stepMs: 60 * MINUTE_MS },
} as const;
export type StoredRange = keyof typeof STORED_RANGES;

/** Rows of one write: stream, group ('' for the stream itself), minute, length, lag, rate. */
type SampleRow = [string, string, Date, number | null, number | null, number | null];

/** One minute's rows from an overview: the stream's length and added/s, each group's lag and read/s. */
export function sampleRows(overview: EnvironmentOverview, minute: number): SampleRow[] {
  const at = new Date(minute);
  const rows: SampleRow[] = [];
  for (const s of overview.redis.streams ?? []) {
    if (s.bullQueue !== null) continue;
    rows.push([s.name, '', at, s.length, null, s.addRate]);
    for (const g of s.groups) rows.push([s.name, g.name, at, null, g.lag, g.readRate]);
  }
  return rows;
}

/**
 * Keeps a minute of each stream's depth in the environment's PostgreSQL (migration 6) and reads
 * it back for the 24 h / 7 d charts. Written by a console that may write to the environment, at
 * most once a minute, from the overview the monitor already made (no extra Redis command); a
 * database that is down loses those minutes only, never blocks the monitor.
 */
export class StreamSampleStore {
  private readonly pool: pg.Pool;
  private lastMinute = 0;
  private writing = false;
  /** The last failure logged: a database down or a schema not there yet is said once, not every minute. */
  private lastProblem: string | null = null;

  constructor(
    private readonly settings: PostgresSettings,
    private readonly logger: Logger,
  ) {
    this.pool = new pg.Pool({ ...pgClientConfig(settings, { applicationName: 'watchfloor-samples', connectTimeoutMs: 5000 }), max: 1, query_timeout: 30_000, idleTimeoutMillis: 120_000 });
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  /** Called with every overview; writes when a new minute has begun since the last write. */
  observe(overview: EnvironmentOverview): void {
    const minute = Math.floor(overview.at / MINUTE_MS) * MINUTE_MS;
    if (minute <= this.lastMinute || this.writing || overview.redis.status.state !== 'connected' || !overview.redis.streams) return;
    this.lastMinute = minute;
    void this.write(sampleRows(overview, minute));
  }

  /** Inserts one minute's rows (chunks of 1,000), a conflict (another console wrote it) is no error. Resolves to rows written. */
  async write(rows: readonly SampleRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    this.writing = true;
    let written = 0;
    try {
      for (let i = 0; i < rows.length; i += 1000) {
        const chunk = rows.slice(i, i + 1000);
        const values = chunk.map((_, r) => `($${r * 6 + 1}, $${r * 6 + 2}, $${r * 6 + 3}, $${r * 6 + 4}, $${r * 6 + 5}, $${r * 6 + 6})`).join(', ');
        const result = await this.pool.query(`INSERT INTO stream_samples (stream, grp, minute, length, lag, rate) VALUES ${values} ON CONFLICT DO NOTHING`, chunk.flat());
        written += result.rowCount ?? 0;
      }
      this.lastProblem = null;
    } catch (error) {
      // A missing table (schema not at v6 yet) or a database down: this minute is lost, said once in the log.
      const problem = sqlState(error) === '42P01' ? 'no stream_samples table yet (schema before v6: the sinks migrate it when they start)' : describePgError(error, this.settings);
      if (problem !== this.lastProblem) this.logger.warn('stream samples not stored', { error: problem });
      this.lastProblem = problem;
    } finally {
      this.writing = false;
    }
    return written;
  }

  /** A stream's stored history over `range` ending at `now`, bucketed: length max, lag max, rates mean. */
  async history(stream: string, range: StoredRange, now: number): Promise<StreamHistory> {
    const { ms, stepMs } = STORED_RANGES[range];
    const points = Math.round(ms / stepMs);
    const from = Math.floor((now - ms) / stepMs) * stepMs + stepMs;
    let rows: { grp: string; b: string; length: string | null; lag: string | null; rate: number | null }[];
    try {
      rows = (
        await this.pool.query<{ grp: string; b: string; length: string | null; lag: string | null; rate: number | null }>(
          `SELECT grp, floor((extract(epoch FROM minute) * 1000 - $3) / $4)::bigint AS b, max(length) AS length, max(lag) AS lag, avg(rate) AS rate
           FROM stream_samples WHERE stream = $1 AND minute >= $2 AND minute < $5 GROUP BY 1, 2`,
          [stream, new Date(from), from, stepMs, new Date(from + points * stepMs)],
        )
      ).rows;
    } catch (error) {
      if (sqlState(error) === '42P01') throw new CodedError('NOT_FOUND', 'no stored stream history yet: this database is not at schema v6 (a console that may write creates it when it starts the sinks: watchfloor work --only event-store)');
      if (isConnectionError(error)) throw new CodedError('BROKER_UNAVAILABLE', `PostgreSQL: ${describePgError(error, this.settings)}`);
      throw new CodedError('INTERNAL', `PostgreSQL: ${describePgError(error, this.settings)}`);
    }
    const groups = [...new Set(rows.map((r) => r.grp).filter((g) => g !== ''))].sort();
    const blank = () => Array.from({ length: points }, (): number | null => null);
    const series = new Map<string, (number | null)[]>();
    const put = (key: string, bucket: number, value: number | null) => {
      if (value === null || bucket < 0 || bucket >= points) return;
      let values = series.get(key);
      if (!values) series.set(key, (values = blank()));
      values[bucket] = value;
    };
    for (const r of rows) {
      const bucket = Number(r.b);
      if (r.grp === '') {
        put('length', bucket, r.length === null ? null : Number(r.length));
        put('addRate', bucket, r.rate);
      } else {
        put(`lag:${r.grp}`, bucket, r.lag === null ? null : Number(r.lag));
        put(`readRate:${r.grp}`, bucket, r.rate);
      }
    }
    const specs = [
      { key: 'length', label: 'length', unit: 'entries' as const },
      { key: 'addRate', label: 'added/s', unit: 'entries/s' as const },
      ...groups.map((g) => ({ key: `lag:${g}`, label: `${g} lag`, unit: 'entries' as const })),
      ...groups.map((g) => ({ key: `readRate:${g}`, label: `${g} read/s`, unit: 'entries/s' as const })),
    ];
    return { stream, gone: false, from, stepMs, points, series: specs.map((s) => ({ ...s, values: series.get(s.key) ?? blank() })) };
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

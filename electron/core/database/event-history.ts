import pg from 'pg';
import { CodedError } from '../../../shared/contract/errors';
import type { EvidenceItem } from '../../../shared/contract/method-groups/alerts';
import type { AssetMetrics, AssetMetricSeries, EventCursor, EventPage, HourlyCounts, StoredEvent } from '../../../shared/contract/method-groups/events';
import type { PostgresSettings } from '../environments/resolved-environment';
import type { DatabaseProbe } from '../monitor/database-watch';
import { MIGRATIONS_TABLE, readHypertables } from './schema';
import { describePgError, isConnectionError, pgClientConfig, sqlState } from './pg-connection';

export interface EventFilter {
  /** Epoch ms, inclusive. */
  since: number;
  /** Epoch ms, exclusive. */
  until: number;
  asset?: string;
  severity?: readonly string[];
  type?: string;
}

const HOUR_MS = 3_600_000;
/** The UTC hour an event falls in, whatever the session's time zone. */
const UTC_HOUR = "date_trunc('hour', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'";

/** The most series an asset's metric chart carries (those with the most samples). */
export const MAX_METRIC_SERIES = 24;

/** The bucket of an asset's metric chart: 5 minutes up to a day, an hour up to 7 days, 6 hours beyond (about 170–290 points). */
export function metricBucketMs(spanMs: number): number {
  if (spanMs <= 86_400_000 + HOUR_MS) return 5 * 60_000;
  if (spanMs <= 7 * 86_400_000 + HOUR_MS) return HOUR_MS;
  return 6 * HOUR_MS;
}

const NO_METRICS_TABLE = 'no metrics stored yet: this database has no metrics table (the metrics-store sink creates it: watchfloor work --env NAME --only metrics-store)';

/** Where stored evidence says it comes from (in place of a stream name). */
export const STORED_EVENTS_SOURCE = 'events table (PostgreSQL)';

/** The longest range one query may cover: the seed's 30-day metrics retention, with room. */
export const MAX_RANGE_MS = 90 * 24 * 3600_000;

/** A time given as epoch ms or an ISO 8601 string, as epoch ms; VALIDATION when it is neither. */
export function instantOf(value: number | string, what: string): number {
  if (typeof value === 'number') return value;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new CodedError('VALIDATION', `${what} "${value}" is not a time: give an ISO 8601 time (2026-12-07T09:00:00Z) or epoch ms`);
  return ms;
}

/** The WHERE clause and its parameters for a filter (and, for a page, the keyset cursor). */
export function whereOf(filter: EventFilter, before?: EventCursor, timeColumn: 'ts' | 'hour' = 'ts'): { sql: string; params: unknown[] } {
  if (filter.until <= filter.since) throw new CodedError('VALIDATION', 'until must be after since');
  if (filter.until - filter.since > MAX_RANGE_MS) throw new CodedError('VALIDATION', `a range of at most ${MAX_RANGE_MS / 86_400_000} days`);
  const params: unknown[] = [new Date(filter.since), new Date(filter.until)];
  const clauses = [`${timeColumn} >= $1`, `${timeColumn} < $2`];
  const add = (clause: (n: number) => string, value: unknown) => {
    params.push(value);
    clauses.push(clause(params.length));
  };
  if (filter.asset) add((n) => `asset_id = $${n}`, filter.asset);
  if (filter.severity?.length) add((n) => `severity = ANY($${n}::text[])`, [...filter.severity]);
  if (filter.type) add((n) => `event_type = $${n}`, filter.type);
  if (before) {
    params.push(new Date(before.ts), before.id);
    clauses.push(`(ts, id) < ($${params.length - 1}, $${params.length})`);
  }
  return { sql: clauses.join(' AND '), params };
}

interface EventRow {
  id: string;
  ts: Date;
  organization_id: string;
  asset_id: string;
  event_type: string;
  severity: string;
  source: string;
  title: string;
  correlation_id: string;
  stream_entry_id: string | null;
}

/**
 * Reads the events the `event-store` sink stored (issue 17): a page of them newest first, and the
 * count by hour. A small pool of its own (reads never wait behind the sink's batches). No table
 * yet, or the database down, answers with what to do, never an empty history.
 */
export class EventHistory {
  private readonly pool: pg.Pool;

  constructor(private readonly settings: PostgresSettings) {
    this.pool = new pg.Pool({ ...pgClientConfig(settings, { applicationName: 'watchfloor-history', connectTimeoutMs: 5000 }), max: 2, query_timeout: 30_000, idleTimeoutMillis: 30_000 });
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  async search(filter: EventFilter, limit: number, before?: EventCursor): Promise<EventPage> {
    const where = whereOf(filter, before);
    const rows = await this.query<EventRow>(
      `SELECT id, ts, organization_id, asset_id, event_type, severity, source, title, correlation_id, stream_entry_id FROM events WHERE ${where.sql} ORDER BY ts DESC, id DESC LIMIT ${Math.floor(limit) + 1}`,
      where.params,
    );
    const page = rows.slice(0, limit).map(toStoredEvent);
    const last = page[page.length - 1];
    return { events: page, next: rows.length > limit && last ? { ts: last.ts, id: last.id } : null };
  }

  /**
   * Events by UTC hour. The whole hours of the range come from `events_hourly` (kept by triggers,
   * migration 3); the part-hours at its ends, and a range shorter than two hours, from `events`.
   */
  async hourly(filter: EventFilter): Promise<HourlyCounts> {
    whereOf(filter);
    const firstWhole = Math.ceil(filter.since / HOUR_MS) * HOUR_MS;
    const lastWhole = Math.floor(filter.until / HOUR_MS) * HOUR_MS;
    const parts: Promise<{ hour: Date; n: string }[]>[] = [];
    const fromEvents = (since: number, until: number) => {
      const where = whereOf({ ...filter, since, until });
      return this.query<{ hour: Date; n: string }>(`SELECT ${UTC_HOUR} AS hour, count(*) AS n FROM events WHERE ${where.sql} GROUP BY 1`, where.params);
    };
    if (lastWhole - firstWhole < HOUR_MS) {
      parts.push(fromEvents(filter.since, filter.until));
    } else {
      if (filter.since < firstWhole) parts.push(fromEvents(filter.since, firstWhole));
      const where = whereOf({ ...filter, since: firstWhole, until: lastWhole }, undefined, 'hour');
      parts.push(this.query<{ hour: Date; n: string }>(`SELECT hour, sum(n) AS n FROM events_hourly WHERE ${where.sql} GROUP BY 1`, where.params));
      if (lastWhole < filter.until) parts.push(fromEvents(lastWhole, filter.until));
    }
    const counts = new Map<number, number>();
    for (const row of (await Promise.all(parts)).flat()) counts.set(row.hour.getTime(), (counts.get(row.hour.getTime()) ?? 0) + Number(row.n));
    const buckets = [...counts].filter(([, count]) => count > 0).sort((a, b) => a[0] - b[0]).map(([hour, count]) => ({ hour, count }));
    return { buckets, total: buckets.reduce((sum, b) => sum + b.count, 0) };
  }

  /**
   * An alert's evidence from the stored events: the events with its correlation id, or the
   * triggering event by id, newest first, as seed 000 events (for when the stream has trimmed them).
   */
  async evidence(correlationId: string | null, eventId: string | null, limit = 200): Promise<EvidenceItem[]> {
    if (!correlationId && !eventId) return [];
    const rows = await this.query<{ id: string; stream_entry_id: string | null; doc: Record<string, unknown> }>(
      `SELECT id, stream_entry_id, jsonb_build_object('id', id, 'timestamp', to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'organization_id', organization_id,
              'asset_id', asset_id, 'event_type', event_type, 'severity', severity, 'source', source, 'title', title, 'description', description,
              'metadata', metadata, 'tags', to_jsonb(tags), 'correlation_id', correlation_id, 'raw_data', raw_data) AS doc
       FROM events WHERE correlation_id = $1 OR id = $2 ORDER BY ts DESC LIMIT ${Math.floor(limit)}`,
      [correlationId ?? '', eventId ?? ''],
    );
    return rows.map((r) => ({ stream: STORED_EVENTS_SOURCE, id: r.stream_entry_id ?? r.id, isDeadLetter: false, isTrigger: r.id === eventId, preview: JSON.stringify(r.doc, null, 2), truncated: false }));
  }

  /**
   * An asset's metric samples (`metrics`, seed 000's metrics-store) over the range, each numeric
   * field of each metric type bucketed (mean and highest). Read with the table's key (asset,
   * metric type, time); at most {@link MAX_METRIC_SERIES} series, the rest counted.
   */
  async assetMetrics(asset: string, since: number, until: number): Promise<AssetMetrics> {
    whereOf({ since, until });
    const stepMs = metricBucketMs(until - since);
    const from = Math.floor(since / stepMs) * stepMs;
    const points = Math.ceil((until - from) / stepMs);
    const rows = await this.query<{ metric_type: string; name: string; bucket: number; avg: number; max: number; n: string }>(
      `SELECT m.metric_type, k.key AS name, floor((extract(epoch FROM m.ts) * 1000 - $4::bigint) / $5::bigint)::int AS bucket,
              avg((k.value #>> '{}')::double precision) AS avg, max((k.value #>> '{}')::double precision) AS max, count(*) AS n
       FROM metrics m CROSS JOIN LATERAL jsonb_each(m.metrics) k
       WHERE m.asset_id = $1 AND m.ts >= $2 AND m.ts < $3 AND jsonb_typeof(k.value) = 'number'
       GROUP BY 1, 2, 3`,
      [asset, new Date(since), new Date(until), from, stepMs],
      NO_METRICS_TABLE,
    );
    const byKey = new Map<string, AssetMetricSeries>();
    for (const r of rows) {
      const key = `${r.metric_type}\u0000${r.name}`;
      let series = byKey.get(key);
      if (!series) byKey.set(key, (series = { metricType: r.metric_type, name: r.name, avg: new Array<number | null>(points).fill(null), max: new Array<number | null>(points).fill(null), samples: 0 }));
      if (r.bucket < 0 || r.bucket >= points) continue;
      series.avg[r.bucket] = Number(r.avg);
      series.max[r.bucket] = Number(r.max);
      series.samples += Number(r.n);
    }
    const kept = [...byKey.values()].sort((a, b) => b.samples - a.samples).slice(0, MAX_METRIC_SERIES);
    kept.sort((a, b) => a.metricType.localeCompare(b.metricType) || a.name.localeCompare(b.name));
    return { asset, from, stepMs, points, series: kept, omitted: byKey.size - kept.length };
  }

  /** Reachability, schema version and storage mode (two short queries); the raw error thrown (the watch names it). */
  async probe(): Promise<DatabaseProbe> {
    const { rows } = await this.pool.query<{ has_table: boolean; timescale: boolean }>(
      `SELECT to_regclass('${MIGRATIONS_TABLE}') IS NOT NULL AS has_table, EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS timescale`,
    );
    const storage = rows[0]?.timescale ? ((await readHypertables(this.pool, true)).length ? 'timescaledb' : 'timescaledb-unused') : 'postgresql';
    if (!rows[0]?.has_table) return { version: null, storage };
    const applied = await this.pool.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${MIGRATIONS_TABLE}`);
    return { version: applied.rows[0]?.version ?? null, storage };
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[], noTable = 'no events stored yet: this database has no events table (the event-store sink creates it: watchfloor work --env NAME --only event-store)'): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (error) {
      if (sqlState(error) === '42P01') throw new CodedError('NOT_FOUND', noTable);
      if (isConnectionError(error)) throw new CodedError('BROKER_UNAVAILABLE', `PostgreSQL: ${describePgError(error, this.settings)}`);
      throw new CodedError('INTERNAL', `PostgreSQL: ${describePgError(error, this.settings)}`);
    }
  }
}

function toStoredEvent(r: EventRow): StoredEvent {
  return { id: r.id, ts: r.ts.getTime(), organizationId: r.organization_id, assetId: r.asset_id, eventType: r.event_type, severity: r.severity, source: r.source, title: r.title, correlationId: r.correlation_id, streamEntryId: r.stream_entry_id };
}

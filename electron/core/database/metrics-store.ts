import { SecurityMetric } from '../../../shared/schemas/security-streams';
import { SEED_RETRY_POLICIES } from '../workers/backoff';
import { parsePayload } from '../workers/processors/parse-payload';
import { PgSinkHandler, type PgSinkOptions, type SinkTable } from './pg-sink';

const COLUMNS = ['asset_id', 'metric_type', 'ts', 'organization_id', 'metrics', 'tags', 'stream_entry_id'] as const;

/**
 * Metric samples into `metrics`. A sample has no id of its own: asset, metric type and timestamp
 * are its key, so a redelivered sample (or the same sample twice in one batch) is stored once.
 */
export const INSERT_METRICS_SQL = `INSERT INTO metrics (${COLUMNS.join(', ')})
SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::jsonb[], $6::jsonb[], $7::text[])
ON CONFLICT (asset_id, metric_type, ts) DO NOTHING`;

/** The insert's parameters for `metrics` (one array per column). */
export function metricColumns(rows: readonly { value: SecurityMetric; entryId: string | null }[]): unknown[][] {
  const columns: unknown[][] = COLUMNS.map(() => []);
  for (const { value: metric, entryId } of rows) {
    const values = [metric.asset_id, metric.metric_type, metric.timestamp, metric.organization_id, JSON.stringify(metric.metrics), JSON.stringify(metric.tags), entryId];
    values.forEach((value, i) => columns[i]!.push(value));
  }
  return columns;
}

/** Seed 000's metrics into `metrics`. Seed 000 gives no retry policy for metrics: the event processors'. */
export const METRICS_TABLE: SinkTable<SecurityMetric> = {
  name: 'metrics-store',
  stream: 'security.metrics',
  insertSql: INSERT_METRICS_SQL,
  columns: metricColumns,
  parse: (message) => parsePayload(message, SecurityMetric),
  retryPolicy: SEED_RETRY_POLICIES.events,
};

/** The `metrics-store` sink (issue 17): `security.metrics` entries into the `metrics` table (see PgSinkHandler). */
export class MetricsStoreHandler extends PgSinkHandler<SecurityMetric> {
  constructor(options: PgSinkOptions) {
    super(METRICS_TABLE, options);
  }
}

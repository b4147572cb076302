import type { SecurityEvent } from '../../../shared/schemas/security-streams';
import { SEED_RETRY_POLICIES } from '../workers/backoff';
import { invalidReason } from '../workers/processors/event-handler';
import { PgSinkHandler, type PgSinkOptions, type SinkTable } from './pg-sink';

const COLUMNS = ['id', 'ts', 'organization_id', 'asset_id', 'event_type', 'severity', 'source', 'title', 'description', 'metadata', 'tags', 'correlation_id', 'raw_data', 'stream_entry_id'] as const;

/**
 * One multi-row insert for any number of events: each column as one array parameter (14
 * parameters whatever the batch size), rows already stored skipped by their event id (the key
 * is (id, ts) when events is a TimescaleDB hypertable: no conflict target, so either works). Rows go
 * in hourly-rollup key order, so two sinks' batches lock the rollup rows in one order (migration 8).
 */
export const INSERT_EVENTS_SQL = `INSERT INTO events (${COLUMNS.join(', ')})
SELECT u.id, u.ts, u.organization_id, u.asset_id, u.event_type, u.severity, u.source, u.title, u.description, u.metadata,
       ARRAY(SELECT jsonb_array_elements_text(u.tags)), u.correlation_id, u.raw_data, u.stream_entry_id
FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
            $10::jsonb[], $11::jsonb[], $12::text[], $13::jsonb[], $14::text[])
  AS u(${COLUMNS.join(', ')})
ORDER BY date_trunc('hour', u.ts AT TIME ZONE 'UTC'), u.asset_id, u.severity, u.event_type
ON CONFLICT DO NOTHING`;

/** The insert's parameters for `events` (one array per column). */
export function eventColumns(rows: readonly { value: SecurityEvent; entryId: string | null }[]): unknown[][] {
  const columns: unknown[][] = COLUMNS.map(() => []);
  for (const { value: event, entryId } of rows) {
    const values = [event.id, event.timestamp, event.organization_id, event.asset_id, event.event_type, event.severity, event.source, event.title, event.description, JSON.stringify(event.metadata), JSON.stringify(event.tags), event.correlation_id, JSON.stringify(event.raw_data), entryId];
    values.forEach((value, i) => columns[i]!.push(value));
  }
  return columns;
}

/** Seed 000's events into `events`, one row per event id. */
export const EVENTS_TABLE: SinkTable<SecurityEvent> = {
  name: 'event-store',
  stream: 'security.events',
  insertSql: INSERT_EVENTS_SQL,
  columns: eventColumns,
  parse(message) {
    const checked = invalidReason(message.payload);
    return 'reason' in checked ? { ok: false, reason: checked.reason } : { ok: true, value: checked.event };
  },
  retryPolicy: SEED_RETRY_POLICIES.events,
};

export type EventStoreOptions = PgSinkOptions;

/** The `event-store` sink (issue 17): `security.events` entries into the `events` table (see PgSinkHandler). */
export class EventStoreHandler extends PgSinkHandler<SecurityEvent> {
  constructor(options: EventStoreOptions) {
    super(EVENTS_TABLE, options);
  }
}

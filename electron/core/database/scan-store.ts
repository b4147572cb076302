import { SecurityScan } from '../../../shared/schemas/security-streams';
import { SEED_RETRY_POLICIES } from '../workers/backoff';
import { parsePayload } from '../workers/processors/parse-payload';
import { PgSinkHandler, type PgSinkOptions, type SinkTable } from './pg-sink';

const COLUMNS = ['scan_id', 'status', 'scan_type', 'organization_id', 'asset_id', 'priority', 'scheduled_time', 'parameters', 'findings_count', 'critical_issues', 'scan_duration', 'stream_entry_id'] as const;

/** Scan states into `scans`: one row per scan id and status (queued, running, completed…), a redelivered state skipped. */
export const INSERT_SCANS_SQL = `INSERT INTO scans (${COLUMNS.join(', ')})
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::jsonb[],
                     $9::integer[], $10::integer[], $11::double precision[], $12::text[])
ON CONFLICT (scan_id, status) DO NOTHING`;

/** The insert's parameters for `scans` (one array per column; a scan without results has null counts). */
export function scanColumns(rows: readonly { value: SecurityScan; entryId: string | null }[]): unknown[][] {
  const columns: unknown[][] = COLUMNS.map(() => []);
  for (const { value: scan, entryId } of rows) {
    const values = [scan.scan_id, scan.status, scan.scan_type, scan.organization_id, scan.asset_id, scan.priority, scan.scheduled_time, JSON.stringify(scan.parameters), scan.results?.findings_count ?? null, scan.results?.critical_issues ?? null, scan.results?.scan_duration ?? null, entryId];
    values.forEach((value, i) => columns[i]!.push(value));
  }
  return columns;
}

/** Seed 000's scans into `scans`. Seed 000 gives no retry policy for scans: the event processors'. */
export const SCANS_TABLE: SinkTable<SecurityScan> = {
  name: 'scan-store',
  stream: 'security.scans',
  insertSql: INSERT_SCANS_SQL,
  columns: scanColumns,
  parse: (message) => parsePayload(message, SecurityScan),
  retryPolicy: SEED_RETRY_POLICIES.events,
};

/** The `scan-store` sink (issue 17): `security.scans` entries into the `scans` table (see PgSinkHandler). */
export class ScanStoreHandler extends PgSinkHandler<SecurityScan> {
  constructor(options: PgSinkOptions) {
    super(SCANS_TABLE, options);
  }
}

import { MIGRATION_001 } from './001-pipeline-tables';
import { MIGRATION_002 } from './002-correlation-index';
import { MIGRATION_003 } from './003-events-hourly';
import { MIGRATION_004 } from './004-seed002-tables';
import { MIGRATION_005 } from './005-metric-alerts';
import { MIGRATION_006 } from './006-stream-samples';
import { MIGRATION_007 } from './007-queue-samples';
import { MIGRATION_008 } from './008-timescaledb';

/** One schema step: applied once, in one transaction, recorded in `watchfloor_migrations`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Every schema version this build knows, in order (versions 1, 2, 3… without gaps). A released
 * migration is never edited: a change is a new version (the runner refuses a database whose
 * recorded checksum differs from the code's).
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'pipeline tables: events, scans, metrics', sql: MIGRATION_001 },
  { version: 2, name: 'events by correlation id', sql: MIGRATION_002 },
  { version: 3, name: 'events counted by hour', sql: MIGRATION_003 },
  { version: 4, name: 'seed 002 tables: systems, system_metrics', sql: MIGRATION_004 },
  { version: 5, name: 'seed 002 alert trigger: metric_thresholds, metric_alerts, pg_notify', sql: MIGRATION_005 },
  { version: 6, name: 'stream samples a minute, for the 24 h and 7 d charts', sql: MIGRATION_006 },
  { version: 7, name: 'queue samples a minute (RabbitMQ, BullMQ), for the 24 h and 7 d charts', sql: MIGRATION_007 },
  { version: 8, name: 'TimescaleDB when installed: events and metrics hypertables with retention policies', sql: MIGRATION_008 },
];

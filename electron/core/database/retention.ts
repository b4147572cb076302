import type pg from 'pg';
import type { Clock, Logger } from '../ports';
import type { PostgresSettings } from '../environments/resolved-environment';
import { connectPg, describePgError, sqlState } from './pg-connection';
import { readHypertables } from './schema';

/**
 * Retention on plain PostgreSQL (issue 17): what TimescaleDB's retention policies would do, done
 * by the console. A table that is a TimescaleDB hypertable with a retention policy (migration 8)
 * is left to that policy; as dropping a chunk fires no delete trigger, the hourly rollup of events
 * is then deleted here (see rulesBeside). Each table keeps the days below by its time column; older rows are deleted in
 * batches (each its own short transaction, so the sinks never wait long behind it and the
 * hourly rollup's delete trigger sees a bounded set), under a session advisory lock so that of
 * all the consoles and workers on one database only one runs it at a time.
 */
export interface RetentionRule {
  table: string;
  /** The time column the age is measured on (it has an index). */
  column: string;
  days: number;
}

/** Events and scans: the 30 days the Events view and forensics look back (seed 003's 30-day DLQ retention); metric, stream and queue samples: 7 days. */
export const DEFAULT_RETENTION: readonly RetentionRule[] = [
  { table: 'events', column: 'ts', days: 30 },
  { table: 'scans', column: 'scheduled_time', days: 30 },
  { table: 'metrics', column: 'ts', days: 7 },
  { table: 'stream_samples', column: 'minute', days: 7 },
  { table: 'queue_samples', column: 'minute', days: 7 },
  // Seed 002's collector samples; its systems inventory and the detected metric alerts are kept.
  { table: 'system_metrics', column: 'collected_at', days: 7 },
];

/**
 * The rules to run beside TimescaleDB's policies: tables with a policy of their own are skipped.
 * When `events` is one, its hourly rollup (which chunk drops do not update) goes by its hour one
 * day later than the events' age: a chunk is a day, so every hour deleted lies in a dropped chunk.
 */
export function rulesBeside(rules: readonly RetentionRule[], withPolicy: ReadonlySet<string>): RetentionRule[] {
  const kept = rules.filter((rule) => !withPolicy.has(rule.table));
  const events = rules.find((rule) => rule.table === 'events');
  if (events && withPolicy.has('events')) kept.push({ table: 'events_hourly', column: 'hour', days: events.days + 1 });
  return kept;
}

const RETENTION_LOCK = 0x77_66_72_74; // "wfrt"
const DAY_MS = 86_400_000;

export interface RetentionOutcome {
  /** False when another console held the lock: nothing was done by this one. */
  ran: boolean;
  deleted: { table: string; rows: number; before: number }[];
  /** Tables that do not exist yet (no sink has created them): skipped. */
  missing: string[];
  /** True when a table still has rows past its age after maxBatches: the next run goes on. */
  hasMore: boolean;
  /** Tables skipped because they are TimescaleDB hypertables with a retention policy of their own. */
  leftToTimescale: string[];
}

/** One retention pass over `rules` with an open client. */
export async function runRetention(
  client: pg.ClientBase,
  now: number,
  rules: readonly RetentionRule[] = DEFAULT_RETENTION,
  options: { batch?: number; maxBatches?: number } = {},
): Promise<RetentionOutcome> {
  const batch = options.batch ?? 10_000;
  const maxBatches = options.maxBatches ?? 200;
  const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RETENTION_LOCK]);
  if (!rows[0]?.locked) return { ran: false, deleted: [], missing: [], hasMore: false, leftToTimescale: [] };
  const outcome: RetentionOutcome = { ran: true, deleted: [], missing: [], hasMore: false, leftToTimescale: [] };
  try {
    const timescale = await client.query<{ installed: boolean }>("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS installed");
    const withPolicy = new Set((await readHypertables(client, timescale.rows[0]?.installed === true)).filter((h) => h.dropAfter !== null).map((h) => h.table));
    outcome.leftToTimescale = rules.filter((rule) => withPolicy.has(rule.table)).map((rule) => rule.table);
    for (const rule of rulesBeside(rules, withPolicy)) {
      if (!/^[a-z_]+$/.test(rule.table) || !/^[a-z_]+$/.test(rule.column)) throw new Error(`retention: bad table or column name ${rule.table}.${rule.column}`);
      const before = now - rule.days * DAY_MS;
      let total = 0;
      try {
        for (let i = 0; ; i++) {
          if (i >= maxBatches) {
            outcome.hasMore = true;
            break;
          }
          const result = await client.query(`DELETE FROM ${rule.table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${rule.table} WHERE ${rule.column} < $1 LIMIT ${batch}))`, [new Date(before)]);
          total += result.rowCount ?? 0;
          if ((result.rowCount ?? 0) < batch) break;
        }
      } catch (error) {
        if (sqlState(error) === '42P01') {
          outcome.missing.push(rule.table);
          continue;
        }
        throw error;
      }
      outcome.deleted.push({ table: rule.table, rows: total, before });
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK]).catch(() => undefined);
  }
  return outcome;
}

/** How often the console runs retention on a writable environment's database. */
export const RETENTION_EVERY_MS = 3_600_000;

/**
 * Runs retention a minute after start and then every hour, with its own short-lived connection;
 * a failure is logged and tried again at the next run. Only on writable environments.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  last: { at: number; outcome: RetentionOutcome | null; error: string | null } | null = null;

  constructor(
    private readonly settings: PostgresSettings,
    private readonly deps: { clock: Clock; logger: Logger },
    private readonly options: { everyMs?: number; firstAfterMs?: number; rules?: readonly RetentionRule[] } = {},
  ) {}

  start(): void {
    const first = setTimeout(() => {
      void this.runOnce();
      this.timer = setInterval(() => void this.runOnce(), this.options.everyMs ?? RETENTION_EVERY_MS);
      this.timer.unref?.();
    }, this.options.firstAfterMs ?? 60_000);
    first.unref?.();
    this.timer = first;
  }

  stop(): void {
    clearTimeout(this.timer);
    clearInterval(this.timer);
  }

  async runOnce(): Promise<RetentionOutcome | null> {
    if (this.running) return null;
    this.running = true;
    const at = this.deps.clock.now();
    let client: pg.Client | null = null;
    try {
      client = await connectPg(this.settings, { applicationName: 'watchfloor-retention', connectTimeoutMs: 5000 });
      const outcome = await runRetention(client, at, this.options.rules);
      this.last = { at, outcome, error: null };
      const removed = outcome.deleted.filter((d) => d.rows > 0);
      if (removed.length) this.deps.logger.info('database retention', { deleted: Object.fromEntries(removed.map((d) => [d.table, d.rows])), hasMore: outcome.hasMore });
      return outcome;
    } catch (error) {
      const message = describePgError(error, this.settings);
      this.last = { at, outcome: null, error: message };
      this.deps.logger.warn('database retention failed', { error: message });
      return null;
    } finally {
      this.running = false;
      await client?.end().catch(() => undefined);
    }
  }
}

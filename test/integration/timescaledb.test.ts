import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventColumns, INSERT_EVENTS_SQL } from '../../electron/core/database/event-store';
import { MIGRATIONS } from '../../electron/core/database/migrations';
import { runRetention } from '../../electron/core/database/retention';
import { detectStorage, migrate } from '../../electron/core/database/schema';
import { createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import type { SecurityEvent } from '../../shared/schemas/security-streams';
import { OwnPostgres } from '../helpers/postgres';
import { useMigratedDatabase } from '../helpers/migrated-database';
import { TIMESCALE_STUB_VERSION, timescaleStubTree } from '../helpers/timescale-stub';

/**
 * Migration 8 and the storage the console names, on a PostgreSQL whose server has a `timescaledb`
 * extension. Not the real TimescaleDB (it cannot be installed here): a stand-in with the same
 * function and view names that refuses what TimescaleDB refuses (timescale-stub.ts). On the
 * machine's plain PostgreSQL the same migration changes nothing.
 */
const HOUR = 3_600_000;

async function query<T extends pg.QueryResultRow>(client: pg.Client, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await client.query<T>(sql, params)).rows;
}

const primaryKey = (client: pg.Client, table: string) =>
  query<{ col: string }>(client, `SELECT a.attname AS col FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY a.attname`, [table]).then((rows) => rows.map((r) => r.col));

const triggersOf = (client: pg.Client, table: string) =>
  query<{ name: string; transition: boolean }>(client, `SELECT tgname AS name, (tgnewtable IS NOT NULL OR tgoldtable IS NOT NULL) AS transition FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal ORDER BY 1`, [table]);

async function insertEvents(client: pg.Client, events: readonly Record<string, unknown>[]): Promise<number> {
  const result = await client.query(INSERT_EVENTS_SQL, eventColumns(events.map((value) => ({ value: value as unknown as SecurityEvent, entryId: null }))));
  return result.rowCount ?? 0;
}

async function hourlyTotal(client: pg.Client): Promise<number> {
  return Number((await query<{ n: string | null }>(client, 'SELECT sum(n) AS n FROM events_hourly'))[0]!.n ?? 0);
}

describe('migration 8 on the machine’s plain PostgreSQL', () => {
  const fixture = useMigratedDatabase();

  it('changes nothing: events keyed by id, the statement triggers kept, storage named plain', async () => {
    const client = await fixture.db.client();
    try {
      expect(await primaryKey(client, 'events')).toEqual(['id']);
      expect(await triggersOf(client, 'events')).toEqual([
        { name: 'events_hourly_add', transition: true },
        { name: 'events_hourly_remove', transition: true },
      ]);
      const storage = await detectStorage(client);
      expect(storage.mode).toBe('postgresql');
      expect(storage.description).toMatch(/^plain PostgreSQL tables with time indexes/);
    } finally {
      await client.end();
    }
  });
});

describe('migration 8 with the timescaledb extension installed (stand-in, see timescale-stub.ts)', () => {
  let tree: ReturnType<typeof timescaleStubTree>;
  let server: OwnPostgres;
  let admin: pg.Client;
  let made = 0;

  /** A new database on the stand-in server, with the extension installed (or not). */
  async function database(withExtension: boolean): Promise<pg.Client> {
    const name = `wf_tsdb_${++made}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const client = new pg.Client(server.settings(name));
    await client.connect();
    if (withExtension) await client.query('CREATE EXTENSION timescaledb');
    return client;
  }

  beforeAll(async () => {
    tree = timescaleStubTree();
    server = await OwnPostgres.start(undefined, tree.pgBin);
    admin = new pg.Client(server.settings());
    await admin.connect();
  }, 90_000);
  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await server?.stop();
    tree?.cleanup();
  });

  it('a new database: events and metrics become hypertables with 30 d and 7 d retention policies; the rest stay plain; the storage line says so', async () => {
    const client = await database(true);
    try {
      const state = await migrate(client);
      expect(state.version).toBe(MIGRATIONS.length);
      expect(state.storage).toMatchObject({
        mode: 'timescaledb',
        timescaleVersion: TIMESCALE_STUB_VERSION,
        hypertables: [
          { table: 'events', dropAfter: '30 days' },
          { table: 'metrics', dropAfter: '7 days' },
        ],
      });
      expect(state.storage.description).toContain('hypertables with retention policies: events (drop after 30 days), metrics (drop after 7 days)');
      expect(await primaryKey(client, 'events')).toEqual(['id', 'ts']);
      expect(await primaryKey(client, 'metrics')).toEqual(['asset_id', 'metric_type', 'ts']);
      // No transition-table trigger left on a hypertable; seed 002's table keeps its (it stays plain).
      expect(await triggersOf(client, 'events')).toEqual([
        { name: 'events_hourly_add_row', transition: false },
        { name: 'events_hourly_remove_row', transition: false },
      ]);
      expect((await triggersOf(client, 'system_metrics')).some((t) => t.transition)).toBe(true);
    } finally {
      await client.end();
    }
  }, 60_000);

  it('on the hypertable a redelivered batch adds nothing, and the hourly rollup counts each event once (row triggers)', async () => {
    const client = await database(true);
    try {
      await migrate(client);
      const random = createRandom(17);
      const start = Date.UTC(2026, 11, 6);
      const events = Array.from({ length: 600 }, (_, i) => securityEvent(random, start + i * 30_000));
      expect(await insertEvents(client, events)).toBe(600);
      expect(await insertEvents(client, [...events.slice(0, 300), ...events.slice(0, 300)].reverse())).toBe(0);
      expect(Number((await query<{ n: string }>(client, 'SELECT count(*) AS n FROM events'))[0]!.n)).toBe(600);
      expect(await hourlyTotal(client)).toBe(600);
      // By hour, the rollup equals a count of the table.
      const mismatched = await query(
        client,
        `SELECT * FROM (SELECT date_trunc('hour', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour, asset_id, severity, event_type, count(*) AS n FROM events GROUP BY 1, 2, 3, 4) c
         FULL JOIN events_hourly h USING (hour, asset_id, severity, event_type) WHERE c.n IS DISTINCT FROM h.n`,
      );
      expect(mismatched).toEqual([]);
      await client.query(`DELETE FROM events WHERE ts < $1`, [new Date(start + 2 * HOUR)]);
      expect(await hourlyTotal(client)).toBe(360);
    } finally {
      await client.end();
    }
  }, 60_000);

  it('an existing database at version 7 with rows: converted with its data kept; the rollup unchanged', async () => {
    const client = await database(false);
    try {
      await migrate(client, MIGRATIONS.slice(0, 7));
      const random = createRandom(5);
      const events = Array.from({ length: 200 }, (_, i) => securityEvent(random, Date.UTC(2026, 11, 1) + i * 60_000));
      await insertEvents(client, events);
      await client.query('CREATE EXTENSION timescaledb');
      const state = await migrate(client);
      expect(state.applied).toEqual([8]);
      expect(state.storage.mode).toBe('timescaledb');
      expect(Number((await query<{ n: string }>(client, 'SELECT count(*) AS n FROM events'))[0]!.n)).toBe(200);
      expect(await hourlyTotal(client)).toBe(200);
    } finally {
      await client.end();
    }
  }, 60_000);

  it('a refusal mid-migration rolls the whole of version 8 back: the error is TimescaleDB’s, the tables are as before', async () => {
    const client = await database(true);
    try {
      await migrate(client, MIGRATIONS.slice(0, 7));
      // A unique key without the time column on metrics: TimescaleDB refuses to make it a hypertable.
      await client.query('CREATE UNIQUE INDEX metrics_asset_unique ON metrics (asset_id, metric_type)');
      await expect(migrate(client)).rejects.toThrow(/migrating the database failed: cannot create a unique index without the column "ts"/);
      expect(Number((await query<{ v: number }>(client, 'SELECT max(version) AS v FROM watchfloor_migrations'))[0]!.v)).toBe(7);
      expect(await primaryKey(client, 'events')).toEqual(['id']);
      expect((await triggersOf(client, 'events')).map((t) => t.name)).toEqual(['events_hourly_add', 'events_hourly_remove']);
      expect((await detectStorage(client)).hypertables).toEqual([]);
    } finally {
      await client.end();
    }
  }, 60_000);

  it('the extension installed after version 8: tables stay plain, and the storage line says why', async () => {
    const client = await database(false);
    try {
      await migrate(client);
      await client.query('CREATE EXTENSION timescaledb');
      const storage = await detectStorage(client);
      expect(storage.mode).toBe('timescaledb-unused');
      expect(storage.description).toContain('installed, but the tables are plain (the schema was made before the extension was installed)');
    } finally {
      await client.end();
    }
  }, 60_000);

  it('the console’s retention leaves events and metrics to the policies, keeps scans, and deletes the rollup of dropped days', async () => {
    const client = await database(true);
    try {
      await migrate(client);
      const now = Date.UTC(2026, 11, 7, 12);
      await client.query(
        `INSERT INTO events (id, ts, organization_id, asset_id, event_type, severity, source, title, description, correlation_id)
         SELECT 'ev-' || d, $1::timestamptz - (d || ' days')::interval, 'org', 'a', 'login', 'high', 'edr', 't', 'd', 'c' FROM generate_series(0, 39) d`,
        [new Date(now)],
      );
      await client.query(
        `INSERT INTO scans (scan_id, status, scan_type, organization_id, asset_id, priority, scheduled_time) VALUES
         ('old', 'completed', 'vuln', 'org', 'a', 'low', $1::timestamptz - interval '31 days'), ('new', 'completed', 'vuln', 'org', 'a', 'low', $1::timestamptz - interval '29 days')`,
        [new Date(now)],
      );
      const outcome = await runRetention(client, now);
      expect(outcome.ran).toBe(true);
      expect(outcome.leftToTimescale).toEqual(['events', 'metrics']);
      expect(outcome.deleted.map((d) => d.table)).not.toContain('events');
      expect(outcome.deleted.find((d) => d.table === 'scans')?.rows).toBe(1);
      // The stand-in drops no chunk: the 40 events stay; the rollup hours older than 31 days (days 32..39) go.
      expect(Number((await query<{ n: string }>(client, 'SELECT count(*) AS n FROM events'))[0]!.n)).toBe(40);
      expect(outcome.deleted.find((d) => d.table === 'events_hourly')?.rows).toBe(8);
      expect(await hourlyTotal(client)).toBe(32);
    } finally {
      await client.end();
    }
  }, 60_000);
});

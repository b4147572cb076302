import { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreHandler } from '../../electron/core/database/event-store';
import { MIGRATIONS } from '../../electron/core/database/migrations';
import { migrate, MIGRATIONS_TABLE, SchemaRefusedError } from '../../electron/core/database/schema';
import { createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import { WorkerRuntime } from '../../electron/core/workers/worker-runtime';
import { DLQ_FIELDS } from '../../shared/model/dead-letter';
import { REDIS_URL, deleteKeys, uniqueNamespace } from '../helpers/brokers';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { testConsumer } from '../helpers/stream-workers';
import { waitFor } from '../helpers/wait';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const redisSettings = { host: '127.0.0.1', port: Number(new URL(REDIS_URL).port || 6379), db: 0, username: '', password: '', tls: false, tlsSettings: null };

async function count(client: pg.Client, sql: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(sql);
  return Number(rows[0]!.n);
}

async function addEvents(redis: Redis, stream: string, events: readonly Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    const pipeline = redis.pipeline();
    for (const event of events.slice(i, i + 500)) pipeline.xadd(stream, '*', 'data', JSON.stringify(event));
    await pipeline.exec();
  }
}

/** Fields of a DLQ entry as name → value. */
function fieldsOf(entry: [string, string[]]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < entry[1].length; i += 2) out[entry[1][i]!] = entry[1][i + 1]!;
  return out;
}

describe('schema migrations', () => {
  let db: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase();
    client = await db.client();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('apply once, in order, recorded; a second run applies nothing; the tables and their keys exist; the mode is named', async () => {
    const first = await migrate(client);
    expect(first.applied).toEqual(MIGRATIONS.map((m) => m.version));
    expect(first.version).toBe(MIGRATIONS.length);
    expect(first.storage).toMatchObject({ mode: 'postgresql', timescaleVersion: null, description: expect.stringContaining('plain PostgreSQL') });
    const second = await migrate(client);
    expect(second).toMatchObject({ applied: [], version: first.version });
    expect(await count(client, `SELECT count(*) AS n FROM ${MIGRATIONS_TABLE}`)).toBe(MIGRATIONS.length);
    const { rows } = await client.query<{ table_name: string; key: string }>(
      "SELECT tc.table_name, string_agg(kcu.column_name, ',' ORDER BY kcu.ordinal_position) AS key FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu USING (constraint_name, table_name) WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_name IN ('events', 'scans', 'metrics') GROUP BY tc.table_name ORDER BY tc.table_name",
    );
    expect(rows).toEqual([
      { table_name: 'events', key: 'id' },
      { table_name: 'metrics', key: 'asset_id,metric_type,ts' },
      { table_name: 'scans', key: 'scan_id,status' },
    ]);
    expect(await count(client, "SELECT count(*) AS n FROM pg_indexes WHERE tablename = 'events' AND indexname = 'events_ts_idx'")).toBe(1);
  });

  it('two consoles migrating at once apply each version once', async () => {
    const other = await createTestDatabase();
    const [a, b] = [await other.client(), await other.client()];
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      expect([...ra.applied, ...rb.applied].sort()).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await count(a, `SELECT count(*) AS n FROM ${MIGRATIONS_TABLE}`)).toBe(MIGRATIONS.length);
    } finally {
      await a.end();
      await b.end();
      await other.drop();
    }
  });

  it('a newer schema than the code knows is refused, clearly, and nothing is changed', async () => {
    await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, checksum) VALUES (99, 'from the future', 'x')`);
    try {
      const error = await migrate(client).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaRefusedError);
      expect((error as Error).message).toMatch(new RegExp(`schema version 99 \\(from the future\\), newer than this Watchfloor knows \\(${MIGRATIONS.length}\\): upgrade Watchfloor.*nothing was changed`));
      expect(await count(client, `SELECT count(*) AS n FROM ${MIGRATIONS_TABLE}`)).toBe(MIGRATIONS.length + 1);
    } finally {
      await client.query(`DELETE FROM ${MIGRATIONS_TABLE} WHERE version = 99`);
    }
  });

  it('a database migrated by a different version 1 is refused', async () => {
    const error = await migrate(client, [{ ...MIGRATIONS[0]!, sql: `${MIGRATIONS[0]!.sql}\n-- edited` }, ...MIGRATIONS.slice(1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaRefusedError);
    expect((error as Error).message).toContain('differs');
  });
});

describe('event-store sink', () => {
  const namespace = uniqueNamespace('evstore');
  const stream = `${namespace}security.events`;
  let db: TestDatabase;
  let client: pg.Client;
  let redis: Redis;
  beforeAll(async () => {
    db = await createTestDatabase();
    client = await db.client();
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
    if (redis) {
      await deleteKeys(redis, namespace);
      redis.disconnect();
    }
  });

  it('1,000 events with duplicates and redeliveries → one row per event id, every entry acknowledged', async () => {
    await client.query('DROP TABLE IF EXISTS events, scans, metrics, watchfloor_migrations');
    const random = createRandom(17);
    const events = Array.from({ length: 1000 }, (_, i) => securityEvent(random, Date.UTC(2026, 11, 4) + i * 1000));
    // 300 duplicates: the same events produced again (a producer retry), spread through the stream.
    const duplicates = events.filter((_, i) => i % 10 < 3);
    await addEvents(redis, stream, [...events.slice(0, 500), ...duplicates.slice(0, 150), ...events.slice(500), ...duplicates.slice(150)]);
    const handler = new EventStoreHandler({ namespace, settings: db.settings, logger: silent });
    let crashes = 0;
    const consumer = testConsumer({
      stream,
      group: 'event-store',
      namespace,
      handler,
      settings: { concurrency: 2, batch: 100 },
      reclaimIdleMs: 300,
      // Redeliveries: three batches are stored and then "crash" before their acknowledgement; they are taken over again.
      beforeCommit: () => {
        if (crashes < 3) {
          crashes += 1;
          throw new Error('crash after the database commit, before the XACK');
        }
      },
    });
    await consumer.start();
    try {
      await waitFor(async () => {
        const summary = (await redis.xpending(stream, 'event-store')) as [number, ...unknown[]];
        const lag = ((await redis.xinfo('GROUPS', stream)) as unknown[][])[0]!;
        const lagValue = Number(lag[lag.indexOf('lag') + 1]);
        return summary[0] === 0 && lagValue === 0;
      }, 'every entry acknowledged', 60_000, 100);
    } finally {
      await consumer.stop();
    }
    expect(crashes).toBe(3);
    expect(consumer.status().counters.reclaimed).toBeGreaterThan(0);
    expect(await count(client, 'SELECT count(*) AS n FROM events')).toBe(1000);
    expect(await count(client, 'SELECT count(DISTINCT id) AS n FROM events')).toBe(1000);
    expect(handler.counts.inserted).toBe(1000);
    expect(handler.counts.alreadyStored).toBeGreaterThanOrEqual(300);
    // Stored as sent.
    const first = events[0]!;
    const { rows } = await client.query<{ asset_id: string; tags: string[]; metadata: unknown; ts: Date }>('SELECT asset_id, tags, metadata, ts FROM events WHERE id = $1', [first.id]);
    expect(rows[0]).toEqual({ asset_id: first.asset_id, tags: first.tags, metadata: first.metadata, ts: new Date(first.timestamp as string) });
    expect(await redis.xlen(`${namespace}security.events.dlq`)).toBe(0);
  });

  it('a row the database refuses (a NUL byte) is dead-lettered with the database reason; its batch-mates are stored', async () => {
    const random = createRandom(99);
    const events = Array.from({ length: 20 }, () => securityEvent(random, Date.now()));
    const poisoned: Record<string, unknown> = { ...events[7]!, title: 'broken\u0000title' };
    const poisonedJson: Record<string, unknown> = { ...events[13]!, metadata: { note: 'nul in json \u0000' } };
    const batch: Record<string, unknown>[] = events.map((e, i) => (i === 7 ? poisoned : i === 13 ? poisonedJson : e));
    const before = await count(client, 'SELECT count(*) AS n FROM events');
    await addEvents(redis, stream, batch);
    const handler = new EventStoreHandler({ namespace, settings: db.settings, logger: silent });
    const consumer = testConsumer({ stream, group: 'event-store', namespace, handler, settings: { concurrency: 1, batch: 100 } });
    await consumer.start();
    try {
      await waitFor(async () => (await redis.xlen(`${namespace}security.events.dlq`)) === 2 && (await count(client, 'SELECT count(*) AS n FROM events')) === before + 18, 'two dead letters and 18 rows');
    } finally {
      await consumer.stop();
    }
    const dead = ((await redis.xrange(`${namespace}security.events.dlq`, '-', '+')) as [string, string[]][]).map(fieldsOf);
    const byId = new Map(dead.map((f) => [(JSON.parse(f.data!) as { id: string }).id, f]));
    expect(byId.get(poisoned.id as string)?.[DLQ_FIELDS.error]).toMatch(/^PostgreSQL refused the row: invalid byte sequence for encoding "UTF8": 0x00 \(SQLSTATE 22021\)/);
    expect(byId.get(poisonedJson.id as string)?.[DLQ_FIELDS.error]).toMatch(/^PostgreSQL refused the row: unsupported Unicode escape sequence.*\(SQLSTATE 22P05\)/);
    // The entry's bytes are kept as sent.
    expect(byId.get(poisoned.id as string)?.data).toBe(JSON.stringify(poisoned));
    expect(await count(client, `SELECT count(*) AS n FROM events WHERE id IN (${batch.filter((_, i) => i !== 7 && i !== 13).map((e) => `'${e.id as string}'`).join(',')})`)).toBe(18);
    expect(handler.counts.refused).toBe(2);
  });

  it('an entry that is not a seed event is dead-lettered with the schema reason, without touching the database', async () => {
    const before = await count(client, 'SELECT count(*) AS n FROM events');
    await redis.xadd(stream, '*', 'data', JSON.stringify({ id: 'x', severity: 'loud' }));
    const consumer = testConsumer({ stream, group: 'event-store', namespace, handler: new EventStoreHandler({ namespace, settings: db.settings, logger: silent }) });
    await consumer.start();
    try {
      await waitFor(async () => (await redis.xlen(`${namespace}security.events.dlq`)) === 3, 'third dead letter');
    } finally {
      await consumer.stop();
    }
    const last = fieldsOf(((await redis.xrevrange(`${namespace}security.events.dlq`, '+', '-', 'COUNT', 1)) as [string, string[]][])[0]!);
    expect(last[DLQ_FIELDS.error]).toMatch(/^not a seed 000 security event/);
    expect(await count(client, 'SELECT count(*) AS n FROM events')).toBe(before);
  });

  it('run by the workers: listed, started with only: [event-store], stores the stream', async () => {
    const ns = uniqueNamespace('evstore-w');
    const runtime = new WorkerRuntime({ env: { id: 'w', namespace: ns, redis: redisSettings, amqp: null, postgres: db.settings }, timings: { blockMs: 100, reclaimEveryMs: 200 } }, { clock: { now: () => Date.now() }, logger: silent });
    try {
      const random = createRandom(5);
      const events = Array.from({ length: 250 }, () => securityEvent(random, Date.now()));
      await addEvents(redis, `${ns}security.events`, events);
      expect(await runtime.start(['event-store'], { fromStart: true })).toEqual({});
      const status = runtime.view('in-process').processors.find((p) => p.name === 'event-store')!;
      expect(status).toMatchObject({ title: 'Event store (PostgreSQL)', source: `${ns}security.events`, group: 'event-store', unavailable: null });
      await waitFor(async () => (await count(client, `SELECT count(*) AS n FROM events WHERE id IN (${events.map((e) => `'${e.id as string}'`).join(',')})`)) === 250, '250 rows');
      await waitFor(() => runtime.view('in-process').processors.find((p) => p.name === 'event-store')!.counters.processed === 250, 'processed counter');
    } finally {
      await runtime.stop();
      await deleteKeys(redis, ns);
    }
  });

  it('without a database the sink does not run and says "no database configured" and how to set it', async () => {
    const runtime = new WorkerRuntime({ env: { id: 'n', namespace: 'unused:', redis: redisSettings, amqp: null, postgres: null } }, { clock: { now: () => Date.now() }, logger: silent });
    const idle = runtime.view('in-process').processors.find((p) => p.name === 'event-store')!;
    expect(idle.unavailable).toMatch(/^no database configured: add a PostgreSQL URL .*--postgres postgres:\/\//);
    const refused = await runtime.start(['event-store']);
    expect(refused['event-store']).toBe(idle.unavailable);
    expect(runtime.isRunning).toBe(false);
  });
});

import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { EventStoreHandler, INSERT_EVENTS_SQL, eventColumns } from '../../electron/core/database/event-store';
import { migrate } from '../../electron/core/database/schema';
import { createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import type { SecurityEvent } from '../../shared/schemas/security-streams';
import { deleteKeys, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { createTestDatabase } from '../helpers/postgres';
import { testConsumer } from '../helpers/stream-workers';
import { round } from './stats';

const TOTAL = Number(process.env.BENCH_EVENTS ?? 200_000);
const BATCH = 500;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * `db-sink` (issue 17): seed events into the events table. The event-store sink (XREADGROUP →
 * validate → one multi-row INSERT … ON CONFLICT DO NOTHING per batch in a transaction → XACK)
 * against a raw `pg` loop doing the same batched insert from memory, no stream in between.
 */
export async function benchDbSink(): Promise<Record<string, unknown>> {
  const random = createRandom(17);
  const payloads = Array.from({ length: TOTAL }, (_, i) => JSON.stringify(securityEvent(random, Date.UTC(2026, 11, 1) + i)));
  const db = await createTestDatabase();
  const client = await db.client();
  const redis = new Redis(REDIS_URL);
  const ns = uniqueNamespace('bench-dbsink');
  const stream = `${ns}security.events`;
  try {
    await migrate(client);
    // Raw: parse, batch, insert, commit.
    const rawStarted = performance.now();
    for (let i = 0; i < TOTAL; i += BATCH) {
      const rows = payloads.slice(i, i + BATCH).map((p) => ({ value: JSON.parse(p) as SecurityEvent, entryId: null }));
      await client.query('BEGIN');
      await client.query(INSERT_EVENTS_SQL, eventColumns(rows));
      await client.query('COMMIT');
    }
    const rawPerSec = TOTAL / ((performance.now() - rawStarted) / 1000);
    const rawRows = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);
    await client.query('TRUNCATE events');

    for (let i = 0; i < TOTAL; i += 5000) {
      const pipe = redis.pipeline();
      for (const p of payloads.slice(i, i + 5000)) pipe.xadd(stream, '*', 'data', p);
      await pipe.exec();
    }
    const handler = new EventStoreHandler({ namespace: ns, settings: db.settings, logger: silent });
    await handler.ensureSchema();
    const consumer = testConsumer({ namespace: ns, stream, group: 'event-store', handler, settings: { concurrency: 2, batch: BATCH }, blockMs: 50 });
    const sinkStarted = performance.now();
    await consumer.start();
    while (consumer.status().counters.processed < TOTAL) await new Promise((resolve) => setTimeout(resolve, 10));
    const sinkPerSec = TOTAL / ((performance.now() - sinkStarted) / 1000);
    await consumer.stop();
    const sinkRows = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);
    return {
      bench: 'db-sink',
      events: TOTAL,
      batch: BATCH,
      rawRowsPerSec: round(rawPerSec),
      sinkRowsPerSec: round(sinkPerSec),
      ratio: round(sinkPerSec / rawPerSec, 2),
      rawRows,
      sinkRows,
      goal: 'sink ≥ 0.7× raw and ≥ 20,000 rows/s',
    };
  } finally {
    await client.end();
    await db.drop();
    await deleteKeys(redis, ns);
    redis.disconnect();
  }
}

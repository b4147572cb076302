import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreHandler } from '../../electron/core/database/event-store';
import { createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import { REDIS_URL, deleteKeys, uniqueNamespace } from '../helpers/brokers';
import { OwnPostgres } from '../helpers/postgres';
import { testConsumer } from '../helpers/stream-workers';
import { waitFor } from '../helpers/wait';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const TOTAL = 20_000;

async function rowCount(server: OwnPostgres): Promise<number | null> {
  const client = new pg.Client({ ...server.settings('wf'), connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM events');
    return Number(rows[0]!.n);
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('event-store: the database killed with -9 mid-batch', () => {
  const namespace = uniqueNamespace('evstore-kill');
  const stream = `${namespace}security.events`;
  let server: OwnPostgres;
  let redis: Redis;
  beforeAll(async () => {
    server = await OwnPostgres.start();
    const admin = new pg.Client(server.settings());
    await admin.connect();
    await admin.query('CREATE DATABASE wf');
    await admin.end();
    redis = new Redis(REDIS_URL);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    if (redis) {
      await deleteKeys(redis, namespace);
      redis.disconnect();
    }
  });

  it(`${TOTAL.toLocaleString('en')} events → exactly ${TOTAL.toLocaleString('en')} rows; while down the sink names the failure and the entries stay pending`, async () => {
    const random = createRandom(2026);
    const ids = new Set<string>();
    // The producer keeps writing through the outage: 1,000 events every 50 ms.
    const produce = (async () => {
      for (let i = 0; i < TOTAL; i += 1000) {
        const pipeline = redis.pipeline();
        for (let j = 0; j < 1000; j++) {
          const event = securityEvent(random, Date.UTC(2026, 11, 1) + i + j);
          ids.add(event.id as string);
          pipeline.xadd(stream, '*', 'data', JSON.stringify(event));
        }
        await pipeline.exec();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const handler = new EventStoreHandler({ namespace, settings: server.settings('wf'), logger: silent });
    const consumer = testConsumer({ stream, group: 'event-store', namespace, handler, settings: { concurrency: 2, batch: 200 }, reclaimIdleMs: 2000 });
    await consumer.start();
    try {
      // Mid-stream: some rows stored, batches in flight.
      const atKill = await waitFor(async () => {
        const n = (await rowCount(server)) ?? 0;
        return n >= 2000 ? n : 0;
      }, 'the first rows stored', 60_000, 20);
      await server.kill();
      // Killed with work still to do (the producer is still writing).
      expect(atKill).toBeLessThan(TOTAL);
      const pendingWhileDown = await waitFor(async () => {
        const status = consumer.status();
        return status.lastError && /event-store: PostgreSQL (refused|timeout)/.test(status.lastError.message) ? status : undefined;
      }, `the sink naming the database failure (last error: ${consumer.status().lastError?.message})`, 30_000);
      expect(pendingWhileDown.lastError?.message).toContain(`127.0.0.1:${server.port}/wf`);
      expect(await redis.xlen(`${namespace}security.events.dlq`)).toBe(0);
      await server.start();
      await produce;
      await waitFor(async () => {
        const pending = (await redis.xpending(stream, 'event-store')) as [number, ...unknown[]];
        const group = ((await redis.xinfo('GROUPS', stream)) as unknown[][])[0]!;
        return pending[0] === 0 && Number(group[group.indexOf('lag') + 1]) === 0;
      }, 'every entry acknowledged after the restart', 120_000, 100);
    } finally {
      await consumer.stop();
    }
    expect(ids.size).toBe(TOTAL);
    expect(await rowCount(server)).toBe(TOTAL);
    expect(await redis.xlen(`${namespace}security.events.dlq`)).toBe(0);
    expect(consumer.status().counters.deadLettered).toBe(0);
  });
});

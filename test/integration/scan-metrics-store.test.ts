import { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, securityMetric, securityScan } from '../../electron/core/demo/message-factory';
import { WorkerRuntime } from '../../electron/core/workers/worker-runtime';
import { DLQ_FIELDS } from '../../shared/model/dead-letter';
import { expandProcessorNames } from '../../shared/model/workers';
import { REDIS_URL, deleteKeys, uniqueNamespace } from '../helpers/brokers';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { waitFor } from '../helpers/wait';

// Issue 17: the scan-store and metrics-store sinks, run by the workers on the real Redis and PostgreSQL.
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const redisSettings = { host: '127.0.0.1', port: Number(new URL(REDIS_URL).port || 6379), db: 0, username: '', password: '', tls: false, tlsSettings: null };

async function count(client: pg.Client, sql: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(sql);
  return Number(rows[0]!.n);
}

async function add(redis: Redis, stream: string, messages: readonly unknown[]): Promise<void> {
  const pipeline = redis.pipeline();
  for (const message of messages) pipeline.xadd(stream, '*', 'data', typeof message === 'string' ? message : JSON.stringify(message));
  await pipeline.exec();
}

function fieldsOf(entry: [string, string[]]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < entry[1].length; i += 2) out[entry[1][i]!] = entry[1][i + 1]!;
  return out;
}

describe('scan-store and metrics-store sinks', () => {
  const namespace = uniqueNamespace('sinks');
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

  it('store every scan state and metric sample once, dead-letter what the schema or the database refuses, keep the rest', async () => {
    const random = createRandom(23);
    const start = Date.UTC(2026, 11, 7);
    const scans = Array.from({ length: 300 }, (_, i) => securityScan(random, start + i * 1000));
    // The same scan's next state is a new row; the same state again is a redelivery.
    const completed: Record<string, unknown>[] = scans.slice(0, 50).map((s) => ({ ...s, status: 'completed', results: { findings_count: 2, critical_issues: 1, scan_duration: 1500 } }));
    const scanRows = new Set([...scans, ...completed].map((s) => `${s.scan_id as string}/${s.status as string}`)).size;
    const badScan = { ...scans[0]!, scan_id: 'bad-priority', priority: 'urgent' };
    const nulScan = { ...scans[1]!, scan_id: 'nul-type', scan_type: 'k8s\u0000audit' };
    await add(redis, `${namespace}security.scans`, [...scans, ...completed, ...scans.slice(0, 100), badScan, nulScan, ...completed.slice(0, 20)]);

    const metrics = Array.from({ length: 500 }, (_, i) => securityMetric(random, start + i * 1000));
    const metricRows = new Set(metrics.map((m) => `${m.asset_id as string}/${m.metric_type as string}/${m.timestamp as string}`)).size;
    const nulMetric = { ...metrics[2]!, timestamp: new Date(start - 1000).toISOString(), tags: { note: 'nul \u0000' } };
    await add(redis, `${namespace}security.metrics`, [...metrics, ...metrics.slice(100, 300), nulMetric, 'not json']);

    const runtime = new WorkerRuntime({ env: { id: 's', namespace, redis: redisSettings, amqp: null, postgres: db.settings }, timings: { blockMs: 100, reclaimEveryMs: 200 } }, { clock: { now: () => Date.now() }, logger: silent });
    try {
      expect(await runtime.start(['scan-store', 'metrics-store'], { fromStart: true })).toEqual({});
      const listed = runtime.view('in-process').processors.filter((p) => p.name === 'scan-store' || p.name === 'metrics-store');
      expect(listed.map((p) => [p.name, p.title, p.source, p.group, p.unavailable])).toEqual([
        ['scan-store', 'Scan store (PostgreSQL)', `${namespace}security.scans`, 'scan-store', null],
        ['metrics-store', 'Metrics store (PostgreSQL)', `${namespace}security.metrics`, 'metrics-store', null],
      ]);
      await waitFor(async () => (await redis.xlen(`${namespace}security.scans.dlq`)) === 2 && (await redis.xlen(`${namespace}security.metrics.dlq`)) === 2, 'four dead letters', 30_000);
      await waitFor(async () => {
        const done = await Promise.all([['scans', 'scan-store'], ['metrics', 'metrics-store']].map(async ([s, group]) => ((await redis.xpending(`${namespace}security.${s}`, group!)) as [number])[0]));
        return done.every((n) => n === 0) && (await count(client, 'SELECT count(*) AS n FROM metrics')) === metricRows;
      }, 'every entry acknowledged', 30_000);
    } finally {
      await runtime.stop();
    }
    expect(await count(client, 'SELECT count(*) AS n FROM scans')).toBe(scanRows);
    expect(await count(client, 'SELECT count(*) AS n FROM metrics')).toBe(metricRows);
    // Stored as sent: a completed state with its results, a scan without results with null counts.
    const { rows } = await client.query<{ status: string; findings_count: number | null; scheduled_time: Date }>('SELECT status, findings_count, scheduled_time FROM scans WHERE scan_id = $1 ORDER BY status', [completed[0]!.scan_id]);
    expect(rows.find((r) => r.status === 'completed')).toMatchObject({ findings_count: 2, scheduled_time: new Date(completed[0]!.scheduled_time as string) });
    const sample = metrics[0]!;
    const stored = await client.query<{ metrics: unknown; tags: unknown }>('SELECT metrics, tags FROM metrics WHERE asset_id = $1 AND metric_type = $2 AND ts = $3', [sample.asset_id, sample.metric_type, sample.timestamp]);
    expect(stored.rows).toEqual([{ metrics: sample.metrics, tags: sample.tags }]);
    // The refused entries, each with its reason.
    const scanDead = ((await redis.xrange(`${namespace}security.scans.dlq`, '-', '+')) as [string, string[]][]).map(fieldsOf);
    expect(scanDead.map((f) => [(JSON.parse(f.data!) as { scan_id: string }).scan_id, f[DLQ_FIELDS.error]])).toEqual([
      ['bad-priority', expect.stringMatching(/^schema: priority: /)],
      ['nul-type', expect.stringMatching(/^PostgreSQL refused the row: invalid byte sequence for encoding "UTF8": 0x00 \(SQLSTATE 22021\)/)],
    ]);
    const metricDead = ((await redis.xrange(`${namespace}security.metrics.dlq`, '-', '+')) as [string, string[]][]).map(fieldsOf);
    expect(metricDead.map((f) => f[DLQ_FIELDS.error])).toEqual(expect.arrayContaining([expect.stringMatching(/^PostgreSQL refused the row: unsupported Unicode escape sequence.*\(SQLSTATE 22P05\)/), expect.stringMatching(/^data is not JSON/)]));
  });

  it('without a database neither runs, and both say "no database configured"', async () => {
    // A RabbitMQ is configured (never contacted): the seed 002 sinks and the notifier lack only the database too.
    const amqp = { url: 'amqp://guest:guest@127.0.0.1:5672', username: 'guest', password: 'guest', vhost: '/', tls: false, host: '127.0.0.1', port: 5672, tlsSettings: null };
    const runtime = new WorkerRuntime({ env: { id: 'n', namespace: 'unused:', redis: redisSettings, amqp, postgres: null } }, { clock: { now: () => Date.now() }, logger: silent });
    const refused = await runtime.start(expandProcessorNames(['database']));
    expect(Object.keys(refused).sort()).toEqual(['event-store', 'metrics-store', 'pg-alert-notifier', 'rabbit-metrics-store', 'rabbit-systems', 'scan-store']);
    for (const reason of Object.values(refused)) expect(reason).toMatch(/^no database configured: add a PostgreSQL URL/);
    expect(runtime.isRunning).toBe(false);
  });
});

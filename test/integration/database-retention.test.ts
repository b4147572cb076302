import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetentionJob, runRetention } from '../../electron/core/database/retention';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore } from '../helpers/core';
import { createMigratedDatabase, createTestDatabase, type TestDatabase } from '../helpers/postgres';

const DAY = 86_400_000;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('database retention on plain PostgreSQL (issue 17)', () => {
  let db: TestDatabase;
  const now = Date.UTC(2026, 11, 7, 12, 0, 0);

  beforeAll(async () => {
    db = await createMigratedDatabase();
  }, 60_000);
  afterAll(async () => {
    await db?.drop();
  });

  async function fill(): Promise<void> {
    const client = await db.client();
    try {
      // 25 events per day over 40 days, 1 metric sample per day for 10 days, a scan 31 and 29 days ago.
      await client.query(
        `INSERT INTO events (id, ts, organization_id, asset_id, event_type, severity, source, title, description, correlation_id)
         SELECT 'ev-' || d || '-' || k, $1::timestamptz - (d || ' days')::interval - (k || ' minutes')::interval, 'org', 'asset-' || (k % 3), 'login', 'high', 'edr', 't', 'd', 'c-' || d
         FROM generate_series(0, 39) d, generate_series(0, 24) k`,
        [new Date(now)],
      );
      await client.query(
        `INSERT INTO metrics (asset_id, metric_type, ts, organization_id, metrics) SELECT 'asset-1', 'cpu', $1::timestamptz - (d || ' days')::interval - interval '1 minute', 'org', '{"v":1}' FROM generate_series(0, 9) d`,
        [new Date(now)],
      );
      await client.query(
        `INSERT INTO scans (scan_id, status, scan_type, organization_id, asset_id, priority, scheduled_time) VALUES
         ('old', 'completed', 'vuln', 'org', 'a', 'low', $1::timestamptz - interval '31 days'), ('new', 'completed', 'vuln', 'org', 'a', 'low', $1::timestamptz - interval '29 days')`,
        [new Date(now)],
      );
      // A RabbitMQ and a BullMQ queue sample 8 days ago (removed) and 6 days ago (kept).
      await client.query(
        `INSERT INTO queue_samples (broker, queue, minute, ready, waiting) SELECT b, 'q', $1::timestamptz - (d || ' days')::interval, 1, 1 FROM unnest(ARRAY['rabbitmq', 'bullmq']) b, unnest(ARRAY[8, 6]) d`,
        [new Date(now)],
      );
    } finally {
      await client.end();
    }
  }

  it('deletes what is past its age in batches, keeps the rest, and the hourly counts follow', async () => {
    await fill();
    const client = await db.client();
    try {
      const outcome = await runRetention(client, now, undefined, { batch: 100 });
      expect(outcome.ran).toBe(true);
      expect(outcome.missing).toEqual([]);
      // Older than 30 days: days 31..39 (225) and day 30 but its k = 0 event, exactly 30 days old (24); day 29 and after all kept.
      expect(Object.fromEntries(outcome.deleted.map((d) => [d.table, d.rows]))).toEqual({ events: 249, scans: 1, metrics: 3, stream_samples: 0, queue_samples: 2, system_metrics: 0 });
      const counts = await client.query<{ events: string; oldest: Date; hourly: string; scans: string; metrics: string }>(
        `SELECT (SELECT count(*) FROM events) AS events, (SELECT min(ts) FROM events) AS oldest, (SELECT sum(n) FROM events_hourly) AS hourly,
                (SELECT string_agg(scan_id, ',') FROM scans) AS scans, (SELECT count(*) FROM metrics) AS metrics`,
      );
      expect(Number(counts.rows[0]!.events)).toBe(751);
      expect(counts.rows[0]!.oldest.getTime()).toBeGreaterThanOrEqual(now - 30 * DAY);
      expect(Number(counts.rows[0]!.hourly)).toBe(751);
      expect(counts.rows[0]!.scans).toBe('new');
      expect(Number(counts.rows[0]!.metrics)).toBe(7);
      // A second pass finds nothing more.
      const again = await runRetention(client, now);
      expect(again.deleted.every((d) => d.rows === 0)).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('one console at a time: while another holds the lock, a run does nothing and says so', async () => {
    const holder = await db.client();
    const other = await db.client();
    try {
      await holder.query("SELECT pg_advisory_lock(x'77667274'::int)");
      expect(await runRetention(other, now)).toEqual({ ran: false, deleted: [], missing: [], hasMore: false, leftToTimescale: [] });
      await holder.query("SELECT pg_advisory_unlock(x'77667274'::int)");
      expect((await runRetention(other, now)).ran).toBe(true);
    } finally {
      await holder.end();
      await other.end();
    }
  });

  it('a database without the tables yet: skipped, named missing; the job reports a database it cannot reach', async () => {
    const bare = await createTestDatabase();
    try {
      const client = await bare.client();
      try {
        expect(await runRetention(client, now)).toMatchObject({ ran: true, deleted: [], missing: ['events', 'scans', 'metrics', 'stream_samples', 'queue_samples', 'system_metrics'] });
      } finally {
        await client.end();
      }
      const job = new RetentionJob({ ...bare.settings, port: 1 }, { clock: { now: () => now }, logger: silent });
      expect(await job.runOnce()).toBeNull();
      expect(job.last?.error).toMatch(/refused/i);
    } finally {
      await bare.drop();
    }
  });

  it('runs only where this console may write: a production (read-only) environment gets no retention job', async () => {
    const ns = uniqueNamespace('retention');
    const t = await createTestCore(ns, { amqp: null, managementUrl: null, postgres: { url: db.url } });
    try {
      const prod = await t.core.call('environments.add', { name: `Prod ${ns}`, production: true, namespace: ns, redis: { url: REDIS_URL }, postgres: { url: db.url } });
      if (!prod.ok) throw new Error(prod.error.message);
      await t.core.startRuntimes([t.envId, prod.value.id]);
      expect(t.core.runtime(t.envId).retention).not.toBeNull();
      expect(t.core.runtime(prod.value.id).retention).toBeNull();
    } finally {
      await t.close();
      await cleanupNamespace(ns);
    }
  });
});

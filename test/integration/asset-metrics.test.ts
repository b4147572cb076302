import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSERT_METRICS_SQL, metricColumns } from '../../electron/core/database/metrics-store';
import { MAX_METRIC_SERIES } from '../../electron/core/database/event-history';
import type { SecurityMetric } from '../../shared/schemas/security-streams';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { useMigratedDatabase } from '../helpers/migrated-database';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function sample(asset: string, at: number, metrics: Record<string, number>, type = 'system'): SecurityMetric {
  return { asset_id: asset, organization_id: 'org-1', metric_type: type, timestamp: new Date(at).toISOString(), metrics, tags: {} } as SecurityMetric;
}

/**
 * Issue 17, "metric charts offer 24 h and 7 d from the database": an asset's samples in the
 * `metrics` table, bucketed through the contract (events.assetMetrics) on the real PostgreSQL.
 */
describe('events.assetMetrics: an asset’s stored metric samples, bucketed', () => {
  const fixture = useMigratedDatabase();
  const ns = uniqueNamespace('assetmetrics');
  let t: TestCore;
  // Whole 5-minute buckets, so the expected buckets are plain arithmetic.
  const now = Math.floor(Date.now() / (5 * MINUTE)) * 5 * MINUTE;

  beforeAll(async () => {
    const client = await fixture.db.client();
    try {
      const rows: SecurityMetric[] = [];
      // asset-a: a cpu/memory sample every minute for the last 3 hours (cpu = minutes ago), one of another type.
      for (let m = 1; m <= 180; m++) rows.push(sample('asset-a', now - m * MINUTE, { cpu_usage: m, memory_usage: 50 }));
      rows.push(sample('asset-a', now - 2 * MINUTE, { open_ports: 3 }, 'network'));
      // Two days ago: outside 24 h, inside 7 d.
      rows.push(sample('asset-a', now - 48 * HOUR, { cpu_usage: 99, memory_usage: 10 }));
      // Another asset: never in asset-a's answer.
      rows.push(sample('asset-b', now - 3 * MINUTE, { cpu_usage: 1000 }));
      // Many fields on asset-c: the answer keeps the 24 with the most samples and counts the rest.
      for (let m = 1; m <= 3; m++) rows.push(sample('asset-c', now - m * MINUTE, Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${String(i).padStart(2, '0')}`, i]).filter(([, i]) => m === 1 || Number(i) < 24))));
      await client.query(INSERT_METRICS_SQL, metricColumns(rows.map((value) => ({ value, entryId: null }))));
    } finally {
      await client.end();
    }
    t = await createTestCore(ns, { amqp: null, managementUrl: null, postgres: { url: fixture.db.url } });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await cleanupNamespace(ns);
  });

  const call = async (asset: string, sinceAgo: number) => {
    const r = await t.core.call('events.assetMetrics', { envId: t.envId, asset, since: now - sinceAgo, until: now });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };

  it('24 h: 5-minute buckets of each field, mean and highest, by type then name; other assets and older samples left out', async () => {
    const m = await call('asset-a', 24 * HOUR);
    expect(m).toMatchObject({ asset: 'asset-a', stepMs: 5 * MINUTE, points: 288, from: now - 24 * HOUR, omitted: 0 });
    expect(m.series.map((s) => `${s.metricType}.${s.name}:${s.samples}`)).toEqual(['network.open_ports:1', 'system.cpu_usage:180', 'system.memory_usage:180']);
    const cpu = m.series.find((s) => s.name === 'cpu_usage')!;
    // The last bucket [now-5m, now) holds the samples 1..5 minutes ago, the one before 6..10.
    expect(cpu.avg[287]).toBe(3);
    expect(cpu.max[287]).toBe(5);
    expect(cpu.avg[286]).toBe(8);
    expect(cpu.max[286]).toBe(10);
    // Before the 3 hours of samples: empty buckets, not zeros.
    expect(cpu.avg[0]).toBeNull();
    expect(cpu.avg.filter((v) => v !== null)).toHaveLength(36);
    expect(Math.max(...cpu.max.filter((v): v is number => v !== null))).toBe(180);
  });

  it('7 d: hourly buckets that take in the sample of two days ago', async () => {
    const m = await call('asset-a', 7 * 24 * HOUR);
    const from = Math.floor((now - 7 * 24 * HOUR) / HOUR) * HOUR;
    expect(m).toMatchObject({ stepMs: HOUR, from, points: Math.ceil((now - from) / HOUR) });
    const cpu = m.series.find((s) => s.name === 'cpu_usage')!;
    expect(cpu.samples).toBe(181);
    const bucketOf = (at: number) => Math.floor((at - from) / HOUR);
    expect(cpu.max[bucketOf(now - 48 * HOUR)]).toBe(99);
    expect(cpu.max[bucketOf(now - MINUTE)]).toBe(Math.max(...Array.from({ length: 180 }, (_, i) => i + 1).filter((mins) => bucketOf(now - mins * MINUTE) === bucketOf(now - MINUTE))));
    expect(cpu.avg.filter((v) => v !== null).length).toBe(new Set([now - 48 * HOUR, ...Array.from({ length: 180 }, (_, i) => now - (i + 1) * MINUTE)].map(bucketOf)).size);
  });

  it(`keeps the ${MAX_METRIC_SERIES} series with the most samples and counts the others`, async () => {
    const m = await call('asset-c', 24 * HOUR);
    expect(m.series).toHaveLength(MAX_METRIC_SERIES);
    expect(m.omitted).toBe(6);
    expect(m.series.map((s) => s.name)).toEqual(Array.from({ length: 24 }, (_, i) => `f${String(i).padStart(2, '0')}`));
  });

  it('an asset with nothing stored: every series empty, said by an empty list (not an error)', async () => {
    expect((await call('asset-none', 24 * HOUR)).series).toEqual([]);
  });

  it('a database without the metrics table says which sink creates it; no database says how to add one', async () => {
    const bare: TestDatabase = await createTestDatabase();
    const other = uniqueNamespace('assetmetrics-bare');
    let b: TestCore | undefined;
    try {
      b = await createTestCore(other, { amqp: null, managementUrl: null, postgres: { url: bare.url } });
      const noTable = await b.core.call('events.assetMetrics', { envId: b.envId, asset: 'asset-a', since: now - HOUR, until: now });
      expect(noTable.ok ? null : noTable.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('--only metrics-store') });
      const added = await b.core.call('environments.add', { name: `no db ${other}`, namespace: other, redis: { url: REDIS_URL }, amqp: null, managementUrl: null });
      if (!added.ok) throw new Error(added.error.message);
      await b.core.startRuntimes([added.value.id]);
      const noDb = await b.core.call('events.assetMetrics', { envId: added.value.id, asset: 'asset-a', since: now - HOUR, until: now });
      expect(noDb.ok ? null : noDb.error).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('database') });
    } finally {
      await b?.close();
      await cleanupNamespace(other);
      await bare.drop();
    }
  });
});

import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { StreamSampleStore } from '../../electron/core/database/stream-samples';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore } from '../helpers/core';
import { useMigratedDatabase } from '../helpers/migrated-database';
import { waitFor } from '../helpers/wait';

const MINUTE = 60_000;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('stream history past the live hour, from the database (issue 17)', () => {
  const fixture = useMigratedDatabase();

  it('buckets a minute a sample into 5-minute (24 h) and 1-hour (7 d) points: length and lag the highest, rates the mean; another console’s minute is not written twice', async () => {
    const store = new StreamSampleStore(fixture.db.settings, silent);
    try {
      const now = Date.UTC(2026, 11, 7, 12, 0, 0);
      const rows: [string, string, Date, number | null, number | null, number | null][] = [];
      // Three hours of minutes: length = minute index, lag of group g = 2 × index, rates 1 and 3 alternating.
      for (let i = 0; i < 180; i++) {
        const at = new Date(now - (180 - i) * MINUTE);
        rows.push(['s1', '', at, i, null, i % 2 ? 3 : 1]);
        rows.push(['s1', 'g', at, null, 2 * i, i % 2 ? 3 : 1]);
        rows.push(['other', '', at, 1000, null, null]);
      }
      // Eight days ago: outside 7 d.
      rows.push(['s1', '', new Date(now - 8 * 86_400_000), 99_999, null, null]);
      expect(await store.write(rows)).toBe(rows.length);
      expect(await store.write(rows.slice(0, 10))).toBe(0);

      const day = await store.history('s1', '24h', now);
      expect(day).toMatchObject({ stream: 's1', gone: false, stepMs: 5 * MINUTE, points: 288 });
      expect(day.series.map((s) => s.key)).toEqual(['length', 'addRate', 'lag:g', 'readRate:g']);
      const length = day.series.find((s) => s.key === 'length')!.values;
      const filled = length.filter((v) => v !== null);
      expect(filled).toHaveLength(36);
      // Each bucket holds five minutes: its highest length is its last minute's index.
      expect(filled).toEqual(Array.from({ length: 36 }, (_, b) => b * 5 + 4));
      expect(day.series.find((s) => s.key === 'lag:g')!.values.filter((v) => v !== null)).toEqual(filled.map((v) => 2 * v!));
      for (const rate of day.series.find((s) => s.key === 'addRate')!.values.filter((v) => v !== null)) expect([1.8, 2.2]).toContain(Math.round(rate! * 10) / 10);

      const week = await store.history('s1', '7d', now);
      expect(week).toMatchObject({ stepMs: 60 * MINUTE, points: 168 });
      expect(week.series.find((s) => s.key === 'length')!.values.filter((v) => v !== null)).toEqual([59, 119, 179]);
    } finally {
      await store.close();
    }
  });

  it('a console that may write stores its samples a minute at a time and serves them; without a database it says how to add one; a read-only one writes nothing', async () => {
    const ns = uniqueNamespace('samples');
    const readOnlyNs = uniqueNamespace('samples-ro');
    const redis = new Redis(REDIS_URL);
    const t = await createTestCore(ns, { amqp: null, managementUrl: null, postgres: { url: fixture.db.url } });
    try {
      await redis.xgroup('CREATE', `${ns}orders`, 'workers', '$', 'MKSTREAM');
      for (let i = 0; i < 7; i++) await redis.xadd(`${ns}orders`, '*', 'data', '{}');
      await redis.xgroup('CREATE', `${readOnlyNs}orders`, 'workers', '$', 'MKSTREAM');
      const ro = await t.core.call('environments.add', { name: `RO ${readOnlyNs}`, production: true, namespace: readOnlyNs, redis: { url: REDIS_URL }, postgres: { url: fixture.db.url } });
      if (!ro.ok) throw new Error(ro.error.message);
      const bare = await t.core.call('environments.add', { name: `No DB ${ns}`, namespace: ns, redis: { url: REDIS_URL } });
      if (!bare.ok) throw new Error(bare.error.message);
      await t.core.startRuntimes([t.envId, ro.value.id, bare.value.id]);
      const stored = await waitFor(async () => {
        const h = await t.core.call('streams.storedHistory', { envId: t.envId, stream: `${ns}orders`, range: '24h' });
        if (!h.ok) throw new Error(h.error.message);
        return h.value.series.find((s) => s.key === 'length')!.values.some((v) => v === 7) ? h.value : undefined;
      }, 'the first minute stored');
      expect(stored.series.map((s) => s.key)).toEqual(['length', 'addRate', 'lag:workers', 'readRate:workers']);
      expect(stored.series.find((s) => s.key === 'lag:workers')!.values.filter((v) => v !== null)).toContain(7);
      const none = await t.core.call('streams.storedHistory', { envId: bare.value.id, stream: `${ns}orders`, range: '7d' });
      expect(none).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('no database configured') } });
      // The read-only environment has been sampled all along by its monitor; its stream never reaches the database.
      const seen = await waitFor(() => {
        const snapshot = t.core.runtime(ro.value.id).monitor.snapshot();
        return (snapshot.redis.streams ?? []).some((s) => s.name === `${readOnlyNs}orders`) ? snapshot.at : undefined;
      }, 'read-only environment sampled');
      // Five more ticks: a write would have landed by then (the writable one's took one).
      await waitFor(() => t.core.runtime(ro.value.id).monitor.snapshot().at >= seen + 1000 || undefined, 'five more ticks');
      const client = await fixture.db.client();
      try {
        const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM stream_samples WHERE stream = $1', [`${readOnlyNs}orders`]);
        expect(Number(rows[0]!.n)).toBe(0);
      } finally {
        await client.end();
      }
    } finally {
      await t.close();
      await cleanupNamespace(ns);
      await cleanupNamespace(readOnlyNs);
      redis.disconnect();
    }
  });
});

import amqp from 'amqplib';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { QueueSampleStore, bullSampleRows, rabbitSampleRows } from '../../electron/core/database/queue-samples';
import type { BullOverview, BullQueueInfo } from '../../shared/model/bullmq';
import type { EnvironmentOverview, QueueInfo } from '../../shared/model/overview';
import { AMQP_URL, MANAGEMENT_URL, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { useMigratedDatabase } from '../helpers/migrated-database';
import { waitFor } from '../helpers/wait';

const MINUTE = 60_000;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const connected = { state: 'connected' as const, since: 0 };

/** An environment overview whose RabbitMQ list is `queues` (management API), Redis not configured. */
function rabbitOverview(at: number, queues: QueueInfo[]): EnvironmentOverview {
  return {
    envId: 'e',
    at,
    redis: { status: { state: 'not-configured', since: 0 }, streams: null, staleSince: null, truncated: false },
    amqp: { status: connected, source: 'management', queues, staleSince: null, note: null },
  };
}
function bullOverview(at: number, queues: BullQueueInfo[]): BullOverview {
  return { envId: 'e', at, status: connected, prefix: 'bull', queues, staleSince: null, truncated: false };
}
const bullQueue = (name: string, waiting: number, failed: number): BullQueueInfo => ({ name, waiting, active: 1, delayed: 0, failed, completed: 0, prioritized: 0, waitingChildren: 0, isPaused: false, isDeadLetter: false });
/** A queue's ready count as the management API reports it now (null before it lists the queue). */
async function managementReady(queue: string): Promise<number | null> {
  const url = new URL(MANAGEMENT_URL);
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(url.username || 'guest')}:${decodeURIComponent(url.password || 'guest')}`).toString('base64')}`;
  url.username = url.password = '';
  const response = await fetch(new URL(`/api/queues/%2F/${encodeURIComponent(queue)}`, url), { headers: { authorization: auth } });
  if (!response.ok) return null;
  return ((await response.json()) as { messages_ready?: number }).messages_ready ?? null;
}
const values = (history: { series: { key: string; values: (number | null)[] }[] }, key: string) => history.series.find((s) => s.key === key)!.values;

describe('queue history past the live hour, from the database (issue 17)', () => {
  const fixture = useMigratedDatabase();

  it('rows made from overviews, bucketed into 5-minute (24 h) and 1-hour (7 d) points: counts the highest, rates the mean; a passive queue has no rates; another console’s minute is not written twice', async () => {
    const store = new QueueSampleStore(fixture.db.settings, silent);
    try {
      const now = Date.UTC(2026, 11, 7, 12, 0, 0);
      const rows: ReturnType<typeof rabbitSampleRows> = [];
      // Three hours of minutes: ready = index, unacked = 2 × index, publish 1 and 3 alternating; the
      // BullMQ queue of the same name: waiting = 10 × index. A passive-only queue without unacked and rates.
      for (let i = 0; i < 180; i++) {
        const at = now - (180 - i) * MINUTE;
        const rate = i % 2 ? 3 : 1;
        rows.push(
          ...rabbitSampleRows(
            rabbitOverview(at, [
              { name: 'orders', ready: i, unacked: 2 * i, consumers: 2, isDeadLetter: false, publishRate: rate, deliverRate: rate, ackRate: null },
              { name: 'passive', ready: 5, unacked: null, consumers: 0, isDeadLetter: false, publishRate: null, deliverRate: null, ackRate: null },
            ]),
            at,
          ),
          ...bullSampleRows(bullOverview(at, [bullQueue('orders', 10 * i, i >= 170 ? 1 : 0)]), at),
        );
      }
      // Eight days ago: outside 7 d.
      rows.push(...rabbitSampleRows(rabbitOverview(now - 8 * 86_400_000, [{ name: 'orders', ready: 99_999, unacked: 0, consumers: 0, isDeadLetter: false, publishRate: null, deliverRate: null, ackRate: null }]), now - 8 * 86_400_000));
      expect(await store.write(rows)).toBe(rows.length);
      expect(await store.write(rows.slice(0, 10))).toBe(0);

      const day = await store.rabbitHistory('orders', '24h', now);
      expect(day).toMatchObject({ queue: 'orders', gone: false, stepMs: 5 * MINUTE, points: 288 });
      expect(day.series.map((s) => s.key)).toEqual(['ready', 'unacked', 'consumers', 'publishRate', 'deliverRate', 'ackRate']);
      const ready = values(day, 'ready').filter((v) => v !== null);
      // Each bucket holds five minutes: its highest ready count is its last minute's index.
      expect(ready).toEqual(Array.from({ length: 36 }, (_, b) => b * 5 + 4));
      expect(values(day, 'unacked').filter((v) => v !== null)).toEqual(ready.map((v) => 2 * v!));
      for (const rate of values(day, 'publishRate').filter((v) => v !== null)) expect([1.8, 2.2]).toContain(Math.round(rate! * 10) / 10);
      expect(values(day, 'ackRate').every((v) => v === null)).toBe(true);
      // The axis ends with the bucket now is in (nothing stored yet); the one before holds the last minute.
      expect(values(day, 'ready').slice(-2)).toEqual([179, null]);

      const passive = await store.rabbitHistory('passive', '24h', now);
      expect(values(passive, 'ready').filter((v) => v !== null)).toHaveLength(36);
      expect(['unacked', 'publishRate', 'deliverRate'].every((key) => values(passive, key).every((v) => v === null))).toBe(true);

      const week = await store.rabbitHistory('orders', '7d', now);
      expect(week).toMatchObject({ stepMs: 60 * MINUTE, points: 168 });
      expect(values(week, 'ready').filter((v) => v !== null)).toEqual([59, 119, 179]);

      // The BullMQ queue of the same name is its own history, not mixed with RabbitMQ's.
      const bull = await store.bullHistory('bull', 'orders', '7d', now);
      expect(bull.series.map((s) => s.key)).toEqual(['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed']);
      expect(values(bull, 'waiting').filter((v) => v !== null)).toEqual([590, 1190, 1790]);
      expect(values(bull, 'failed').filter((v) => v !== null)).toEqual([0, 0, 1]);
      expect(values(await store.bullHistory('bull', 'nothing-here', '24h', now), 'waiting').every((v) => v === null)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('a console that may write stores its RabbitMQ and BullMQ queues a minute at a time and serves them; without a database it says so; a read-only one writes nothing', async () => {
    const ns = uniqueNamespace('qsamples');
    const roNs = uniqueNamespace('qsamples-ro');
    const rabbitQueue = `${ns}orders`;
    const roQueue = `${roNs}orders`;
    const connection = await amqp.connect(AMQP_URL);
    const channel = await connection.createChannel();
    const bullConnection = { host: new URL(REDIS_URL).hostname, port: Number(new URL(REDIS_URL).port || 6379), maxRetriesPerRequest: null };
    const bull = new Queue('ingress', { connection: bullConnection, prefix: `${ns}bull` });
    const roBull = new Queue('ingress', { connection: bullConnection, prefix: `${roNs}bull` });
    let started: TestCore | undefined;
    try {
      for (const q of [rabbitQueue, roQueue]) await channel.assertQueue(q, { durable: false });
      for (let i = 0; i < 4; i++) channel.sendToQueue(rabbitQueue, Buffer.from(String(i)));
      for (let i = 0; i < 3; i++) channel.sendToQueue(roQueue, Buffer.from(String(i)));
      for (let i = 0; i < 3; i++) await bull.add('job', { i });
      await roBull.add('job', {});
      // The management API counts a new queue's messages some seconds late: start the consoles once it does,
      // so that their first minute holds them (the next is a minute away).
      await waitFor(async () => (await managementReady(rabbitQueue)) === 4 && (await managementReady(roQueue)) === 3, 'the management API counting the messages', 30_000, 250);
      const t = (started = await createTestCore(ns, { postgres: { url: fixture.db.url } }));
      const ro = await t.core.call('environments.add', { name: `RO ${roNs}`, production: true, namespace: roNs, redis: { url: REDIS_URL }, amqp: { url: AMQP_URL }, managementUrl: MANAGEMENT_URL, postgres: { url: fixture.db.url } });
      if (!ro.ok) throw new Error(ro.error.message);
      const bare = await t.core.call('environments.add', { name: `No DB ${ns}`, namespace: ns, redis: { url: REDIS_URL }, amqp: { url: AMQP_URL } });
      if (!bare.ok) throw new Error(bare.error.message);
      await t.core.startRuntimes([t.envId, ro.value.id, bare.value.id]);

      const rabbit = await waitFor(async () => {
        const h = await t.core.call('queues.storedHistory', { envId: t.envId, queue: rabbitQueue, range: '24h' });
        if (!h.ok) throw new Error(h.error.message);
        return values(h.value, 'ready').some((v) => v === 4) ? h.value : undefined;
      }, 'the RabbitMQ queue’s first minute stored', 30_000);
      expect(rabbit).toMatchObject({ queue: rabbitQueue, stepMs: 5 * MINUTE, points: 288 });
      const jobs = await waitFor(async () => {
        const h = await t.core.call('bullmq.storedHistory', { envId: t.envId, queue: 'ingress', range: '7d' });
        if (!h.ok) throw new Error(h.error.message);
        return values(h.value, 'waiting').some((v) => v === 3) ? h.value : undefined;
      }, 'the BullMQ queue’s first minute stored', 30_000);
      expect(jobs).toMatchObject({ queue: 'ingress', stepMs: 60 * MINUTE, points: 168 });

      for (const call of [
        t.core.call('queues.storedHistory', { envId: bare.value.id, queue: rabbitQueue, range: '24h' }),
        t.core.call('bullmq.storedHistory', { envId: bare.value.id, queue: 'ingress', range: '7d' }),
      ])
        expect(await call).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('no database configured') } });

      // The read-only environment's monitors have listed both queues all along; neither reaches the database.
      const roRuntime = t.core.runtime(ro.value.id);
      await waitFor(() => (roRuntime.monitor.snapshot().amqp.queues ?? []).some((q) => q.name === roQueue && q.ready === 3) || undefined, 'read-only RabbitMQ listed', 30_000);
      const seen = await waitFor(() => ((roRuntime.bull?.snapshot().queues ?? []).some((q) => q.name === 'ingress') ? roRuntime.monitor.snapshot().at : undefined), 'read-only BullMQ listed');
      await waitFor(() => roRuntime.monitor.snapshot().at >= seen + 1000 || undefined, 'five more ticks');
      const client = await fixture.db.client();
      try {
        // Each environment's BullMQ 'ingress' is its own (under its namespace's prefix): the writable one's is there, the read-only one's not.
        const { rows } = await client.query<{ queue: string }>(`SELECT DISTINCT queue FROM queue_samples WHERE queue IN ($1, $2, $3) ORDER BY 1`, [rabbitQueue, roQueue, `${roNs}bull:ingress`]);
        expect(rows.map((r) => r.queue)).toEqual([rabbitQueue]);
        const { rows: bullRows } = await client.query<{ queue: string }>(`SELECT DISTINCT queue FROM queue_samples WHERE broker = 'bullmq' AND queue LIKE '%:ingress'`);
        expect(bullRows.map((r) => r.queue)).toEqual([`${ns}bull:ingress`]);
      } finally {
        await client.end();
      }
    } finally {
      await started?.close();
      await bull.obliterate({ force: true }).catch(() => undefined);
      await roBull.obliterate({ force: true }).catch(() => undefined);
      await Promise.all([bull.close(), roBull.close()]);
      for (const q of [rabbitQueue, roQueue]) await channel.deleteQueue(q).catch(() => undefined);
      await connection.close();
      await cleanupNamespace(ns);
      await cleanupNamespace(roNs);
    }
  });
});

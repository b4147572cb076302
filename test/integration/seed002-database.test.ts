import amqp, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ESCALATION_POLICY } from '../../shared/model/alerts';
import { topologyFor } from '../../shared/model/topology';
import { expandProcessorNames } from '../../shared/model/workers';
import { AlertStore } from '../../electron/core/alerts/alert-store';
import { PgAlertNotifier } from '../../electron/core/database/pg-alert-notifier';
import { RabbitSinkProcessor } from '../../electron/core/database/rabbit-sink';
import { SYSTEM_METRICS_TABLE, SYSTEMS_TABLE } from '../../electron/core/database/seed002-tables';
import type { Processor } from '../../electron/core/workers/processor';
import { DEFAULT_METRIC_THRESHOLDS, systemAlertId } from '../../electron/core/workers/rabbit/metric-thresholds';
import type { AmqpSettings } from '../../electron/core/workers/rabbit/rabbit-consumer';
import { WorkerRuntime } from '../../electron/core/workers/worker-runtime';
import { AMQP_URL, REDIS_URL, deleteKeys, uniqueNamespace } from '../helpers/brokers';
import { createTestDatabase, OwnPostgres, type TestDatabase } from '../helpers/postgres';
import { waitFor } from '../helpers/wait';

// Issue 17, seed 002: the rabbit-systems and rabbit-metrics-store sinks and the trigger → pg_notify →
// pg-alert-notifier → alert_queue path, on the real RabbitMQ, PostgreSQL (and Redis for the alert store).
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const broker = new URL(AMQP_URL);
const amqpSettings: AmqpSettings = { url: `amqp://guest:guest@${broker.hostname}:${broker.port || 5672}`, username: 'guest', password: 'guest', vhost: '/', tls: false, host: broker.hostname, port: Number(broker.port || 5672), tlsSettings: null };
const redisSettings = { host: '127.0.0.1', port: Number(new URL(REDIS_URL).port || 6379), db: 0, username: '', password: '', tls: false, tlsSettings: null };
const FAST_RETRIES = { maxRetries: 3, backoff: { type: 'exponential', baseMs: 20, maxMs: 200 }, jitter: 0.25 } as const;

const discovery = (i: number, scanId = 7) => ({
  scan_id: scanId,
  dept_id: 1,
  ip_address: `10.30.${Math.floor(i / 250)}.${(i % 250) + 1}`,
  hostname: `lab-pc-${i}`,
  mac_address: '00:1B:44:11:3A:B7',
  discovered_at: '2025-11-25T10:30:00Z',
  scan_type: 'ping',
});
const at = (i: number) => new Date(Date.UTC(2025, 10, 25, 10, 35) + i * 60_000).toISOString();
const metric = (systemId: number, i: number, cpu = 45.23) => ({
  system_id: systemId,
  collected_at: at(i),
  metrics: { cpu_percent: cpu, ram_percent: 67.89, disk_percent: 55.12, network_sent_mbps: 12.45, network_recv_mbps: 8.32, gpu_percent: 78.9, uptime_seconds: 345600, logged_in_users: 3 },
});
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

async function count(client: pg.Client, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await client.query<{ n: string }>(sql, params);
  return Number(rows[0]!.n);
}

/** Inserts seed 002 metric rows straight into system_metrics (what the sink does), so the trigger runs without the sink. */
async function insertMetrics(client: pg.Client, rows: { system_id: number; collected_at: string; cpu: number }[]): Promise<void> {
  await client.query(
    `INSERT INTO system_metrics (system_id, collected_at, cpu_percent, ram_percent, disk_percent, network_sent_mbps, network_recv_mbps, uptime_seconds, logged_in_users)
     SELECT s, t, c, 50, 50, 1, 1, 10, 1 FROM unnest($1::bigint[], $2::timestamptz[], $3::float8[]) AS u(s, t, c) ON CONFLICT DO NOTHING`,
    [rows.map((r) => r.system_id), rows.map((r) => r.collected_at), rows.map((r) => r.cpu)],
  );
}

describe('seed 002 in PostgreSQL: sinks and the alert trigger path', () => {
  let db: TestDatabase;
  let client: pg.Client;
  let connection: ChannelModel;
  let channel: Channel;
  let redis: Redis;
  const namespaces: string[] = [];
  const running: Processor[] = [];
  const own: { server?: OwnPostgres; db?: TestDatabase } = {};

  const fresh = () => {
    const ns = uniqueNamespace('s2db');
    namespaces.push(ns);
    return { ns, topology: topologyFor(ns) };
  };
  const started = async <P extends Processor>(processor: P, state: 'running' = 'running'): Promise<P> => {
    running.push(processor);
    await processor.start();
    await waitFor(() => processor.status().state === state, `${processor.name} ${state}`);
    return processor;
  };
  const sink = <Row>(table: typeof SYSTEMS_TABLE | typeof SYSTEM_METRICS_TABLE, ns: string, settings = db.settings) =>
    new RabbitSinkProcessor<Row>(table as never, { amqp: amqpSettings, namespace: ns, retryPolicy: FAST_RETRIES, settings: { batch: 200 }, database: { settings, logger: silent } });
  const notifier = (ns: string, settings = db.settings, consumer = 'test-notifier') =>
    new PgAlertNotifier({ amqp: amqpSettings, postgres: settings, namespace: ns, settings: { concurrency: 1, batch: 50 }, consumer, logger: silent, maxDelayMs: 500, heartbeatMs: 1000 });
  const messageCount = async (queue: string) => (await channel.checkQueue(queue)).messageCount;
  /** Every message in a queue (noAck), until it is empty. */
  const drainQueue = async (queue: string) => {
    const out: GetMessage[] = [];
    for (;;) {
      const m = await channel.get(queue, { noAck: true });
      if (!m) return out;
      out.push(m);
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    client = await db.client();
    connection = await amqp.connect(AMQP_URL);
    channel = await connection.createChannel();
    redis = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
  });
  afterAll(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
    for (const ns of namespaces) {
      const t = topologyFor(ns);
      const names = t.queues.flatMap((q) => [q.name, q.deadLetterQueue]);
      for (const seed of ['discovery_queue', 'metrics_queue']) names.push(`${ns}${seed}.store`, `${ns}${seed}.store.dlq`);
      for (const name of names) await channel?.deleteQueue(name).catch(() => undefined);
      for (const ex of [t.exchange, t.deadLetterExchange]) await channel?.deleteExchange(ex).catch(() => undefined);
      if (redis) await deleteKeys(redis, ns);
    }
    await connection?.close().catch(() => undefined);
    redis?.disconnect();
    await client?.end();
    await db?.drop();
    await own.db?.drop().catch(() => undefined);
    await own.server?.stop();
  });

  it('rabbit-systems: each discovery stored once through its own queue; a row the database refuses is dead-lettered, its batch-mates stored; discovery_queue keeps every message', async () => {
    const { ns, topology } = fresh();
    const processor = await started(sink(SYSTEMS_TABLE, ns));
    for (let i = 0; i < 200; i++) channel.publish(topology.exchange, 'discovery.new', json(discovery(i)), { persistent: true, messageId: `d-${i}` });
    // The Scanner sending the same discoveries again (new message ids, so no dedup window helps): no new rows.
    for (let i = 0; i < 50; i++) channel.publish(topology.exchange, 'discovery.new', json(discovery(i)), { persistent: true, messageId: `again-${i}` });
    // Valid for the seed schema, refused by PostgreSQL (a NUL byte in text).
    channel.publish(topology.exchange, 'discovery.new', json({ ...discovery(999), hostname: 'bad\u0000host' }), { persistent: true, messageId: 'nul' });
    await waitFor(() => processor.status().counters.processed === 250 && processor.status().counters.deadLettered === 1, '250 stored, 1 dead-lettered');
    expect(await count(client, 'SELECT count(*) AS n FROM systems WHERE scan_id = 7')).toBe(200);
    expect(await count(client, "SELECT count(*) AS n FROM systems WHERE ip_address = '10.30.0.1' AND hostname = 'lab-pc-0' AND mac_address = '00:1b:44:11:3a:b7'")).toBe(1);
    expect(processor.status().lastError?.message).toMatch(/PostgreSQL refused the row: invalid byte sequence for encoding "UTF8": 0x00/);
    const dead = await waitFor(async () => (await channel.get(`${ns}discovery_queue.store.dlq`, { noAck: true })) || undefined, 'the dead letter');
    expect(dead.properties.messageId).toBe('nul');
    // The seed queue's own consumer (rabbit-discovery) has lost nothing: every message is still there for it.
    expect(await messageCount(`${ns}discovery_queue`)).toBe(251);
  });

  it('rabbit-metrics-store: messages redelivered by the broker (their rows partly stored already) are stored once; an out-of-range value is dead-lettered', async () => {
    const { ns, topology } = fresh();
    const queue = `${ns}metrics_queue.store`;
    // Declares its queue, then stops: the messages below wait in it.
    const first = await started(sink(SYSTEM_METRICS_TABLE, ns));
    await first.stop();
    for (let i = 0; i < 120; i++) channel.publish(topology.exchange, 'metrics.collected', json(metric(5000, i)), { persistent: true, messageId: `m-${i}` });
    channel.publish(topology.exchange, 'metrics.collected', json({ ...metric(5000, 500), metrics: { ...metric(5000, 500).metrics, logged_in_users: 3_000_000_000 } }), { persistent: true, messageId: 'too-many-users' });
    await waitFor(async () => (await messageCount(queue)) === 121, '121 messages waiting');
    // A consumer that takes them all and dies before acknowledging: the broker redelivers every one.
    const grabber = await connection.createChannel();
    await grabber.prefetch(200);
    let taken = 0;
    await grabber.consume(queue, () => void (taken += 1), { noAck: false });
    await waitFor(() => taken === 121, 'all taken, unacknowledged');
    await grabber.close();
    // Half of them were stored before (the ack was what got lost).
    await client.query(
      `INSERT INTO system_metrics (system_id, collected_at, cpu_percent, ram_percent, disk_percent, network_sent_mbps, network_recv_mbps, uptime_seconds, logged_in_users)
       SELECT 5000, t, 45.23, 67.89, 55.12, 12.45, 8.32, 345600, 3 FROM unnest($1::timestamptz[]) AS t`,
      [Array.from({ length: 60 }, (_, i) => at(i * 2))],
    );
    const processor = await started(sink(SYSTEM_METRICS_TABLE, ns));
    await waitFor(() => processor.status().counters.processed === 120 && processor.status().counters.deadLettered === 1, '120 stored, 1 dead-lettered');
    expect(processor.status().counters.reclaimed).toBe(121);
    expect(await count(client, 'SELECT count(*) AS n FROM system_metrics WHERE system_id = 5000')).toBe(120);
    expect(await count(client, 'SELECT count(DISTINCT collected_at) AS n FROM system_metrics WHERE system_id = 5000')).toBe(120);
    expect(processor.sink.counts).toMatchObject({ inserted: 60, alreadyStored: 60, refused: 1 });
    const { rows } = await client.query('SELECT * FROM system_metrics WHERE system_id = 5000 AND collected_at = $1', [at(1)]);
    expect(rows[0]).toMatchObject({ cpu_percent: 45.23, ram_percent: 67.89, gpu_percent: 78.9, uptime_seconds: '345600', logged_in_users: 3, message_id: 'm-1' });
    const dead = await waitFor(async () => (await channel.get(`${ns}metrics_queue.store.dlq`, { noAck: true })) || undefined, 'the dead letter');
    expect(dead.properties.messageId).toBe('too-many-users');
    expect(await count(client, 'SELECT count(*) AS n FROM metric_alerts WHERE system_id = 5000')).toBe(0);
  });

  it('the thresholds the trigger watches are the rabbit-metrics consumer defaults', async () => {
    const { rows } = await client.query<{ metric: string; alert_type: string; warning: number | null; critical: number | null }>('SELECT metric, alert_type, warning, critical FROM metric_thresholds ORDER BY metric');
    const expected = DEFAULT_METRIC_THRESHOLDS.map((t) => ({ metric: t.metric, alert_type: t.alertType, warning: t.warning ?? null, critical: t.critical ?? null })).sort((a, b) => a.metric.localeCompare(b.metric));
    expect(rows).toEqual(expected);
  });

  it('the trigger: a metric over its threshold, stored by the sink, reaches alert_queue as the seed alert, published once confirmed', async () => {
    const { ns, topology } = fresh();
    await started(sink(SYSTEM_METRICS_TABLE, ns));
    const notify = await started(notifier(ns));
    channel.publish(topology.exchange, 'metrics.collected', json(metric(42, 10, 95.5)), { persistent: true });
    channel.publish(topology.exchange, 'metrics.collected', json(metric(42, 11, 50)), { persistent: true });
    const message = await waitFor(async () => (await channel.get(`${ns}alert_queue`, { noAck: true })) || undefined, 'an alert in alert_queue');
    const alert = { system_id: 42, alert_type: 'cpu_high', severity: 'warning', value: 95.5, threshold: 90, timestamp: new Date(at(10)).toISOString() };
    expect(JSON.parse(message.content.toString())).toEqual(alert);
    expect(message.fields.routingKey).toBe('alerts.warning');
    expect(message.properties.messageId).toBe(systemAlertId(alert));
    await waitFor(async () => (await count(client, 'SELECT count(*) AS n FROM metric_alerts WHERE system_id = 42 AND published_at IS NOT NULL')) === 1, 'marked published');
    expect(await count(client, 'SELECT count(*) AS n FROM metric_alerts WHERE system_id = 42')).toBe(1);
    expect(notify.status().counters.processed).toBe(1);
    expect(await channel.get(`${ns}alert_queue`, { noAck: true })).toBe(false);
  });

  it('end to end through the workers (--only database,rabbit-alerts): Collector message → system_metrics → trigger → alert_queue → the alert store, once', async () => {
    const { ns, topology } = fresh();
    const runtime = new WorkerRuntime({ env: { id: 'e2e', namespace: ns, redis: redisSettings, amqp: amqpSettings, postgres: db.settings } }, { clock: { now: () => Date.now() }, logger: silent });
    try {
      const names = [...expandProcessorNames(['database']).filter((n) => n.startsWith('rabbit-') || n === 'pg-alert-notifier'), 'rabbit-alerts' as const];
      expect(names.sort()).toEqual(['pg-alert-notifier', 'rabbit-alerts', 'rabbit-metrics-store', 'rabbit-systems']);
      expect(await runtime.start(names)).toEqual({});
      const view = runtime.view('in-process').processors;
      expect(view.find((p) => p.name === 'rabbit-metrics-store')).toMatchObject({ title: 'System metrics store (PostgreSQL)', source: `${ns}metrics_queue.store`, unavailable: null });
      expect(view.find((p) => p.name === 'pg-alert-notifier')).toMatchObject({ source: `${ns}metric_alerts`, unavailable: null });
      await waitFor(() => runtime.view('in-process').processors.filter((p) => names.includes(p.name as never)).every((p) => p.state === 'running'), 'all running');
      channel.publish(topology.exchange, 'metrics.collected', json(metric(77, 20, 98.5)), { persistent: true });
      const id = systemAlertId({ system_id: 77, alert_type: 'cpu_high', timestamp: at(20) });
      const store = new AlertStore(redis, ns, DEFAULT_ESCALATION_POLICY);
      const stored = await waitFor(async () => (await store.get(id)) ?? undefined, 'the alert in the store');
      expect(stored).toMatchObject({ id, severity: 'critical' });
      await waitFor(() => runtime.view('in-process').processors.find((p) => p.name === 'rabbit-alerts')!.counters.processed === 1, 'rabbit-alerts processed it');
    } finally {
      await runtime.stop();
    }
  });

  it('recovery: alerts detected while no notifier ran are published when one starts; two notifiers at once publish each exactly once', async () => {
    const { ns } = fresh();
    // Declares the topology (alert_queue) and stops.
    const declared = await started(notifier(ns));
    await declared.stop();
    await insertMetrics(client, Array.from({ length: 40 }, (_, i) => ({ system_id: 6000, collected_at: at(i), cpu: 99 })));
    expect(await count(client, 'SELECT count(*) AS n FROM metric_alerts WHERE system_id = 6000 AND published_at IS NULL')).toBe(40);
    const [a, b] = [notifier(ns, db.settings, 'a'), notifier(ns, db.settings, 'b')];
    await Promise.all([started(a), started(b)]);
    // More while both listen, in several statements.
    for (let k = 0; k < 8; k++) await insertMetrics(client, Array.from({ length: 20 }, (_, i) => ({ system_id: 6001, collected_at: at(k * 20 + i), cpu: 92 })));
    await waitFor(async () => (await count(client, 'SELECT count(*) AS n FROM metric_alerts WHERE system_id IN (6000, 6001) AND published_at IS NULL')) === 0, 'all published');
    expect(await count(client, 'SELECT count(*) AS n FROM metric_alerts WHERE system_id IN (6000, 6001)')).toBe(200);
    const messages = await drainQueue(`${ns}alert_queue`);
    expect(messages).toHaveLength(200);
    expect(new Set(messages.map((m) => m.properties.messageId)).size).toBe(200);
    expect(a.status().counters.processed + b.status().counters.processed).toBe(200);
  });

  it('a database killed -9 and restarted: the notifier re-LISTENs, publishes what it missed, and a later alert through the notification; nothing lost', async () => {
    const { ns } = fresh();
    own.server = await OwnPostgres.start();
    own.db = await createTestDatabase(own.server.url);
    const notify = await started(notifier(ns, own.db.settings));
    let c = await own.db.client();
    c.on('error', () => undefined);
    await insertMetrics(c, [{ system_id: 1, collected_at: at(0), cpu: 99 }]);
    await waitFor(() => notify.status().counters.processed === 1, 'first alert published');
    await c.end().catch(() => undefined);
    await own.server.kill();
    await waitFor(() => notify.status().state === 'failing', 'notifier failing while the database is down');
    await own.server.start();
    // Detected right after the restart, maybe before the notifier is back: the reconnect's drain or the notification publishes them.
    c = await own.db.client();
    c.on('error', () => undefined);
    try {
      await insertMetrics(c, Array.from({ length: 10 }, (_, i) => ({ system_id: 2, collected_at: at(i), cpu: 99 })));
      await waitFor(() => notify.status().state === 'running', 'notifier running again', 30_000);
      await waitFor(async () => (await count(c, 'SELECT count(*) AS n FROM metric_alerts WHERE published_at IS NULL')) === 0, 'missed alerts published', 30_000);
      // Now only the re-LISTENed notification can publish this one (there is no polling).
      await insertMetrics(c, [{ system_id: 3, collected_at: at(0), cpu: 99 }]);
      await waitFor(async () => (await count(c, 'SELECT count(*) AS n FROM metric_alerts WHERE system_id = 3 AND published_at IS NOT NULL')) === 1, 'alert after restart published');
    } finally {
      await c.end().catch(() => undefined);
    }
    const messages = await drainQueue(`${ns}alert_queue`);
    expect(messages.map((m) => JSON.parse(m.content.toString()).system_id).sort()).toEqual([1, ...Array(10).fill(2), 3]);
  });
});

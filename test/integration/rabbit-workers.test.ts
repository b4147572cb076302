import amqp, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ESCALATION_POLICY } from '../../shared/model/alerts';
import { topologyFor } from '../../shared/model/topology';
import { AlertStore } from '../../electron/core/alerts/alert-store';
import type { Processor } from '../../electron/core/workers/processor';
import { toSecurityAlert } from '../../electron/core/workers/rabbit/alert-conversion';
import { AlertsProcessor } from '../../electron/core/workers/rabbit/alerts-processor';
import { createRabbitProcessors } from '../../electron/core/workers/rabbit/create-rabbit-processors';
import { DiscoveryProcessor, systemsKey } from '../../electron/core/workers/rabbit/discovery-processor';
import { MetricsProcessor } from '../../electron/core/workers/rabbit/metrics-processor';
import type { AmqpSettings, RabbitConsumerOptions } from '../../electron/core/workers/rabbit/rabbit-consumer';
import { AMQP_URL, CuttableProxy, MANAGEMENT_URL, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { waitFor } from '../helpers/wait';

const broker = new URL(AMQP_URL);
const amqpSettings = (port = Number(broker.port || 5672)): AmqpSettings => ({
  url: `amqp://guest:guest@${broker.hostname}:${port}`,
  username: 'guest',
  password: 'guest',
  vhost: '/',
  tls: false,
  host: broker.hostname,
  port,
  tlsSettings: null,
});
const FAST_RETRIES = { maxRetries: 3, backoff: { type: 'exponential', baseMs: 20, maxMs: 200 }, jitter: 0.25 } as const;

const discovery = (i: number) => ({
  scan_id: 123,
  dept_id: 1,
  ip_address: `10.30.${Math.floor(i / 250)}.${(i % 250) + 1}`,
  hostname: `lab-pc-${i}`,
  mac_address: '00:1B:44:11:3A:B7',
  discovered_at: '2025-11-25T10:30:00Z',
  scan_type: 'ping',
});
const metric = (cpu: number) => ({
  system_id: 42,
  collected_at: '2025-11-25T10:35:00Z',
  metrics: { cpu_percent: cpu, ram_percent: 50, disk_percent: 50, network_sent_mbps: 1, network_recv_mbps: 1, uptime_seconds: 10, logged_in_users: 1 },
});
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/**
 * Seed 002 consumers on the real RabbitMQ (and Redis): each test runs a whole pipeline under a
 * namespace of its own, deleted afterwards.
 */
describe('RabbitMQ pipeline workers', () => {
  let connection: ChannelModel;
  let channel: Channel;
  let redis: Redis;
  const namespaces: string[] = [];
  const running: Processor[] = [];

  const fresh = () => {
    const ns = uniqueNamespace('rw');
    namespaces.push(ns);
    return { ns, topology: topologyFor(ns), options: { amqp: amqpSettings(), namespace: ns, retryPolicy: FAST_RETRIES } satisfies RabbitConsumerOptions };
  };
  const started = async <P extends Processor>(processor: P): Promise<P> => {
    running.push(processor);
    await processor.start();
    await waitFor(() => processor.status().state === 'running', `${processor.name} running`);
    return processor;
  };
  const publish = (exchange: string, routingKey: string, content: Buffer, messageId?: string) => channel.publish(exchange, routingKey, content, { persistent: true, ...(messageId ? { messageId } : {}) });
  /** On a channel of its own: a passive declare of a missing queue closes the channel it runs on. */
  const queueExists = async (queue: string) => {
    const probe = await connection.createChannel();
    probe.on('error', () => undefined);
    const exists = await probe.checkQueue(queue).then(() => true, () => false);
    await probe.close().catch(() => undefined);
    return exists;
  };
  const getOne = (queue: string) => waitFor(async () => (await channel.get(queue, { noAck: true })) || undefined, `a message in ${queue}`);

  beforeAll(async () => {
    connection = await amqp.connect(AMQP_URL);
    channel = await connection.createChannel();
    redis = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
  });
  afterAll(async () => {
    for (const ns of namespaces) {
      const t = topologyFor(ns);
      for (const q of t.queues) for (const name of [q.name, q.deadLetterQueue]) await channel.deleteQueue(name).catch(() => undefined);
      for (const ex of [t.exchange, t.deadLetterExchange]) await channel.deleteExchange(ex).catch(() => undefined);
      const keys = await redis.keys(`${ns}*`);
      if (keys.length) await redis.del(...keys);
    }
    await connection.close().catch(() => undefined);
    redis.disconnect();
  });

  it('creates the three processors (or those asked for) with the shared status shape', () => {
    const { ns, options } = fresh();
    expect(createRabbitProcessors(options).map((p) => p.name)).toEqual(['rabbit-discovery', 'rabbit-metrics', 'rabbit-alerts']);
    const [only] = createRabbitProcessors({ ...options, only: ['rabbit-alerts'] });
    expect(only!.status()).toMatchObject({ name: 'rabbit-alerts', source: `${ns}alert_queue`, group: '', state: 'stopped' });
  });

  it('discovery: a scanned system is recorded in Redis by IP; an invalid message is dead-lettered at once', async () => {
    const { ns, topology, options } = fresh();
    const processor = await started(new DiscoveryProcessor({ ...options, redis }));
    publish(topology.exchange, 'discovery.new', json(discovery(0)));
    publish(topology.exchange, 'discovery.new', Buffer.from('not json'), 'bad-1');
    await waitFor(() => processor.status().counters.deadLettered === 1 && processor.status().counters.processed === 1, 'one processed, one dead-lettered');
    expect(JSON.parse((await redis.hget(systemsKey(ns), '10.30.0.1'))!)).toEqual(discovery(0));
    expect(processor.status().counters).toMatchObject({ failures: 0, retries: 0 });
    const dead = await getOne(`${ns}discovery_queue.dlq`);
    expect(dead.properties.messageId).toBe('bad-1');
  });

  it('metrics: a value above threshold publishes an alert to alert_queue with alerts.{severity}; below threshold none', async () => {
    const { ns, topology, options } = fresh();
    const processor = await started(new MetricsProcessor(options));
    publish(topology.exchange, 'metrics.collected', json(metric(40)));
    publish(topology.exchange, 'metrics.collected', json(metric(98.5)));
    // The alert is confirmed before its metric is acked, so once both are processed it is queued.
    await waitFor(() => processor.status().counters.processed === 2, 'two metrics processed');
    expect((await channel.checkQueue(`${ns}alert_queue`)).messageCount).toBe(1);
    const alert: GetMessage = await getOne(`${ns}alert_queue`);
    expect(alert.fields.routingKey).toBe('alerts.critical');
    expect(alert.properties).toMatchObject({ messageId: `rabbit-42-cpu_high-${Date.parse('2025-11-25T10:35:00Z')}`, deliveryMode: 2 });
    expect(JSON.parse(alert.content.toString())).toEqual({ system_id: 42, alert_type: 'cpu_high', severity: 'critical', value: 98.5, threshold: 97, timestamp: '2025-11-25T10:35:00Z' });
  });

  it('alerts: an alert delivered twice (and once more as a duplicate id) is ingested into the AlertStore once', async () => {
    const { ns, topology, options } = fresh();
    const store = new AlertStore(redis, ns, DEFAULT_ESCALATION_POLICY);
    const processor = await started(new AlertsProcessor({ ...options, alertStore: store }));
    const alert = { system_id: 7, alert_type: 'disk_high', severity: 'warning', value: 93, threshold: 90, timestamp: '2025-11-25T10:40:00Z' };
    publish(topology.exchange, 'alerts.warning', json(alert), 'a-1');
    publish(topology.exchange, 'alerts.warning', json(alert), 'a-1');
    publish(topology.exchange, 'alerts.warning', json(alert), 'a-2');
    await waitFor(() => processor.status().counters.processed + processor.status().counters.duplicates === 3, 'three deliveries handled');
    expect(processor.status().counters).toMatchObject({ processed: 2, duplicates: 1 });
    expect(processor.created).toBe(1);
    expect(await store.count()).toBe(1);
    expect(await store.get(toSecurityAlert(alert as never).id)).toMatchObject({ assetId: 'system-7', severity: 'high', status: 'open' });
  });

  it('a poison message is retried 3 times with backoff, then dead-lettered to <queue>.dlq with x-death', async () => {
    const { ns, topology, options } = fresh();
    await redis.set(systemsKey(ns), 'not a hash'); // every HSET fails: WRONGTYPE
    const processor = await started(new DiscoveryProcessor({ ...options, redis }));
    publish(topology.exchange, 'discovery.new', json(discovery(1)), 'poison-1');
    const dead = await getOne(`${ns}discovery_queue.dlq`);
    expect(dead.properties.messageId).toBe('poison-1');
    const xDeath = dead.properties.headers?.['x-death'] as { queue: string; reason: string; count: number }[];
    expect(xDeath[0]).toMatchObject({ queue: `${ns}discovery_queue`, reason: 'rejected', count: 1 });
    expect(processor.status().counters).toMatchObject({ failures: 4, retries: 3, deadLettered: 1, processed: 0 });
    expect(processor.status().lastError?.message).toMatch(/WRONGTYPE/);
  });

  it('pauses (takes nothing new) and resumes on the same connection', async () => {
    const { topology, options } = fresh();
    const processor = await started(new DiscoveryProcessor({ ...options, redis }));
    await processor.pause();
    expect(processor.status().state).toBe('paused');
    publish(topology.exchange, 'discovery.new', json(discovery(2)));
    await waitFor(async () => (await channel.checkQueue(processor.source)).messageCount === 1, 'the message waiting in the queue');
    expect(processor.status().counters.processed).toBe(0);
    await processor.resume();
    await waitFor(() => processor.status().counters.processed === 1, 'processed after resume');
    await processor.stop();
    await processor.stop();
    expect(processor.status().state).toBe('stopped');
  });

  it('applies new settings by reconnecting, and re-declares its queue when it was deleted under it', async () => {
    const { topology, options } = fresh();
    const processor = await started(new DiscoveryProcessor({ ...options, redis, maxReconnectDelayMs: 300 }));
    await processor.configure({ batch: 5 });
    await waitFor(() => processor.status().state === 'running', 'running with the new settings');
    expect(processor.status().settings).toEqual({ concurrency: 1, batch: 5 });
    await expect(processor.configure({ batch: 0 })).rejects.toThrow();
    await channel.deleteQueue(processor.source);
    // The broker cancels the consumer; the reconnect's setup declares the queue (and its binding) again.
    await waitFor(async () => (await queueExists(processor.source)) && processor.status().state === 'running', 'queue declared again');
    publish(topology.exchange, 'discovery.new', json(discovery(3)));
    await waitFor(() => processor.status().counters.processed === 1, 'consumed from the re-declared queue');
  });

  it('attaches to an existing queue without DLX arguments as it is: a bad message is published to <queue>.dlq with a confirm, none lost', async () => {
    const { ns, topology, options } = fresh();
    // The team's own setup script: the queue, durable, none of Watchfloor's dead-letter arguments.
    await channel.assertQueue(`${ns}discovery_queue`, { durable: true, arguments: { 'x-max-length': 10_000 } });
    const management = { baseUrl: MANAGEMENT_URL, username: 'guest', password: 'guest', tlsSettings: null };
    const processor = await started(new DiscoveryProcessor({ ...options, management, redis }));
    expect(processor.status().notes).toEqual([`existing queue, no dead-letter exchange: dead letters published to ${ns}discovery_queue.dlq`]);
    publish(topology.exchange, 'discovery.new', Buffer.from('not json'), 'bad-existing');
    publish(topology.exchange, 'discovery.new', json(discovery(5)), 'good-existing');
    await waitFor(() => processor.status().counters.deadLettered === 1 && processor.status().counters.processed === 1, 'one processed, one dead-lettered');
    const dead = await getOne(`${ns}discovery_queue.dlq`);
    expect(dead.properties.messageId).toBe('bad-existing');
    expect(dead.content.toString()).toBe('not json');
    expect(dead.properties.headers?.['x-death']).toEqual([expect.objectContaining({ queue: `${ns}discovery_queue`, reason: 'rejected', count: 1, exchange: topology.exchange, 'routing-keys': ['discovery.new'] })]);
    // Why, beside x-death (a nack could not say): the parse failure, no attempt made.
    expect(dead.properties.headers?.['x-watchfloor-error']).toMatch(/^invalid message: /);
    expect(dead.properties.headers?.['x-watchfloor-attempts']).toBe(0);
    // The original was acked after the confirm: nothing left behind, the queue itself untouched.
    await waitFor(async () => (await channel.checkQueue(`${ns}discovery_queue`)).messageCount === 0, 'the queue drained');
    expect((await channel.checkQueue(`${ns}discovery_queue.dlq`)).messageCount).toBe(0);
    expect(processor.status().state).toBe('running');
    expect(JSON.parse((await redis.hget(systemsKey(ns), discovery(5).ip_address))!)).toEqual(discovery(5));
  });

  it('without a management API an existing queue whose DLX cannot be told is treated as having none (published, not dropped)', async () => {
    const { ns, topology, options } = fresh();
    await channel.assertQueue(`${ns}discovery_queue`, { durable: true });
    const processor = await started(new DiscoveryProcessor({ ...options, redis }));
    expect(processor.status().notes).toEqual([`existing queue, dead-letter exchange unknown (no management API configured): dead letters published to ${ns}discovery_queue.dlq`]);
    publish(topology.exchange, 'discovery.new', Buffer.from('{"broken"'), 'bad-unknown');
    expect((await getOne(`${ns}discovery_queue.dlq`)).properties.messageId).toBe('bad-unknown');
    await waitFor(() => processor.status().counters.deadLettered === 1, 'dead-lettered');
  });

  it('an existing queue declared with the seed arguments is used through its DLX, with no note', async () => {
    const { ns, topology, options } = fresh();
    await channel.assertExchange(topology.deadLetterExchange, 'direct', { durable: true });
    await channel.assertQueue(`${ns}discovery_queue`, { durable: true, arguments: { 'x-dead-letter-exchange': topology.deadLetterExchange, 'x-dead-letter-routing-key': `${ns}discovery_queue` } });
    const processor = await started(new DiscoveryProcessor({ ...options, redis }));
    expect(processor.status().notes).toBeUndefined();
    publish(topology.exchange, 'discovery.new', Buffer.from('nope'), 'bad-dlx');
    const dead = await getOne(`${ns}discovery_queue.dlq`);
    expect(dead.properties.messageId).toBe('bad-dlx');
    expect(dead.properties.headers?.['x-watchfloor-dead-lettered']).toBeUndefined();
  });

  it('shows the broker\'s close reason (code and text) in the status, not "connection closed"', async () => {
    const { topology, options } = fresh();
    // Someone else's exchange of that name, of another type: every declare of it is refused.
    await channel.assertExchange(topology.exchange, 'fanout', { durable: true });
    const processor = new DiscoveryProcessor({ ...options, redis, maxReconnectDelayMs: 300 });
    running.push(processor);
    await processor.start();
    await waitFor(() => processor.status().state === 'failing' && /406 PRECONDITION_FAILED - inequivalent arg 'type'/.test(processor.status().lastError?.message ?? ''), 'failing with the broker\'s reason');
    // The connection close that follows does not hide it.
    expect(processor.status().lastError?.message).toMatch(/^ExchangeDeclare refused by RabbitMQ: 406 PRECONDITION_FAILED - inequivalent arg 'type' for exchange/);
  });

  it('a channel the broker closes under a running consumer shows its reason, then the consumer recovers', async () => {
    const { ns, topology, options } = fresh();
    const processor = await started(new MetricsProcessor({ ...options, maxReconnectDelayMs: 300 }));
    await channel.deleteExchange(topology.exchange);
    // The metric arrives straight in the queue; the alert it publishes goes to the deleted exchange: 404 closes the channel.
    channel.sendToQueue(`${ns}metrics_queue`, json(metric(99)), { persistent: true, messageId: 'm-close' });
    await waitFor(() => /^channel closed by RabbitMQ: 404 NOT_FOUND - no exchange/.test(processor.status().lastError?.message ?? ''), 'the broker\'s reason as the last error');
    // The reconnect declares the exchange again; the redelivered metric is processed.
    await waitFor(() => processor.status().state === 'running' && processor.status().counters.processed === 1, 'processed after the reconnect');
    expect(processor.status().lastError?.message).toMatch(/^channel closed by RabbitMQ: 404 NOT_FOUND - no exchange/);
  });

  it('loses no message when the connection drops mid-way and comes back: every id processed, duplicates counted', async () => {
    const { ns, topology, options } = fresh();
    const proxy = await CuttableProxy.start({ host: broker.hostname, port: Number(broker.port || 5672) });
    try {
      const processor = await started(new DiscoveryProcessor({ ...options, amqp: amqpSettings(proxy.port), settings: { batch: 20 }, maxReconnectDelayMs: 500, redis }));
      const TOTAL = 2000;
      for (let i = 0; i < TOTAL / 2; i++) publish(topology.exchange, 'discovery.new', json(discovery(i)), `d-${i}`);
      await waitFor(() => processor.status().counters.processed >= 200, '200 processed before the cut');
      await proxy.cut();
      await waitFor(() => processor.status().state === 'failing', 'failing while the broker is unreachable');
      expect(processor.status().lastError).not.toBeNull();
      for (let i = TOTAL / 2; i < TOTAL; i++) publish(topology.exchange, 'discovery.new', json(discovery(i)), `d-${i}`);
      await proxy.open();
      await waitFor(() => processor.status().state === 'running', 'running again after the reconnect', 30_000);
      await waitFor(async () => (await redis.hlen(systemsKey(ns))) === TOTAL, 'every system recorded', 30_000);
      const recorded = new Set(await redis.hkeys(systemsKey(ns)));
      const missing = Array.from({ length: TOTAL }, (_, i) => discovery(i).ip_address).filter((ip) => !recorded.has(ip));
      expect(missing).toEqual([]);
      await waitFor(async () => (await channel.checkQueue(processor.source)).messageCount === 0, 'the queue drained');
      const { counters } = processor.status();
      expect(counters.processed + counters.duplicates).toBeGreaterThanOrEqual(TOTAL);
      expect(counters.deadLettered).toBe(0);
    } finally {
      await proxy.cut();
    }
  });
});

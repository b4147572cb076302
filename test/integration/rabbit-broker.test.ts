import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmsOf, type RabbitBroker } from '../../shared/model/rabbit-broker';
import { AMQP_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { OwnRabbit } from '../helpers/rabbitmq';
import { waitFor } from '../helpers/wait';

/** RabbitMQ's nodes, connections and channels (issue 21.8, the management UI's view) on the real broker. */
describe('RabbitMQ nodes, connections and channels', () => {
  const ns = uniqueNamespace('rabbit-broker');
  const queue = `${ns}watched`;
  const clientName = `${ns}probe`;
  let t: TestCore;
  let connection: ChannelModel;

  beforeAll(async () => {
    connection = await amqp.connect(AMQP_URL, { clientProperties: { connection_name: clientName } });
    const first = await connection.createChannel();
    await first.assertQueue(queue, { durable: false, autoDelete: false });
    await first.prefetch(7);
    await first.consume(queue, () => undefined);
    await connection.createChannel();
    t = await createTestCore(ns, { redis: null });
    await t.core.startRuntimes([t.envId]);
    await waitFor(() => t.core.runtime(t.envId).amqp?.isReady, 'connected');
  });
  afterAll(async () => {
    await t?.close();
    await connection.createChannel().then((c) => c.deleteQueue(queue)).catch(() => undefined);
    await connection.close().catch(() => undefined);
    await cleanupNamespace(ns);
  });

  it('lists the test\'s named connection with its two channels, the consumer and prefetch, and the node with its limits and no alarm', async () => {
    let broker: RabbitBroker | null = null;
    await waitFor(async () => {
      const result = await t.core.call('queues.rabbitBroker', { envId: t.envId });
      if (!result.ok) throw new Error(result.error.message);
      broker = result.value;
      // Channel details (consumers, prefetch) come with RabbitMQ's ~5 s statistics.
      const mine = broker.connections.find((c) => c.clientName === clientName);
      return mine?.channels === 2 && broker.channels.some((c) => c.connection === mine.name && c.consumers === 1);
    }, 'the named connection with 2 channels and a consumer', 30_000);
    const b = broker!;
    const mine = b.connections.find((c) => c.clientName === clientName)!;
    expect(mine).toMatchObject({ user: 'guest', vhost: '/', channels: 2, product: expect.stringMatching(/^amqplib /) });
    expect(mine.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(mine.connectedAt).toBeGreaterThan(Date.now() - 120_000);
    const channels = b.channels.filter((c) => c.connection === mine.name);
    expect(channels.map((c) => c.number).sort()).toEqual([1, 2]);
    expect(channels.find((c) => c.number === 1)).toMatchObject({ consumers: 1, prefetch: 7 });
    // The console's own connection is there too (the monitor's).
    expect(b.connectionTotal).toBeGreaterThanOrEqual(2);
    expect(b.nodes.length).toBeGreaterThanOrEqual(1);
    const node = b.nodes[0]!;
    expect(node).toMatchObject({ running: true, memAlarm: false, diskAlarm: false, partitions: [] });
    expect(node.memLimit).toBeGreaterThan(0);
    expect(node.memUsed).toBeGreaterThan(0);
    expect(node.diskFree).toBeGreaterThan(node.diskFreeLimit!);
  });

  it('says when the environment has no management API or a wrong management password, never an empty broker', async () => {
    const none = await t.core.call('environments.add', { name: `no mgmt ${ns}`, namespace: ns, amqp: { url: AMQP_URL } });
    if (!none.ok) throw new Error(none.error.message);
    await t.core.startRuntimes([none.value.id]);
    expect(await t.core.call('queues.rabbitBroker', { envId: none.value.id })).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED', message: expect.stringContaining('management API') } });
    const wrong = await t.core.call('environments.add', { name: `bad mgmt ${ns}`, namespace: ns, amqp: { url: AMQP_URL }, managementUrl: 'http://guest:wrong@127.0.0.1:15672' });
    if (!wrong.ok) throw new Error(wrong.error.message);
    await t.core.startRuntimes([wrong.value.id]);
    expect(await t.core.call('queues.rabbitBroker', { envId: wrong.value.id })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });
});

describe('a RabbitMQ node in a memory alarm (a private node, its watermark at 1 MB)', { timeout: 180_000 }, () => {
  const ns = uniqueNamespace('rabbit-alarm');
  let rabbit: OwnRabbit;
  let t: TestCore;

  beforeAll(async () => {
    rabbit = await OwnRabbit.start(['vm_memory_high_watermark.absolute = 1MB']);
    t = await createTestCore(ns, { redis: null, amqp: { url: rabbit.amqpUrl }, managementUrl: rabbit.managementUrl });
    await t.core.startRuntimes([t.envId]);
  }, 150_000);
  afterAll(async () => {
    await t?.close();
    await rabbit?.stop();
    await cleanupNamespace(ns);
  });

  it('reports the alarm on the node with its figures, in words', async () => {
    const broker = await waitFor(async () => {
      const result = await t.core.call('queues.rabbitBroker', { envId: t.envId });
      return result.ok && result.value.nodes[0]?.memAlarm ? result.value : null;
    }, 'memory alarm reported', 60_000, 500);
    const node = broker.nodes[0]!;
    expect(node).toMatchObject({ name: rabbit.nodeName, running: true, memAlarm: true, memLimit: 1_000_000 });
    expect(alarmsOf(broker.nodes)).toEqual([{ node: rabbit.nodeName, kind: 'memory', text: expect.stringMatching(/^Memory alarm on wftest\w+@localhost \(.* used, high watermark .*\): publishers are blocked$/) }]);
  });
});

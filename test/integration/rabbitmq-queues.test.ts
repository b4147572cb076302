import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueInfo } from '../../shared/model/overview';
import { AMQP_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore, callConfirmed } from '../helpers/core';
import { waitFor } from '../helpers/wait';

const queueOf = (t: TestCore, name: string): QueueInfo | undefined => t.latest()?.amqp.queues?.find((q) => q.name === name);

describe('RabbitMQ queues through the management API (real RabbitMQ)', () => {
  const ns = uniqueNamespace('rabbit');
  const busy = `${ns}busy`;
  const purgeMe = `${ns}purge-me`;
  const doomed = `${ns}doomed`;
  let t: TestCore;
  let readOnlyId: string;
  let connection: ChannelModel;
  let channel: Channel;

  beforeAll(async () => {
    connection = await amqp.connect(AMQP_URL);
    channel = await connection.createChannel();
    for (const q of [busy, purgeMe, doomed]) await channel.assertQueue(q, { durable: false });
    t = await createTestCore(ns, { redis: null });
    const added = await t.core.call('environments.add', { name: `RO ${ns}`, production: true, namespace: ns, amqp: { url: AMQP_URL } });
    if (!added.ok) throw new Error(added.error.message);
    expect(added.value.readOnly).toBe(true);
    readOnlyId = added.value.id;
    await t.core.startRuntimes([t.envId, readOnlyId]);
    await t.waitForOverview((o) => o.amqp.source === 'management' && (o.amqp.queues ?? []).some((q) => q.name === busy), 'queues listed');
    await waitFor(() => t.core.runtime(readOnlyId).amqp?.isReady, 'read-only env connected');
  });
  afterAll(async () => {
    await t.close();
    for (const q of [busy, purgeMe, doomed]) await channel.deleteQueue(q).catch(() => undefined);
    await connection.close();
    await cleanupNamespace(ns);
  });

  it('reports publish, deliver and ack rates once traffic flows (RabbitMQ collects stats every ~5 s)', async () => {
    const consumer = await connection.createChannel();
    await consumer.consume(busy, (message) => message && consumer.ack(message));
    const publisher = setInterval(() => {
      for (let i = 0; i < 5; i++) channel.sendToQueue(busy, Buffer.from(`{"n":${i}}`));
    }, 50);
    try {
      const q = await waitFor(
        () => {
          const found = queueOf(t, busy);
          // The consumer count and the rates come from the same ~5 s statistics, but not always the same
          // collection round: wait for both rather than assume one implies the other.
          return found && found.consumers === 1 && (found.publishRate ?? 0) > 0 && (found.deliverRate ?? 0) > 0 && (found.ackRate ?? 0) > 0 ? found : undefined;
        },
        'non-zero publish, deliver and ack rates',
        40_000,
      );
      expect(q.consumers).toBe(1);
      expect(t.latest()?.amqp.source).toBe('management');
      // The history has recorded the queue, with rates, for the charts.
      const history = await t.core.call('queues.history', { envId: t.envId, queue: busy, windowSeconds: 60, maxPoints: 60 });
      if (!history.ok) throw new Error(history.error.message);
      expect(history.value.gone).toBe(false);
      const series = Object.fromEntries(history.value.series.map((s) => [s.key, s.values.filter((v): v is number => v !== null)]));
      expect(Object.keys(series).sort()).toEqual(['ackRate', 'consumers', 'deliverRate', 'publishRate', 'ready', 'unacked']);
      expect(series.consumers!.length).toBeGreaterThan(3);
      expect(Math.max(...series.publishRate!)).toBeGreaterThan(0);
      expect(Math.max(...series.ackRate!)).toBeGreaterThan(0);
    } finally {
      clearInterval(publisher);
      await consumer.close();
    }
  }, 60_000);

  it('refuses a purge whose confirmation is not the queue name, and purges nothing', async () => {
    for (let i = 0; i < 7; i++) channel.sendToQueue(purgeMe, Buffer.from(String(i)));
    await waitFor(async () => (await channel.checkQueue(purgeMe)).messageCount === 7, '7 messages queued');
    const refused = await callConfirmed(t.core, 'queues.purge', { envId: t.envId, queue: purgeMe }, `${purgeMe} `);
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    if (!refused.ok) expect(refused.error.message).toContain(`type "${purgeMe}" exactly`);
    expect((await channel.checkQueue(purgeMe)).messageCount).toBe(7);
  });

  it('a read-only environment refuses the purge in the core and nothing is purged', async () => {
    const refused = await callConfirmed(t.core, 'queues.purge', { envId: readOnlyId, queue: purgeMe });
    expect(refused).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
    expect((await channel.checkQueue(purgeMe)).messageCount).toBe(7);
  });

  it('purges with the typed confirmation and returns how many messages went', async () => {
    const purged = await callConfirmed(t.core, 'queues.purge', { envId: t.envId, queue: purgeMe });
    expect(purged).toEqual({ ok: true, value: { queue: purgeMe, purged: 7 } });
    expect((await channel.checkQueue(purgeMe)).messageCount).toBe(0);
    await t.waitForOverview((o) => o.amqp.queues?.find((q) => q.name === purgeMe)?.ready === 0, 'purged queue shows 0 ready');
  });

  it('purging a queue that does not exist is NOT_FOUND, and monitoring goes on', async () => {
    const missing = `${ns}no-such-queue`;
    const result = await callConfirmed(t.core, 'queues.purge', { envId: t.envId, queue: missing });
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const before = t.latest()!.at;
    await t.waitForOverview((o) => o.at > before && o.amqp.status.state === 'connected' && o.amqp.queues !== null, 'a later sample');
    // The connection survived: a real purge still works.
    expect(await callConfirmed(t.core, 'queues.purge', { envId: t.envId, queue: purgeMe })).toMatchObject({ ok: true });
  });

  it('a queue deleted while watched is reported gone, not empty', async () => {
    await t.waitForOverview((o) => (o.amqp.queues ?? []).some((q) => q.name === doomed), 'doomed queue listed');
    await channel.deleteQueue(doomed);
    await t.waitForOverview((o) => !(o.amqp.queues ?? []).some((q) => q.name === doomed), 'doomed queue no longer listed');
    const history = await t.core.call('queues.history', { envId: t.envId, queue: doomed, windowSeconds: 60, maxPoints: 30 });
    expect(history).toMatchObject({ ok: true, value: { queue: doomed, gone: true } });
    const unknown = await t.core.call('queues.history', { envId: t.envId, queue: `${ns}never-existed`, windowSeconds: 60, maxPoints: 30 });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('RabbitMQ queues without the management API: passive declares (real RabbitMQ)', () => {
  const ns = uniqueNamespace('passive');
  const metrics = `${ns}metrics_queue`;
  const alerts = `${ns}alert_queue`;
  let t: TestCore;
  let connection: ChannelModel;
  let channel: Channel;

  beforeAll(async () => {
    connection = await amqp.connect(AMQP_URL);
    channel = await connection.createChannel();
    await channel.assertQueue(metrics, { durable: false });
    await channel.assertQueue(alerts, { durable: false });
    for (let i = 0; i < 3; i++) channel.sendToQueue(metrics, Buffer.from(String(i)));
    t = await createTestCore(ns, { redis: null, managementUrl: null });
  });
  afterAll(async () => {
    await t.close();
    await connection.close();
    await cleanupNamespace(ns);
  });

  it('marks the source passive ("known queues only") with depth and consumers, and null rates', async () => {
    const o = await t.waitForOverview((x) => x.amqp.queues?.find((q) => q.name === metrics)?.ready === 3, 'passive sample of metrics_queue');
    expect(o.amqp.source).toBe('passive');
    expect(o.amqp.note).toContain('known queues only');
    const q = o.amqp.queues!.find((x) => x.name === metrics)!;
    expect(q).toMatchObject({ unacked: null, publishRate: null, deliverRate: null, ackRate: null, consumers: 0 });
  });

  it('a known queue deleted while watched (passive declare → 404) is gone, and the others are still sampled', async () => {
    await channel.deleteQueue(metrics);
    const o = await t.waitForOverview((x) => x.amqp.source === 'passive' && !x.amqp.queues!.some((q) => q.name === metrics), 'metrics_queue gone');
    expect(o.amqp.queues!.some((q) => q.name === alerts)).toBe(true);
    const history = await t.core.call('queues.history', { envId: t.envId, queue: metrics, windowSeconds: 60, maxPoints: 30 });
    expect(history).toMatchObject({ ok: true, value: { gone: true } });
    // Later ticks keep working after the 404 closed a channel.
    const at = o.at;
    await t.waitForOverview((x) => x.at > at + 500 && x.amqp.queues!.some((q) => q.name === alerts), 'later passive samples');
  });
});

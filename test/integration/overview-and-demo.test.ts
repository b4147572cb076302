import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_STREAM_GROUPS } from '../../shared/model/topology';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

describe('Overview with demo traffic on real Redis and RabbitMQ', () => {
  const ns = uniqueNamespace('overview');
  let t: TestCore;
  const redis = new Redis(REDIS_URL);

  beforeAll(async () => {
    t = await createTestCore(ns);
  });
  afterAll(async () => {
    await t.close();
    await cleanupNamespace(ns);
    redis.disconnect();
  });

  it('shows both brokers connected and an empty namespace as no streams', async () => {
    const overview = await t.waitForOverview((o) => o.redis.status.state === 'connected' && o.amqp.status.state === 'connected' && o.redis.streams !== null, 'both brokers connected');
    expect(overview.redis.streams).toEqual([]);
  });

  it('demo creates the seed topology and the stream lengths rise', async () => {
    const started = await t.core.call('demo.start', { envId: t.envId, rate: 200 });
    expect(started).toMatchObject({ ok: true, value: { running: true, rate: 200 } });

    const events = `${ns}security.events`;
    const first = await t.waitForOverview((o) => (o.redis.streams?.find((s) => s.name === events)?.length ?? 0) > 0, 'security.events to fill');
    const stream = first.redis.streams!.find((s) => s.name === events)!;
    expect(stream.groups.map((g) => g.name).sort()).toEqual([...SEED_STREAM_GROUPS['security.events']!].sort());
    expect(stream.groups[0]!.lag).toBeGreaterThan(0);
    for (const [name, groups] of Object.entries(SEED_STREAM_GROUPS)) {
      expect(first.redis.streams!.find((s) => s.name === `${ns}${name}`)?.groups).toHaveLength(groups.length);
    }
    const dlq = first.redis.streams!.find((s) => s.name === `${ns}security.events.dlq`);
    expect(dlq).toMatchObject({ length: 0, isDeadLetter: true });

    await t.waitForOverview((o) => (o.redis.streams?.find((s) => s.name === events)?.length ?? 0) > stream.length, 'security.events length to rise');

    const queues = await t.waitForOverview((o) => (o.amqp.queues?.length ?? 0) === 6, 'six queues listed');
    expect(queues.amqp.source).toBe('management');
    expect(queues.amqp.queues!.map((q) => q.name).sort()).toEqual(
      ['alert_queue', 'alert_queue.dlq', 'discovery_queue', 'discovery_queue.dlq', 'metrics_queue', 'metrics_queue.dlq'].map((q) => `${ns}${q}`),
    );

    const stopped = await t.core.call('demo.stop', { envId: t.envId });
    expect(stopped.ok && stopped.value.running).toBe(false);
    expect(stopped.ok && stopped.value.produced.redis).toBeGreaterThan(0);
    expect(stopped.ok && stopped.value.produced.amqp).toBeGreaterThan(0);
    // Messages published through the topic exchange reached their bound queues.
    await waitFor(async () => {
      const overview = t.latest();
      return overview?.amqp.queues?.some((q) => q.name === `${ns}discovery_queue` && q.ready > 0);
    }, 'discovery_queue depth > 0 (management stats refresh every 5 s)', 20_000);
  });

  it('a stream deleted while watched disappears from the list instead of showing as empty', async () => {
    const doomed = `${ns}security.scans`;
    await t.waitForOverview((o) => o.redis.streams?.some((s) => s.name === doomed) ?? false, 'scans stream listed');
    await redis.del(doomed);
    const after = await t.waitForOverview((o) => !(o.redis.streams?.some((s) => s.name === doomed) ?? true), 'deleted stream gone');
    expect(after.redis.streams!.some((s) => s.name === `${ns}security.events`)).toBe(true);
  });

  it('overview.get answers with the same shape as the pushed ticks', async () => {
    const result = await t.core.call('overview.get', {});
    expect(result.ok && result.value.map((o) => o.envId)).toEqual([t.envId]);
  });

  it('refuses demo on an unknown environment with a clear code', async () => {
    expect(await t.core.call('demo.start', { envId: 'nope', rate: 5 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_BULL_OPTIONS } from '../../electron/core/monitor/bull-monitor';
import { OwnRedis, uniqueNamespace } from '../helpers/brokers';
import { createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

/**
 * BullMQ discovery on a Redis holding far more keys than one bounded SCAN covers (a Redis of the
 * test's own, 30,000 other keys): the scan goes on over the following ticks and every queue is
 * found, without one tick ever scanning more than its bound.
 */
describe('BullMQ discovery over a large keyspace', () => {
  let server: OwnRedis | undefined;
  let t: TestCore | undefined;
  afterAll(async () => {
    await t?.close();
    await server?.stop();
  });

  it('finds every queue over several ticks and is not left truncated', async () => {
    server = await OwnRedis.start();
    const url = `redis://127.0.0.1:${server.port}`;
    const redis = new Redis(url);
    for (let i = 0; i < 30_000; i += 5000) {
      const pipe = redis.pipeline();
      for (let j = i; j < i + 5000; j++) pipe.set(`other:key:${j}`, '1');
      await pipe.exec();
    }
    const ns = uniqueNamespace('bullbig');
    for (const name of ['alpha', 'beta', 'gamma']) {
      const queue = new Queue(name, { connection: { host: '127.0.0.1', port: server.port }, prefix: `${ns}bull` });
      await queue.add('job', { n: 1 });
      await queue.close();
    }
    redis.disconnect();
    // 10 SCAN calls of 200 per tick cover 2,000 keys: the 30,000 take about 15 ticks.
    t = await createTestCore(ns, { redis: { url }, amqp: null, managementUrl: null }, { bullOptions: { ...DEFAULT_BULL_OPTIONS, tickMs: 100, discoveryEveryMs: 60_000, maxScanSteps: 10, scanCount: 200 } });
    const envId = t.envId;
    const overview = await waitFor(async () => {
      const r = await t!.core.call('bullmq.queues', { envId });
      return r.ok && r.value.queues?.length === 3 ? r.value : undefined;
    }, 'all three queues found', 30_000);
    expect(overview.queues!.map((q) => q.name).sort()).toEqual(['alpha', 'beta', 'gamma']);
    expect(overview.truncated).toBe(false);
  }, 60_000);
});

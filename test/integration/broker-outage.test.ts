import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CuttableProxy, OwnRedis, uniqueNamespace } from '../helpers/brokers';
import { createTestCore, type TestCore } from '../helpers/core';

// Kills only brokers this test started (its own redis-server) and cuts only its own proxy in
// front of the shared RabbitMQ: the machine's shared services are never touched.
describe('a broker that dies and comes back', () => {
  let redis: OwnRedis;
  let proxy: CuttableProxy;
  let t: TestCore;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    redis = await OwnRedis.start();
    proxy = await CuttableProxy.start({ host: '127.0.0.1', port: 5672 });
    t = await createTestCore(uniqueNamespace('outage'), {
      redis: { url: `redis://127.0.0.1:${redis.port}` },
      amqp: { url: `amqp://guest:guest@127.0.0.1:${proxy.port}` },
      managementUrl: null,
    });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await t.close();
    await redis.stop();
    await proxy.cut();
  });

  it('shows each broker disconnected, then connected again after restart, without unhandled rejections', async () => {
    await t.waitForOverview((o) => o.redis.status.state === 'connected' && o.amqp.status.state === 'connected', 'both connected');

    const killedAt = Date.now();
    redis.kill();
    await proxy.cut();
    const down = await t.waitForOverview((o) => o.redis.status.state === 'disconnected' && o.amqp.status.state === 'disconnected', 'both disconnected');
    const detectMs = Date.now() - killedAt;
    expect(down.redis.status.failure?.kind).toBe('refused');
    expect(down.amqp.status.failure).toBeDefined();
    // Kept streams show as stale, not as fresh data.
    console.log(JSON.stringify({ measure: 'outage-detected-ms', value: detectMs }));

    const restartedAt = Date.now();
    await redis.start();
    await proxy.open();
    await t.waitForOverview((o) => o.redis.status.state === 'connected' && o.amqp.status.state === 'connected', 'both reconnected');
    console.log(JSON.stringify({ measure: 'reconnected-ms', value: Date.now() - restartedAt }));
    // The monitor works again after the reconnect: a fresh sample arrives.
    await t.waitForOverview((o) => o.redis.streams !== null && o.redis.staleSince === null, 'fresh redis sample after reconnect');
    expect(unhandled).toEqual([]);
  });

  it('a frozen broker (SIGSTOP) makes the data stale instead of queueing ticks, and recovers on SIGCONT', async () => {
    await t.waitForOverview((o) => o.redis.status.state === 'connected' && o.redis.staleSince === null && o.redis.streams !== null, 'fresh sample');
    const commandsBefore = await commandCount();
    redis.pause();
    try {
      const stale = await t.waitForOverview((o) => o.redis.staleSince !== null, 'stale since …');
      expect(stale.redis.streams).not.toBeNull();
    } finally {
      redis.resume();
    }
    await t.waitForOverview((o) => o.redis.staleSince === null, 'fresh again after SIGCONT');
    // Ticks were skipped while frozen, not queued: the server saw a handful of commands, not a backlog.
    const issued = (await commandCount()) - commandsBefore;
    expect(issued).toBeLessThan(200);
    expect(unhandled).toEqual([]);
  });

  async function commandCount(): Promise<number> {
    const { Redis } = await import('ioredis');
    const client = new Redis({ port: redis.port, host: '127.0.0.1' });
    try {
      const info = await client.info('stats');
      return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
    } finally {
      client.disconnect();
    }
  }
});

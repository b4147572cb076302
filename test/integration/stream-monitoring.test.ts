import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';
import { topologyFor } from '../../shared/model/topology';

describe('stream monitoring: rates, consumers, pending, history', () => {
  const ns = uniqueNamespace('monitor');
  const name = `${ns}orders`;
  const redis = new Redis(REDIS_URL);
  let t: TestCore;

  beforeAll(async () => {
    await redis.xgroup('CREATE', name, 'workers', '$', 'MKSTREAM');
    for (let i = 0; i < 30; i++) await redis.xadd(name, '*', 'data', `{"n":${i}}`);
    // A consumer reads 25 entries and acknowledges none: 25 pending, 5 lag.
    await redis.xreadgroup('GROUP', 'workers', 'alice', 'COUNT', 25, 'STREAMS', name, '>');
    t = await createTestCore(ns, { amqp: null, managementUrl: null });
  });
  afterAll(async () => {
    await t.close();
    await cleanupNamespace(ns);
    redis.disconnect();
  });

  it('shows consumers with their pending counts, the oldest pending age and the lag', async () => {
    const overview = await t.waitForOverview((o) => (o.redis.streams?.find((s) => s.name === name)?.groups[0]?.consumerList.length ?? 0) > 0, 'consumer list');
    const group = overview.redis.streams!.find((s) => s.name === name)!.groups[0]!;
    expect(group).toMatchObject({ name: 'workers', pending: 25, lag: 5, consumers: 1, entriesRead: 25 });
    expect(group.consumerList).toEqual([{ name: 'alice', pending: 25, idleMs: expect.any(Number) }]);
    expect(group.oldestPendingMs).toBeGreaterThanOrEqual(0);
  });

  it('computes added/s and read/s from successive samples', async () => {
    const stop = Date.now() + 3000;
    const producing = (async () => {
      while (Date.now() < stop) {
        await redis.xadd(name, '*', 'data', '{}');
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const overview = await t.waitForOverview((o) => (o.redis.streams?.find((s) => s.name === name)?.addRate ?? 0) > 5, 'add rate > 5/s');
    expect(overview.redis.streams!.find((s) => s.name === name)!.addRate).toBeLessThan(200);
    // A consumer that keeps reading: a single read would make the rate non-zero for one tick
    // only, which the batched push (latest overview per flush) may legitimately merge away.
    let isReadSeen = false;
    const consuming = (async () => {
      while (!isReadSeen) {
        await redis.xreadgroup('GROUP', 'workers', 'bob', 'COUNT', 1000, 'STREAMS', name, '>');
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await t.waitForOverview((o) => (o.redis.streams?.find((s) => s.name === name)?.groups[0]?.readRate ?? 0) > 0, 'read rate > 0').finally(() => {
      isReadSeen = true;
    });
    await Promise.all([producing, consuming]);
  });

  it('estimates the lag, marked so, when the server cannot tell it (entries deleted from the middle)', async () => {
    const holey = `${ns}holey`;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await redis.xadd(holey, '*', 'n', String(i)))!);
    await redis.xgroup('CREATE', holey, 'g', '0');
    await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', 4, 'STREAMS', holey, '>');
    // A deleted entry after the group's position: Redis 7 then answers lag nil, Redis 6.2 never has it.
    await redis.xdel(holey, ids[6]!);
    const raw = (await redis.xinfo('GROUPS', holey)) as unknown[][];
    const fields = new Map<unknown, unknown>();
    for (let i = 0; i < raw[0]!.length; i += 2) fields.set(raw[0]![i], raw[0]![i + 1]);
    expect(fields.get('lag') ?? null).toBeNull();
    const overview = await t.waitForOverview((o) => o.redis.streams?.find((s) => s.name === holey)?.groups[0] !== undefined, 'holey stream sampled');
    const group = overview.redis.streams!.find((s) => s.name === holey)!.groups[0]!;
    expect(group.lagEstimated).toBe(true);
    // 5 entries remain after the group's position; interpolation on id time lands near that.
    expect(group.lag).toBeGreaterThanOrEqual(1);
    expect(group.lag).toBeLessThanOrEqual(9);
  });

  it('pages the pending-entries list with an exclusive cursor', async () => {
    const first = await t.core.call('streams.pending', { envId: t.envId, stream: name, group: 'workers', count: 10 });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.value.entries).toHaveLength(10);
    expect(first.value.entries[0]).toMatchObject({ consumer: 'alice', deliveries: 1 });
    const second = await t.core.call('streams.pending', { envId: t.envId, stream: name, group: 'workers', count: 10, after: first.value.nextAfter! });
    expect(second.ok && second.value.entries[0]!.id > first.value.entries[9]!.id).toBe(true);
    const ids = new Set([...first.value.entries, ...(second.ok ? second.value.entries : [])].map((e) => e.id));
    expect(ids.size).toBe(20);
    expect(await t.core.call('streams.pending', { envId: t.envId, stream: name, group: 'nope', count: 10 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await t.core.call('streams.pending', { envId: t.envId, stream: name, group: 'workers', after: 'junk' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('keeps history for the charts and says "gone" when the stream is deleted while watched', async () => {
    await waitFor(async () => {
      const h = await t.core.call('streams.history', { envId: t.envId, stream: name, windowSeconds: 60, maxPoints: 60 });
      return h.ok && h.value.series[0]!.values.filter((v) => v !== null).length >= 3;
    }, 'three points of history');
    await redis.del(name);
    const gone = await waitFor(async () => {
      const h = await t.core.call('streams.history', { envId: t.envId, stream: name, windowSeconds: 60, maxPoints: 60 });
      return h.ok && h.value.gone ? h.value : undefined;
    }, 'history marked gone');
    expect(gone.series.find((s) => s.key === 'lag:workers')!.values.some((v) => v !== null)).toBe(true);
    expect(await t.core.call('streams.history', { envId: t.envId, stream: `${ns}never-existed` })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('the seed topology’s DLQ streams are sampled on every tick, not only once discovered', () => {
  const ns = uniqueNamespace('monitor-dlq');
  const redis = new Redis(REDIS_URL);
  let t: TestCore;

  beforeAll(async () => {
    await redis.xadd(`${ns}orders`, '*', 'data', '{}');
    // Discovery once an hour: only the first pass runs during this test.
    t = await createTestCore(ns, { amqp: null, managementUrl: null }, { monitorOptions: { tickMs: 200, discoveryEveryMs: 3_600_000 } });
    await t.core.startRuntimes([t.envId]);
  });
  afterAll(async () => {
    await t.close();
    await cleanupNamespace(ns);
    redis.disconnect();
  });

  it('a seed DLQ the workers create after the first discovery pass shows at the next tick, a stream of any other name waits for discovery', async () => {
    await t.waitForOverview((o) => (o.redis.streams ?? []).some((s) => s.name === `${ns}orders`), 'first discovery pass');
    const seedDlq = topologyFor(ns).deadLetterStreams[0]!;
    const other = `${ns}orders.dlq`;
    await redis.xadd(other, '*', 'data', '{}');
    await redis.xadd(seedDlq, '*', 'data', '{}');
    const overview = await t.waitForOverview((o) => (o.redis.streams ?? []).some((s) => s.name === seedDlq), 'seed DLQ sampled');
    expect(overview.redis.streams!.find((s) => s.name === seedDlq)).toMatchObject({ length: 1, isDeadLetter: true });
    const sources = await t.core.call('dlq.sources', { envId: t.envId });
    expect(sources.ok && sources.value).toContainEqual({ name: seedDlq, kind: 'redis-stream', length: 1, origin: seedDlq.slice(0, -4) });
    // Ten more ticks: the other DLQ is still unknown (discovery has not run again), the seed one still sampled.
    const at = overview.at;
    const later = await t.waitForOverview((o) => o.at >= at + 2000, 'ten more ticks');
    expect(later.redis.streams!.map((s) => s.name)).not.toContain(other);
    expect(later.redis.streams!.map((s) => s.name)).toContain(seedDlq);
  });
});

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamSampler, type StreamSample } from '../../electron/core/brokers/redis/stream-sampler';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { OwnCluster } from '../helpers/own-cluster';
import { deleteStreams } from '../bench/stream-fixture';
import type { RedisClient } from '../../electron/core/brokers/redis/redis-client';

/**
 * The sampler reads each stream with one `XINFO STREAM … FULL COUNT 1` (plus TIME per server); the
 * classic commands (XINFO STREAM/GROUPS/CONSUMERS, XPENDING) stay for servers without FULL. Both
 * must show the same thing, on the edge cases too: a group behind, one caught up, one with nothing
 * pending, an estimated lag after a deletion in the middle, a caught-up group after the LAST entry
 * was deleted (FULL does not say the last entry), an emptied stream, a stream gone.
 */
async function seed(redis: Redis | import('ioredis').Cluster, ns: string): Promise<string[]> {
  const busy = `${ns}{busy}`;
  const holey = `${ns}{holey}`;
  const tail = `${ns}{tail}`;
  const emptied = `${ns}{emptied}`;
  for (const group of ['behind', 'caught-up', 'acked']) await redis.xgroup('CREATE', busy, group, '$', 'MKSTREAM');
  for (let i = 0; i < 30; i++) await redis.xadd(busy, '*', 'data', `{"n":${i}}`);
  await redis.xreadgroup('GROUP', 'behind', 'alice', 'COUNT', 10, 'STREAMS', busy, '>');
  await redis.xreadgroup('GROUP', 'behind', 'bob', 'COUNT', 5, 'STREAMS', busy, '>');
  await redis.xreadgroup('GROUP', 'caught-up', 'carol', 'STREAMS', busy, '>');
  const acked = (await redis.xreadgroup('GROUP', 'acked', 'dave', 'COUNT', 20, 'STREAMS', busy, '>')) as [string, [string, string[]][]][];
  await redis.xack(busy, 'acked', ...acked[0]![1].map(([id]) => id));
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) ids.push((await redis.xadd(holey, '*', 'n', String(i)))!);
  await redis.xgroup('CREATE', holey, 'g', '0');
  await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', 4, 'STREAMS', holey, '>');
  await redis.xdel(holey, ids[6]!);
  const tailIds: string[] = [];
  for (let i = 0; i < 10; i++) tailIds.push((await redis.xadd(tail, '*', 'n', String(i)))!);
  await redis.xgroup('CREATE', tail, 'g', '0');
  await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', 9, 'STREAMS', tail, '>');
  await redis.xdel(tail, tailIds[9]!); // the group has read every entry left, the server says lag nil
  await redis.xgroup('CREATE', emptied, 'g', '$', 'MKSTREAM');
  await redis.xadd(emptied, '*', 'n', '1');
  await redis.xtrim(emptied, 'MAXLEN', 0);
  return [busy, holey, tail, emptied, `${ns}{never-created}`];
}

/** Two ticks (classic learns the groups on the first) at fixed times, so ages and rates compare exactly. */
async function sampleTwice(client: RedisClient, names: string[], mode: 'full' | 'classic'): Promise<StreamSample> {
  let now = 1_900_000_000_000;
  const sampler = new StreamSampler(() => now, '', { mode });
  await sampler.sample(client, names);
  now += 1000;
  return sampler.sample(client, names);
}

/** Idle times are read a few ms apart: equal within a second, then compared as equal. */
function sameIdle(full: StreamSample, classic: StreamSample): void {
  full.streams.forEach((stream, s) =>
    stream.groups.forEach((group, g) =>
      group.consumerList.forEach((consumer, c) => {
        const other = classic.streams[s]?.groups[g]?.consumerList[c];
        expect(Math.abs(consumer.idleMs - (other?.idleMs ?? Infinity))).toBeLessThan(1000);
        consumer.idleMs = other!.idleMs;
      }),
    ),
  );
}

async function expectSameView(client: RedisClient, names: string[]): Promise<StreamSample> {
  const full = await sampleTwice(client, names, 'full');
  const classic = await sampleTwice(client, names, 'classic');
  sameIdle(full, classic);
  expect(full).toEqual(classic);
  return full;
}

describe('stream sampler: FULL reads show what the classic commands show', () => {
  const redis = new Redis(REDIS_URL);
  const ns = uniqueNamespace('sampler-modes');
  let names: string[] = [];

  beforeAll(async () => {
    names = await seed(redis, ns);
  });
  afterAll(async () => {
    await deleteStreams(redis, names);
    redis.disconnect();
  });

  it('on one server', async () => {
    const sample = await expectSameView(redis, names);
    expect(sample.gone).toEqual([names[4]]);
    const [busy, holey, tail, emptied] = sample.streams;
    expect(busy!.groups.map((g) => [g.name, g.lag, g.pending, g.consumerList.map((c) => `${c.name}:${c.pending}`)])).toEqual([
      ['acked', 10, 0, ['dave:0']],
      ['behind', 15, 15, ['alice:10', 'bob:5']],
      ['caught-up', 0, 30, ['carol:30']],
    ]);
    expect(busy!.groups.find((g) => g.name === 'acked')!.oldestPendingMs).toBeNull();
    expect(busy!.groups.find((g) => g.name === 'behind')!.oldestPendingMs).toBeGreaterThan(0);
    expect(holey!.groups[0]).toMatchObject({ lagEstimated: true });
    expect(tail!.groups[0]).toMatchObject({ lag: 0, lagEstimated: false, pending: 9 });
    expect(emptied).toMatchObject({ length: 0, groups: [expect.objectContaining({ lag: 0 })] });
  });

  it('on a 3-master cluster', async () => {
    const cluster = await OwnCluster.start();
    const client = cluster.client();
    try {
      const clusterNames = await seed(client, 'c:');
      const sample = await expectSameView(client, clusterNames);
      expect(sample.streams.map((s) => s.name)).toEqual(clusterNames.slice(0, 4));
      expect(sample.streams[2]!.groups[0]).toMatchObject({ lag: 0, lagEstimated: false });
    } finally {
      client.disconnect();
      await cluster.stop(); // a private cluster: stopping it removes its keys
    }
  }, 60_000);
});

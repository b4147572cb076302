import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertChangeFeed } from '../../electron/core/alerts/alert-change-feed';
import { deleteKeys, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { waitFor } from '../helpers/wait';

/**
 * The alert change feed (XREAD BLOCK on its own connection): every audit entry written is
 * reported once, in order — also when its connection is killed between and during reads.
 */
describe('alert change feed', () => {
  const ns = uniqueNamespace('alertfeed');
  const audit = `${ns}watchfloor:alerts:audit`;
  const redis = new Redis(REDIS_URL);
  const client = new Redis(REDIS_URL, { lazyConnect: false });
  const seen: string[] = [];
  const errors: unknown[] = [];
  const feed = new AlertChangeFeed(client, audit, async (ids) => void seen.push(...ids), (error) => errors.push(error), { blockMs: 200, retryMs: 50 });

  afterAll(async () => {
    await feed.stop();
    await deleteKeys(redis, ns);
    redis.disconnect();
    client.disconnect();
  });

  const write = (alertId: string) => redis.xadd(audit, '*', 'data', JSON.stringify({ alertId, what: 'ack' }));
  const killFeedConnection = async () => {
    const list = (await redis.client('LIST')) as string;
    const killed = list.split('\n').filter((line) => line.includes('name=watchfloor-alert-feed') && line.includes(`cmd=`)).map((line) => /id=(\d+)/.exec(line)![1]!);
    for (const id of killed) await redis.client('KILL', 'ID', id);
    return killed.length;
  };

  it('reports each change once across reconnects, resuming from the last id seen', async () => {
    await write('before-start');
    feed.start();
    await waitFor(() => feed.lastId, 'the feed took the stream end as its start');
    await write('a-1');
    await waitFor(() => seen.includes('a-1'), 'a-1 seen');
    // Killed while blocked, then changes written while it is down: all arrive after the reconnect.
    expect(await killFeedConnection()).toBeGreaterThan(0);
    for (let i = 2; i <= 50; i++) await write(`a-${i}`);
    await waitFor(() => seen.includes('a-50'), 'a-50 seen after the reconnect', 15_000);
    await killFeedConnection();
    for (let i = 51; i <= 60; i++) await write(`a-${i}`);
    await waitFor(() => seen.includes('a-60'), 'a-60 seen after the second reconnect', 15_000);
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => `a-${i + 1}`));
  });
});

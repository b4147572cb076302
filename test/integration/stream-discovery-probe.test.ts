import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamDiscovery } from '../../electron/core/brokers/redis/stream-discovery';
import { REDIS_URL, deleteKeys, uniqueNamespace } from '../helpers/brokers';

/**
 * A stream created while a discovery pass is under way may be missed by SCAN until the next pass,
 * which in a large keyspace is many runs away. The seed streams are looked up by name every run,
 * so one the demo (or a pipeline) creates mid-pass shows on the next run; any other stream still
 * waits for SCAN.
 */
describe('stream discovery: seed streams show the run they appear, whatever the keyspace size', () => {
  const ns = uniqueNamespace('discprobe');
  const redis = new Redis(REDIS_URL);
  afterAll(async () => {
    await deleteKeys(redis, ns);
    redis.disconnect();
  });

  it('finds a probed stream created mid-pass on the next run; an unprobed one only through SCAN', async () => {
    // 3,000 other keys and tiny SCAN steps: one pass takes hundreds of runs.
    const pipeline = redis.pipeline();
    for (let i = 0; i < 3000; i++) pipeline.set(`${ns}filler:${i}`, '1');
    await pipeline.exec();
    const seed = `${ns}security.events`;
    const other = `${ns}custom.stream`;
    const discovery = new StreamDiscovery(redis, ns, { scanCount: 5, stepsPerRun: 1, maxStreams: 2000 }, [seed, `${ns}security.alerts`]);
    expect(await discovery.run()).toEqual([]);
    await redis.xadd(seed, '*', 'f', 'v');
    await redis.xadd(other, '*', 'f', 'v');
    // A name that is not a stream is never listed.
    await redis.set(`${ns}security.alerts`, 'not a stream');
    const next = await discovery.run();
    expect(next).toContain(seed);
    expect(next).not.toContain(`${ns}security.alerts`);
    expect(discovery.isComplete).toBe(false);
    // The pass ends with both, the unprobed one found by SCAN.
    let names: string[] = next;
    for (let i = 0; i < 5000 && !discovery.isComplete; i++) names = await discovery.run();
    expect(discovery.isComplete).toBe(true);
    expect((await discovery.run()).sort()).toEqual([other, seed].sort());
    expect(names).toContain(seed);
  }, 120_000);
});

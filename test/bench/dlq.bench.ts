import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { listDeadLetters, replayIds } from '../../electron/core/dead-letters/redis-dlq';
import { deleteKeys, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { round, summarize } from './stats';

const BIG = 1_000_000;
const REPLAY = 50_000;
const PAYLOAD = JSON.stringify({ event_id: 'x'.repeat(36), event_type: 'threat_detected', severity: 'high', source: 'bench', details: 'y'.repeat(300) });

async function fill(redis: Redis, stream: string, count: number, origin: string): Promise<void> {
  for (let done = 0; done < count; done += 10_000) {
    const pipeline = redis.pipeline();
    for (let i = 0; i < Math.min(10_000, count - done); i++) {
      pipeline.xadd(stream, '*', 'data', PAYLOAD, 'dlq_origin_stream', origin, 'dlq_error', 'schema: bench', 'dlq_attempts', '3');
    }
    await pipeline.exec();
  }
}

/**
 * Issue 6: the first page of a 1,000,000-entry DLQ stream (the console's list, parsed, vs a plain
 * XREVRANGE page), and bulk replay Redis → stream (the console's one-script-per-batch copy → remove
 * vs a raw loop of `XRANGE 500` + `MULTI(XADD…, XDEL)`), in the same run.
 */
export async function benchDlq(): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-dlq');
  const redis = new Redis(REDIS_URL);
  const big = `${ns}big.dlq`;
  try {
    await fill(redis, big, BIG, `${ns}origin`);
    const page: number[] = [];
    const rawPage: number[] = [];
    for (let i = 0; i < 30; i++) {
      let t = performance.now();
      await listDeadLetters(redis, big, 'newest', undefined, 50, Date.now());
      page.push(performance.now() - t);
      t = performance.now();
      await redis.xrevrangeBuffer(big, '+', '-', 'COUNT', 50);
      rawPage.push(performance.now() - t);
    }
    await redis.del(big);

    // Replay: the console vs the raw loop, each on its own DLQ of REPLAY entries.
    const consoleDlq = `${ns}a.dlq`;
    const rawDlq = `${ns}b.dlq`;
    await fill(redis, consoleDlq, REPLAY, `${ns}a`);
    await fill(redis, rawDlq, REPLAY, `${ns}b`);
    let t = performance.now();
    for (;;) {
      const ids = ((await redis.xrange(consoleDlq, '-', '+', 'COUNT', 500)) as [string, string[]][]).map(([id]) => id);
      if (ids.length === 0) break;
      await replayIds(redis, consoleDlq, ids, { target: null, maxReplays: 3, force: false, dryRun: false });
    }
    const consoleMs = performance.now() - t;
    t = performance.now();
    for (;;) {
      const entries = (await redis.xrange(rawDlq, '-', '+', 'COUNT', 500)) as [string, string[]][];
      if (entries.length === 0) break;
      const multi = redis.multi();
      for (const [, fields] of entries) multi.xadd(`${ns}b`, '*', ...fields);
      multi.xdel(rawDlq, ...entries.map(([id]) => id));
      await multi.exec();
    }
    const rawMs = performance.now() - t;
    const moved = [await redis.xlen(`${ns}a`), await redis.xlen(`${ns}b`)];
    const pageStats = summarize(page);
    return {
      bench: 'dlq',
      firstPage: { entries: BIG, console: pageStats, rawXrevrange: summarize(rawPage), goal: 'first page < 100 ms' },
      replay: {
        entries: REPLAY,
        consolePerSecond: round(REPLAY / (consoleMs / 1000), 0),
        rawLoopPerSecond: round(REPLAY / (rawMs / 1000), 0),
        ratio: round(rawMs / consoleMs, 3),
        movedConsole: moved[0],
        movedRaw: moved[1],
        goal: 'replay >= 0.5x the raw loop',
      },
    };
  } finally {
    await deleteKeys(redis, ns);
    redis.disconnect();
  }
}

import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { entriesPage } from '../../electron/core/brokers/redis/stream-entries';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { summarize } from './stats';

const BIG = 1_000_000;
const PAYLOAD = JSON.stringify({ event_id: 'x'.repeat(36), event_type: 'threat_detected', severity: 'high', source: 'bench', details: 'y'.repeat(300) });

/**
 * Issue 21.8: a page of 50 entries of a 1,000,000-entry stream as the entry browser reads it (TYPE +
 * XLEN + XREVRANGE in one round trip, every field previewed) vs a plain `XREVRANGE COUNT 50`, at the
 * newest end and deep in the middle (from an id half-way), in the same run.
 */
export async function benchStreamEntries(): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-entries');
  const redis = new Redis(REDIS_URL);
  const stream = `${ns}security.events`;
  try {
    for (let done = 0; done < BIG; done += 10_000) {
      const pipeline = redis.pipeline();
      for (let i = 0; i < 10_000; i++) pipeline.xadd(stream, '*', 'data', PAYLOAD, 'source', 'bench');
      await pipeline.exec();
    }
    const middle = ((await redis.xrange(stream, '-', '+', 'COUNT', BIG / 2)) as [string, string[]][]).at(-1)![0];
    const measure = async (from: string | undefined) => {
      const browser: number[] = [];
      const raw: number[] = [];
      for (let i = 0; i < 40; i++) {
        let t = performance.now();
        await entriesPage(redis, stream, { order: 'newest', count: 50, previewBytes: 1024, ...(from ? { from } : {}) });
        browser.push(performance.now() - t);
        t = performance.now();
        await redis.xrevrangeBuffer(stream, from ?? '+', '-', 'COUNT', 50);
        raw.push(performance.now() - t);
      }
      const b = summarize(browser);
      const r = summarize(raw);
      return { browser: b, rawXrevrange: r, ratioOfMedians: Math.round((b.medianMs / r.medianMs) * 100) / 100 };
    };
    return { bench: 'stream-entries', entries: BIG, newest: await measure(undefined), middle: await measure(middle), goal: 'a page < 100 ms wherever it starts' };
  } finally {
    await redis.del(stream);
    redis.disconnect();
  }
}

import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { valueAtPath } from '../../shared/model/dlq-search';
import { deleteKeys, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { createTestCore } from '../helpers/core';
import { round } from './stats';

const ENTRIES = 1_000_000;
const PAGE = 4000;
const payload = (i: number) => JSON.stringify({ event_id: `e-${i}`, event_type: 'threat_detected', severity: 'high', host: `web-${i % 1000}`, user: `web-${(i + 1) % 1000}`, details: 'y'.repeat(300) });

/** Peak RSS above the level when started, sampled every 10 ms. */
function rssWatch(): () => number {
  const idle = process.memoryUsage.rss();
  let peak = idle;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  return () => {
    clearInterval(timer);
    return round((Math.max(peak, process.memoryUsage.rss()) - idle) / 2 ** 20, 1);
  };
}

/**
 * Issue 19 `dlq-search`: `--match host=web-7` over a 1,000,000-entry Redis DLQ through the core's
 * `dlq.search` steps (as the CLI drives them, progress = scanned/total of each step) against a raw
 * loop of XRANGE pages + JSON.parse + the same path compare, in the same run; time and peak RSS over idle.
 */
export async function benchDlqSearch(): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-dlqsearch');
  const redis = new Redis(REDIS_URL);
  const source = `${ns}events.dlq`;
  const test = await createTestCore(ns, { amqp: null, managementUrl: null }, { shouldStartRuntimes: false });
  try {
    for (let done = 0; done < ENTRIES; done += 10_000) {
      const pipeline = redis.pipeline();
      for (let i = done; i < done + 10_000; i++) pipeline.xadd(source, '*', 'data', payload(i), 'dlq_origin_stream', `${ns}events`, 'dlq_error', 'schema: bench', 'dlq_attempts', '3');
      await pipeline.exec();
    }
    const match = { field: { path: 'host', value: 'web-7' } };
    const runs: Record<string, number>[] = [];
    for (let run = 0; run < 2; run++) {
      let peak = rssWatch();
      let t = performance.now();
      let before: string | undefined;
      let scanned = 0;
      let found = 0;
      let progressUpdates = 0;
      for (;;) {
        const step = await test.core.call('dlq.search', { envId: test.envId, source, match, maxScan: 100_000, limit: 1000, ...(before ? { before } : {}) });
        if (!step.ok) throw new Error(step.error.message);
        scanned += step.value.scanned;
        found += step.value.matches.length;
        progressUpdates++;
        if (!step.value.before) break;
        before = step.value.before;
      }
      const productMs = performance.now() - t;
      const productRssMb = peak();

      peak = rssWatch();
      t = performance.now();
      let rawFound = 0;
      let cursor = '+';
      for (;;) {
        const page = (await redis.xrevrangeBuffer(source, cursor, '-', 'COUNT', PAGE)) as unknown as [Buffer, Buffer[]][];
        for (const [, fields] of page) {
          const data = fields[fields.indexOf(fields.find((f) => f.toString() === 'data')!) + 1]!;
          if (valueAtPath(JSON.parse(data.toString('utf8')), 'host') === 'web-7') rawFound++;
        }
        if (page.length < PAGE) break;
        cursor = `(${page[page.length - 1]![0].toString()}`;
      }
      const rawMs = performance.now() - t;
      const rawRssMb = peak();
      if (found !== rawFound || scanned !== ENTRIES) throw new Error(`product found ${found} of ${scanned} scanned, raw ${rawFound}`);
      runs.push({ productMs: round(productMs, 0), rawMs: round(rawMs, 0), ratio: round(productMs / rawMs, 2), productRssOverIdleMb: productRssMb, rawRssOverIdleMb: rawRssMb, matches: found, progressUpdates });
    }
    return { bench: 'dlq-search', entries: ENTRIES, goal: '< 3000 ms end to end, < 100 MB over idle', runs };
  } finally {
    await test.close();
    await deleteKeys(redis, ns);
    redis.disconnect();
  }
}

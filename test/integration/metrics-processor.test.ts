import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom, malformed, securityMetric, securityScan } from '../../electron/core/demo/message-factory';
import { nearestRank } from '../../electron/core/workers/processors/log-histogram';
import { MetricsHandler } from '../../electron/core/workers/processors/metrics-handler';
import { METRICS_RETENTION_SEC, minuteHashKey, minuteOf, minutesIndexKey } from '../../electron/core/workers/processors/metrics-keys';
import { readMetricWindows } from '../../electron/core/workers/processors/metrics-reader';
import { ScanHandler } from '../../electron/core/workers/processors/scan-handler';
import type { Outcome, StreamMessage } from '../../electron/core/workers/stream-handler';
import { MetricWindows } from '../../shared/model/metric-windows';
import { STREAM_PAYLOAD_FIELD } from '../../shared/model/topology';
import { SecurityEvent, SecurityMetric } from '../../shared/schemas/security-streams';
import { deleteKeys, REDIS_URL, uniqueNamespace } from '../helpers/brokers';

const ASSETS = ['asset-kong-gw', 'asset-k8s-prod', 'asset-github-org'];
/** Seed 000 `batch_processing.metrics_stream.batch_size`. */
const BATCH_SIZE = 100;

const clients: Redis[] = [];
const namespaces: string[] = [];
function client(): Redis {
  const redis = new Redis(REDIS_URL);
  clients.push(redis);
  return redis;
}
function namespace(label: string): string {
  const ns = uniqueNamespace(label);
  namespaces.push(ns);
  return ns;
}

afterAll(async () => {
  const redis = client();
  for (const ns of namespaces) await deleteKeys(redis, ns);
  for (const c of clients) c.disconnect();
});

function entry(payload: Buffer, index: number): StreamMessage {
  return { id: `${Date.now()}-${index}`, fields: [Buffer.from(STREAM_PAYLOAD_FIELD), payload], payload, attempts: 0 };
}

/** Runs a handler over messages in seed-sized batches, as the engine would. */
async function consume(handler: MetricsHandler, messages: StreamMessage[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (let i = 0; i < messages.length; i += BATCH_SIZE) outcomes.push(...(await handler.handle(messages.slice(i, i + BATCH_SIZE))));
  return outcomes;
}

function exactPercentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[nearestRank(sorted.length, q) - 1]!;
}

describe('metrics processor against Redis', () => {
  const random = createRandom(99);
  const now = Date.now();
  // All samples in the current minute, spread over three assets so each series has many samples.
  const samples = Array.from({ length: 1200 }, (_, i) => SecurityMetric.parse({ ...securityMetric(random, now), asset_id: ASSETS[i % ASSETS.length]! }));
  const messages = samples.map((s, i) => entry(Buffer.from(JSON.stringify(s)), i));

  it('two workers over two halves read back the same windows as one over all, within 2 % of the exact percentiles', async () => {
    const split = namespace('metrics-split');
    const single = namespace('metrics-single');
    const half = messages.length / 2;
    const [first, second] = await Promise.all([
      consume(new MetricsHandler(client(), split), messages.slice(0, half)),
      consume(new MetricsHandler(client(), split), messages.slice(half)),
    ]);
    const whole = await consume(new MetricsHandler(client(), single), messages);
    expect([...first, ...second, ...whole].every((o) => o.kind === 'done')).toBe(true);

    const reader = client();
    const splitRows = MetricWindows.parse(await readMetricWindows(reader, split, { now }));
    const singleRows = MetricWindows.parse(await readMetricWindows(reader, single, { now }));
    expect(splitRows).toHaveLength(ASSETS.length * 4);
    expect(splitRows.map(({ mean: _m, ...rest }) => rest)).toEqual(singleRows.map(({ mean: _m, ...rest }) => rest));

    for (const row of splitRows) {
      const values = samples.filter((s) => s.asset_id === row.asset).map((s) => s.metrics[row.metric]!);
      expect(row.minute).toBe(minuteOf(now));
      expect(row.count).toBe(values.length);
      expect(row.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
      for (const [q, actual] of [[0.5, row.p50], [0.95, row.p95], [0.99, row.p99]] as const) {
        const exact = exactPercentile(values, q);
        if (exact === 0) expect(actual, `${row.asset} ${row.metric} p${q * 100}`).toBe(0);
        else expect(Math.abs(actual - exact) / exact, `${row.asset} ${row.metric} p${q * 100}`).toBeLessThanOrEqual(0.02);
      }
    }
  });

  it('keeps windows bounded: the minute hash expires in 2 h, the index holds the minute, filters narrow the read', async () => {
    const ns = namespace('metrics-keys');
    await consume(new MetricsHandler(client(), ns), messages.slice(0, 300));
    const redis = client();
    const ttl = await redis.ttl(minuteHashKey(ns, minuteOf(now)));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(METRICS_RETENTION_SEC);
    expect(await redis.zrange(minutesIndexKey(ns), '0', '-1')).toEqual([String(minuteOf(now))]);

    const rows = await readMetricWindows(redis, ns, { now, asset: ASSETS[1], metric: 'response_time_ms' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ asset: ASSETS[1], metric: 'response_time_ms', count: 100 });
    // A read a whole retention later finds nothing in its window.
    expect(await readMetricWindows(redis, ns, { now: now + 3 * 3_600_000 })).toEqual([]);
  });

  it('malformed messages are invalid, samples outside the kept window are skipped, neither is counted', async () => {
    const ns = namespace('metrics-bad');
    const handler = new MetricsHandler(client(), ns, { now: () => now });
    const good = securityMetric(random, now);
    const outcomes = await handler.handle([
      entry(malformed(random, good), 0),
      entry(Buffer.from(JSON.stringify(good)), 1),
      entry(Buffer.from(JSON.stringify({ ...good, timestamp: new Date(now - 3 * 3_600_000).toISOString() })), 2),
      entry(Buffer.from(JSON.stringify({ ...good, timestamp: new Date(now + 3_600_000).toISOString() })), 3),
      { id: '0-1', fields: [], payload: null, attempts: 0 },
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['invalid', 'done', 'skip', 'skip', 'invalid']);
    const rows = await readMetricWindows(client(), ns, { now });
    expect(rows.map((r) => r.count)).toEqual([1, 1, 1, 1]);
    expect(await client().zcard(minutesIndexKey(ns))).toBe(1);
  });

  it('a failed write retries every countable message and counts nothing', async () => {
    const ns = namespace('metrics-fail');
    const redis = client();
    // Someone else's key of the wrong type where the minute hash goes: the MULTI's HINCRBYs fail.
    await redis.set(minuteHashKey(ns, minuteOf(now)), 'not a hash');
    const outcomes = await new MetricsHandler(client(), ns, { now: () => now }).handle([entry(Buffer.from('{'), 0), ...messages.slice(0, 3)]);
    expect(outcomes.map((o) => o.kind)).toEqual(['invalid', 'retry', 'retry', 'retry']);
    expect(outcomes[1]).toMatchObject({ error: expect.stringContaining('WRONGTYPE') });
  });

  it('the handler declares itself effectful, without dedup, dead-lettering to the metrics DLQ', () => {
    const handler = new MetricsHandler(client(), 'ns:');
    expect(handler.mode).toBe('effectful');
    expect(handler.dedupId(messages[0]!)).toBeNull();
    expect(handler.deadLetterStream(messages[0]!)).toBe('ns:security.metrics.dlq');
  });
});

describe('scan processor output written to Redis', () => {
  it('every event it emits for the demo scans is a valid seed 000 security.events entry', async () => {
    const ns = namespace('scans');
    const random = createRandom(5);
    const now = Date.now();
    const scans = Array.from({ length: 200 }, () => securityScan(random, now));
    const outcomes = await new ScanHandler(ns).handle(scans.map((s, i) => entry(Buffer.from(JSON.stringify(s)), i)));
    const redis = client();
    const outputs = outcomes.flatMap((o) => (o.kind === 'done' ? (o.outputs ?? []) : []));
    expect(outputs.length).toBeGreaterThan(30);
    for (const output of outputs) await redis.xadd(output.stream, '*', ...output.fields);
    const entries = await redis.xrangeBuffer(`${ns}security.events`, '-', '+', 'COUNT', 1000);
    expect(entries).toHaveLength(outputs.length);
    for (const [, fields] of entries) {
      expect(fields[0]!.toString()).toBe(STREAM_PAYLOAD_FIELD);
      const event = SecurityEvent.parse(JSON.parse(fields[1]!.toString()));
      expect(event.event_type).toMatch(/_findings$/);
    }
  });
});

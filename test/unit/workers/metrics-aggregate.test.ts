import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../electron/core/demo/message-factory';
import { bucketOf, bucketValue, histogramPercentile, MAX_RELATIVE_ERROR, mergeInto, nearestRank, addSample, type LogHistogram } from '../../../electron/core/workers/processors/log-histogram';
import { hashIncrements, MetricsAggregate, summarize } from '../../../electron/core/workers/processors/metrics-aggregate';
import { minuteOf, parseMetricField, seriesPrefix } from '../../../electron/core/workers/processors/metrics-keys';

const random = createRandom(2024);
const MINUTE = Date.parse('2026-03-01T12:34:00Z');

/** The exact nearest-rank percentile: what the histogram approximates. */
function exactPercentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[nearestRank(sorted.length, q) - 1]!;
}

const histogramOf = (values: readonly number[]): LogHistogram => {
  const histogram: LogHistogram = new Map();
  values.forEach((v) => addSample(histogram, v));
  return histogram;
};

/** Latency-like samples: mostly 50–450 ms, a long tail up to ~10 s. */
const latencies = Array.from({ length: 5000 }, () => (random() < 0.95 ? 50 + random() * 400 : 450 + random() ** 3 * 9500));

function expectWithin(actual: number | null, exact: number, tolerance = 0.02): void {
  expect(actual).not.toBeNull();
  if (exact === 0) expect(actual).toBe(0);
  else expect(Math.abs(actual! - exact) / Math.abs(exact)).toBeLessThanOrEqual(tolerance);
}

describe('log-bucket histogram', () => {
  it('a bucket stands for every value in it within ~1 % (zero and negatives included)', () => {
    expect(MAX_RELATIVE_ERROR).toBeLessThan(0.01);
    const magnitudes = [1e-9, 1e-4, 0.02, 0.5, 1, 7, 150, 85.5, 4.2e5, 3e12];
    for (const m of magnitudes) {
      for (const value of [m, m * 1.013, m * 0.991, -m]) {
        const back = bucketValue(bucketOf(value));
        expect(Math.sign(back)).toBe(Math.sign(value));
        expect(Math.abs(back - value) / Math.abs(value)).toBeLessThanOrEqual(MAX_RELATIVE_ERROR + 1e-12);
      }
    }
    expect(bucketOf(0)).toBe('z');
    expect(bucketValue('z')).toBe(0);
    expect(bucketOf(-3)).toMatch(/^n\d+$/);
    expect(bucketOf(0.02)).toMatch(/^-\d+$/);
    expect(bucketValue('junk')).toBeNaN();
  });

  it('bucketing keeps the order of values, so the rank-th sample is in the rank-th bucket', () => {
    const values = [...latencies, -5, -0.3, 0, 0, 1e-6].sort((a, b) => a - b);
    const represented = values.map((v) => bucketValue(bucketOf(v)));
    for (let i = 1; i < represented.length; i++) expect(represented[i]!).toBeGreaterThanOrEqual(represented[i - 1]!);
  });

  it('p50 / p95 / p99 of a known sample are within 2 % of the exact nearest-rank percentiles', () => {
    const histogram = histogramOf(latencies);
    for (const q of [0.5, 0.9, 0.95, 0.99, 0.999, 1]) expectWithin(histogramPercentile(histogram, q), exactPercentile(latencies, q));
    expectWithin(histogramPercentile(histogram, 0.001), exactPercentile(latencies, 0.001));
  });

  it('percentiles are right across zero and negative values', () => {
    const mixed = Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 0 : (random() - 0.4) * 200));
    const histogram = histogramOf(mixed);
    for (const q of [0.01, 0.1, 0.3, 0.5, 0.95, 0.99]) expectWithin(histogramPercentile(histogram, q), exactPercentile(mixed, q));
  });

  it('an empty histogram has no percentile; a single value is every percentile', () => {
    expect(histogramPercentile(new Map(), 0.5)).toBeNull();
    const one = histogramOf([150]);
    expectWithin(histogramPercentile(one, 0.01), 150, MAX_RELATIVE_ERROR);
    expectWithin(histogramPercentile(one, 0.99), 150, MAX_RELATIVE_ERROR);
  });

  it('merging two partial histograms equals the histogram of all samples', () => {
    const half = latencies.length / 2;
    const merged = mergeInto(histogramOf(latencies.slice(0, half)), histogramOf(latencies.slice(half)));
    expect(merged).toEqual(histogramOf(latencies));
  });
});

describe('metrics aggregate (per minute, asset, metric)', () => {
  const samples = latencies.map((value, i) => ({ minute: MINUTE + (i % 2) * 60_000, asset: `asset-${i % 3}`, metric: i % 5 === 0 ? 'error_rate' : 'response_time_ms', value }));
  const aggregateOf = (list: typeof samples) => {
    const aggregate = new MetricsAggregate();
    list.forEach((s) => aggregate.add(s.minute, s.asset, s.metric, s.value));
    return aggregate;
  };
  const byKey = (aggregate: MetricsAggregate) => new Map(aggregate.series().map((s) => [`${s.minute}|${s.asset}|${s.metric}`, s]));

  it('two workers’ partial aggregates merge into exactly the aggregate of all samples', () => {
    const odd = samples.filter((_, i) => random() < 0.5 || i % 7 === 0);
    const rest = samples.filter((s) => !odd.includes(s));
    const merged = byKey(aggregateOf(odd).merge(aggregateOf(rest)));
    const whole = byKey(aggregateOf(samples));
    expect([...merged.keys()].sort()).toEqual([...whole.keys()].sort());
    expect(merged.size).toBe(2 * 3 * 2);
    for (const [key, series] of whole) {
      const other = merged.get(key)!;
      expect(other.count).toBe(series.count);
      expect(other.sum).toBeCloseTo(series.sum, 6);
      expect(other.histogram).toEqual(series.histogram);
    }
  });

  it('summaries match the exact count, mean and percentiles of each series', () => {
    for (const series of aggregateOf(samples).series()) {
      const values = samples.filter((s) => s.minute === series.minute && s.asset === series.asset && s.metric === series.metric).map((s) => s.value);
      const summary = summarize(series)!;
      expect(summary.count).toBe(values.length);
      expect(summary.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
      expectWithin(summary.p50, exactPercentile(values, 0.5));
      expectWithin(summary.p95, exactPercentile(values, 0.95));
      expectWithin(summary.p99, exactPercentile(values, 0.99));
    }
  });

  it('hash counters written by several batches read back as the same series', () => {
    const hash: Record<string, string> = {};
    const write = (aggregate: MetricsAggregate) => {
      for (const series of aggregate.series().filter((s) => s.minute === MINUTE)) {
        for (const { field, by } of hashIncrements(series)) hash[field] = String(Number(hash[field] ?? 0) + by);
      }
    };
    write(aggregateOf(samples.slice(0, 1000)));
    write(aggregateOf(samples.slice(1000)));
    const readBack = new MetricsAggregate();
    readBack.addHash(MINUTE, { ...hash, 'not-a-field': '3', 'a|b|bogus': '1' });
    const expected = aggregateOf(samples.filter((s) => s.minute === MINUTE)).series();
    expect(readBack.series()).toHaveLength(expected.length);
    for (const series of expected) {
      const back = readBack.series().find((s) => s.asset === series.asset && s.metric === series.metric)!;
      expect(back.histogram).toEqual(series.histogram);
      expect(back.count).toBe(series.count);
      expect(back.sum).toBeCloseTo(series.sum, 6);
    }
  });

  it('a message’s metrics go to the minute of its timestamp', () => {
    const aggregate = new MetricsAggregate();
    aggregate.addMessage({
      timestamp: '2026-03-01T12:34:56.789Z',
      organization_id: 'org',
      asset_id: 'asset-1',
      metric_type: 'performance',
      metrics: { response_time_ms: 150, error_rate: 0.02, active_connections: 0 },
      tags: {},
    });
    expect(aggregate.minutes()).toEqual([MINUTE]);
    expect(aggregate.series().map((s) => [s.metric, s.count, s.sum])).toEqual([
      ['response_time_ms', 1, 150],
      ['error_rate', 1, 0.02],
      ['active_connections', 1, 0],
    ]);
    expect(minuteOf(Date.parse('2026-03-01T12:34:59.999Z'))).toBe(MINUTE);
  });

  it('asset ids and metric names holding | or % survive the hash field encoding', () => {
    const prefix = seriesPrefix('prod|kong%01', 'p|99');
    expect(prefix.split('|')).toHaveLength(3);
    expect(parseMetricField(`${prefix}b-12`)).toEqual({ asset: 'prod|kong%01', metric: 'p|99', kind: 'bucket', bucket: '-12' });
    expect(parseMetricField(`${prefix}n`)).toMatchObject({ kind: 'count' });
    expect(parseMetricField(`${prefix}sum`)).toMatchObject({ kind: 'sum' });
    expect(parseMetricField('a|b|c|d')).toBeNull();
    const aggregate = new MetricsAggregate();
    aggregate.add(MINUTE, 'prod|kong%01', 'p|99', 42);
    const fields = Object.fromEntries(hashIncrements(aggregate.series()[0]!).map((i) => [i.field, String(i.by)]));
    const back = new MetricsAggregate();
    back.addHash(MINUTE, fields);
    expect(back.series()[0]).toMatchObject({ asset: 'prod|kong%01', metric: 'p|99', count: 1, sum: 42 });
  });
});

import type { SecurityMetric } from '../../../../shared/schemas/security-streams';
import { addSample, histogramPercentiles, mergeInto, type LogHistogram } from './log-histogram';
import { minuteOf, parseMetricField, seriesPrefix } from './metrics-keys';

/** The samples of one metric of one asset in one minute. */
export interface SeriesAggregate {
  minute: number;
  asset: string;
  metric: string;
  count: number;
  sum: number;
  histogram: LogHistogram;
}

/** One hash counter to add to: HINCRBY for buckets and counts, HINCRBYFLOAT for sums. */
export interface HashIncrement {
  field: string;
  by: number;
  isFloat: boolean;
}

/** What a window shows: count, mean and nearest-rank percentiles (from the histogram, ≤ 1 % off). */
export interface SeriesSummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

const seriesKey = (minute: number, asset: string, metric: string) => `${minute}|${seriesPrefix(asset, metric)}`;

/**
 * Per-(minute, asset, metric) histograms built in memory — from a batch of messages before it is
 * written in one MULTI, or from the minute hashes read back. Adding and merging only sum counts,
 * so the result does not depend on how the samples were split between workers or batches.
 */
export class MetricsAggregate {
  private readonly bySeries = new Map<string, SeriesAggregate>();

  /** Adds one sample (non-finite values are ignored: seed metrics are numbers, and zod already refuses them). */
  add(minute: number, asset: string, metric: string, value: number): void {
    if (!Number.isFinite(value)) return;
    const series = this.seriesFor(minute, asset, metric);
    series.count += 1;
    series.sum += value;
    addSample(series.histogram, value);
  }

  /** Adds every metric of a seed 000 message to the minute of its `timestamp`. */
  addMessage(message: SecurityMetric): void {
    const minute = minuteOf(Date.parse(message.timestamp));
    for (const [metric, value] of Object.entries(message.metrics)) this.add(minute, message.asset_id, metric, value);
  }

  /** Adds all of `other`'s counts into this one. */
  merge(other: MetricsAggregate): this {
    for (const s of other.series()) {
      const series = this.seriesFor(s.minute, s.asset, s.metric);
      series.count += s.count;
      series.sum += s.sum;
      mergeInto(series.histogram, s.histogram);
    }
    return this;
  }

  /** Adds a minute hash as read back with HGETALL (fields it does not know are ignored). */
  addHash(minute: number, fields: Record<string, string>): void {
    for (const [field, raw] of Object.entries(fields)) {
      const parsed = parseMetricField(field);
      const value = Number(raw);
      if (!parsed || !Number.isFinite(value)) continue;
      const series = this.seriesFor(minute, parsed.asset, parsed.metric);
      if (parsed.kind === 'count') series.count += value;
      else if (parsed.kind === 'sum') series.sum += value;
      else series.histogram.set(parsed.bucket, (series.histogram.get(parsed.bucket) ?? 0) + value);
    }
  }

  series(): SeriesAggregate[] {
    return [...this.bySeries.values()];
  }

  /** The distinct minutes the samples fall in. */
  minutes(): number[] {
    return [...new Set(this.series().map((s) => s.minute))];
  }

  get isEmpty(): boolean {
    return this.bySeries.size === 0;
  }

  private seriesFor(minute: number, asset: string, metric: string): SeriesAggregate {
    const key = seriesKey(minute, asset, metric);
    let series = this.bySeries.get(key);
    if (!series) {
      series = { minute, asset, metric, count: 0, sum: 0, histogram: new Map() };
      this.bySeries.set(key, series);
    }
    return series;
  }
}

/** The counters one series adds to its minute hash: `…|b<bucket>`, `…|n` and `…|sum`. */
export function hashIncrements(series: SeriesAggregate): HashIncrement[] {
  const prefix = seriesPrefix(series.asset, series.metric);
  const increments: HashIncrement[] = [...series.histogram].map(([bucket, count]) => ({ field: `${prefix}b${bucket}`, by: count, isFloat: false }));
  increments.push({ field: `${prefix}n`, by: series.count, isFloat: false });
  increments.push({ field: `${prefix}sum`, by: series.sum, isFloat: true });
  return increments;
}

/** Count, mean and p50/p95/p99 of a series; null when it holds no sample. */
export function summarize(series: SeriesAggregate): SeriesSummary | null {
  const [p50, p95, p99] = histogramPercentiles(series.histogram, [0.5, 0.95, 0.99]);
  if (p50 == null || p95 == null || p99 == null) return null;
  // `n` is written in the same MULTI as the buckets, so it equals their total; fall back to it regardless.
  const count = series.count > 0 ? series.count : [...series.histogram.values()].reduce((a, b) => a + b, 0);
  return { count, mean: series.sum / count, p50, p95, p99 };
}

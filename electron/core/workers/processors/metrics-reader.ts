import type { Redis } from 'ioredis';
import { MAX_METRIC_WINDOW_MINUTES, type MetricWindow } from '../../../../shared/model/metric-windows';
import { MetricsAggregate, summarize } from './metrics-aggregate';
import { MINUTE_MS, minuteHashKey, minuteOf, minutesIndexKey } from './metrics-keys';

export interface ReadMetricWindowsOptions {
  /** The last this many minutes, the current one included (1–120, default 15). */
  minutes?: number;
  /** Only this asset id. */
  asset?: string;
  /** Only this metric name. */
  metric?: string;
  /** Clock (epoch ms); defaults to now. */
  now?: number;
}

/**
 * The metrics processor's windows of the last `minutes` minutes, computed from the shared
 * histograms: bounded reads only — one ZRANGEBYSCORE with LIMIT on the minute index, then at most
 * `minutes` HGETALLs in one pipeline. Rows sorted by minute, asset, metric.
 */
export async function readMetricWindows(redis: Redis, namespace: string, options: ReadMetricWindowsOptions = {}): Promise<MetricWindow[]> {
  const minutes = Math.min(MAX_METRIC_WINDOW_MINUTES, Math.max(1, Math.floor(options.minutes ?? 15)));
  const latest = minuteOf(options.now ?? Date.now());
  const earliest = latest - (minutes - 1) * MINUTE_MS;
  const found = await redis.zrangebyscore(minutesIndexKey(namespace), earliest, latest, 'LIMIT', 0, minutes);
  if (found.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const minute of found) pipeline.hgetall(minuteHashKey(namespace, Number(minute)));
  const replies = (await pipeline.exec()) ?? [];
  const aggregate = new MetricsAggregate();
  replies.forEach(([error, fields], i) => {
    if (error) throw error;
    // A hash can expire before its index entry is trimmed (a sample stamped ahead of the worker's clock
    // started its TTL early, or someone deleted it): HGETALL then gives {} and the minute shows nothing.
    aggregate.addHash(Number(found[i]), fields as Record<string, string>);
  });
  const rows: MetricWindow[] = [];
  for (const series of aggregate.series()) {
    if ((options.asset !== undefined && series.asset !== options.asset) || (options.metric !== undefined && series.metric !== options.metric)) continue;
    const summary = summarize(series);
    if (summary) rows.push({ minute: series.minute, asset: series.asset, metric: series.metric, ...summary });
  }
  return rows.sort((a, b) => a.minute - b.minute || a.asset.localeCompare(b.asset) || a.metric.localeCompare(b.metric));
}

import type { AssetMetrics, AssetMetricSeries } from '../../../../shared/contract/method-groups/events';
import { formatCount } from '../../components/format';

/** A bucket's value as the tooltip and the latest-value label show it: up to 2 decimals, thousands grouped. */
export function formatMetric(value: number): string {
  return Math.abs(value) >= 1000 ? formatCount(Math.round(value)) : String(Math.round(value * 100) / 100);
}

/** Up to this many empty buckets between two samples are bridged (a sensor sampling slower than the bucket); a longer run breaks the line. */
export const BRIDGED_GAP = 3;

/**
 * The rows of one series' chart, oldest first: a row a bucket with a sample; a short run of empty
 * buckets between two samples is left out (the line bridges it), a longer one is one null row (the
 * line breaks there: the asset sent nothing for a while).
 */
export function metricRows(metrics: AssetMetrics, series: AssetMetricSeries): { at: number; avg: number | null; max: number | null }[] {
  const rows: { at: number; avg: number | null; max: number | null }[] = [];
  let gapStart = -1;
  for (let i = 0; i < series.avg.length; i++) {
    const avg = series.avg[i] ?? null;
    if (avg === null) {
      if (gapStart < 0) gapStart = i;
      continue;
    }
    if (gapStart >= 0 && rows.length > 0 && i - gapStart > BRIDGED_GAP) rows.push({ at: metrics.from + gapStart * metrics.stepMs, avg: null, max: null });
    gapStart = -1;
    rows.push({ at: metrics.from + i * metrics.stepMs, avg, max: series.max[i] ?? null });
  }
  return rows;
}


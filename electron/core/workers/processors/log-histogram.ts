/**
 * A mergeable log-bucket histogram: a sample lands in bucket `round(log(|v|) / log(1.02))`, with a
 * bucket of its own for 0 and a mirrored set for negative values. Bucket counts only add up, so
 * histograms built by several workers (or stored as Redis hash counters) merge exactly: the merge
 * of partial histograms is the histogram of all the samples.
 *
 * A bucket stands for `1.02^k`; every value in it lies within a factor 1.02^±0.5 of that, so a
 * percentile read from the histogram is within {@link MAX_RELATIVE_ERROR} (≈ 1 %) of the exact
 * nearest-rank percentile of the samples.
 */

/** Ratio between successive bucket bounds. */
export const BUCKET_GROWTH = 1.02;
const LOG_GROWTH = Math.log(BUCKET_GROWTH);

/** The worst relative error of a bucket's value against any sample in it: √1.02 − 1 ≈ 0.995 %. */
export const MAX_RELATIVE_ERROR = Math.sqrt(BUCKET_GROWTH) - 1;

/** Bucket label → count. Labels: `z` (zero), `<k>` (positive, k may be negative), `n<k>` (negative values). */
export type LogHistogram = Map<string, number>;

/** The bucket label of a finite value. */
export function bucketOf(value: number): string {
  if (value === 0) return 'z';
  const index = Math.round(Math.log(Math.abs(value)) / LOG_GROWTH);
  return value > 0 ? String(index) : `n${index}`;
}

/** The value a bucket stands for (`±1.02^k`, or 0), NaN for a label that is not a bucket. */
export function bucketValue(label: string): number {
  if (label === 'z') return 0;
  const match = /^(n?)(-?\d+)$/.exec(label);
  if (!match) return Number.NaN;
  const magnitude = BUCKET_GROWTH ** Number(match[2]);
  return match[1] ? -magnitude : magnitude;
}

/** Adds `count` samples of `value` (non-finite values are ignored: they have no bucket). */
export function addSample(histogram: LogHistogram, value: number, count = 1): void {
  if (!Number.isFinite(value)) return;
  const label = bucketOf(value);
  histogram.set(label, (histogram.get(label) ?? 0) + count);
}

/** Adds every bucket of `source` into `target` (in place) and returns `target`. */
export function mergeInto(target: LogHistogram, source: LogHistogram): LogHistogram {
  for (const [label, count] of source) target.set(label, (target.get(label) ?? 0) + count);
  return target;
}

/** The 1-based nearest rank of quantile `q` among `count` samples: ⌈q·count⌉, at least 1. */
export function nearestRank(count: number, q: number): number {
  return Math.min(count, Math.max(1, Math.ceil(q * count)));
}

/** The nearest-rank `q` quantile (0 < q ≤ 1) of the histogram's samples, as its bucket's value; null when empty. */
export function histogramPercentile(histogram: LogHistogram, q: number): number | null {
  return histogramPercentiles(histogram, [q])[0] ?? null;
}

/** Several quantiles in one sorted pass (the reader asks for p50, p95 and p99 of every series). */
export function histogramPercentiles(histogram: LogHistogram, quantiles: readonly number[]): (number | null)[] {
  const buckets = [...histogram]
    .map(([label, count]) => ({ value: bucketValue(label), count }))
    .filter((b) => Number.isFinite(b.value) && b.count > 0)
    // Bucket values are monotone in the samples they hold, so sorting buckets sorts the samples.
    .sort((a, b) => a.value - b.value);
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  if (total === 0) return quantiles.map(() => null);
  return quantiles.map((q) => {
    const rank = nearestRank(total, q);
    let seen = 0;
    for (const bucket of buckets) {
      seen += bucket.count;
      if (seen >= rank) return bucket.value;
    }
    return buckets[buckets.length - 1]!.value;
  });
}

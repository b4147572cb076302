/**
 * Where the metrics processor keeps its 1-minute windows in Redis, shared by every worker and the
 * reader: per minute one hash of counters, plus a sorted set of the minutes that have one.
 */

export const MINUTE_MS = 60_000;
/** How long windows are kept: the hashes expire and the index is trimmed after this. */
export const METRICS_RETENTION_MS = 2 * 60 * 60_000;
export const METRICS_RETENTION_SEC = METRICS_RETENTION_MS / 1000;

/** The start (epoch ms) of the minute `ms` falls in. */
export function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** `{ns}watchfloor:metrics:m:<minuteEpochMs>`: the counters of one minute. */
export function minuteHashKey(namespace: string, minute: number): string {
  return `${namespace}watchfloor:metrics:m:${minute}`;
}

/** `{ns}watchfloor:metrics:minutes`: sorted set, member and score both the minute. */
export function minutesIndexKey(namespace: string): string {
  return `${namespace}watchfloor:metrics:minutes`;
}

// `|` separates the parts of a field; asset ids and metric names are producer data and may hold one.
const escapePart = (part: string) => part.replace(/%/g, '%25').replace(/\|/g, '%7C');
const unescapePart = (part: string) => part.replace(/%7C/g, '|').replace(/%25/g, '%');

/** `<asset>|<metric>|` with `|` and `%` percent-escaped, so a field always splits back into the same parts. */
export function seriesPrefix(asset: string, metric: string): string {
  return `${escapePart(asset)}|${escapePart(metric)}|`;
}

/** What one field of a minute hash counts. */
export type MetricField =
  | { asset: string; metric: string; kind: 'bucket'; bucket: string }
  | { asset: string; metric: string; kind: 'count' }
  | { asset: string; metric: string; kind: 'sum' };

/** Parses `<asset>|<metric>|b<bucket>`, `…|n` or `…|sum`; null for anything else. */
export function parseMetricField(field: string): MetricField | null {
  const parts = field.split('|');
  if (parts.length !== 3) return null;
  const asset = unescapePart(parts[0]!);
  const metric = unescapePart(parts[1]!);
  const tail = parts[2]!;
  if (tail === 'n') return { asset, metric, kind: 'count' };
  if (tail === 'sum') return { asset, metric, kind: 'sum' };
  // Bucket labels as log-histogram.ts writes them: z, <k> or n<k>.
  const bucket = /^b(z|n?-?\d+)$/.exec(tail);
  if (bucket) return { asset, metric, kind: 'bucket', bucket: bucket[1]! };
  return null;
}

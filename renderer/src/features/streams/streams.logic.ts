import type { StreamGroupInfo, StreamHistory, StreamInfo } from '../../../../shared/model/overview';

/** Columns of the Streams table that can be sorted. */
export type StreamSortKey = 'name' | 'length' | 'addRate' | 'lag' | 'pending' | 'oldestPending' | 'consumers';
export interface StreamSort {
  key: StreamSortKey;
  isDescending: boolean;
}

export const DEFAULT_STREAM_SORT: StreamSort = { key: 'name', isDescending: false };

/** Clicking a header sorts by it; clicking the sorted header again flips the direction. Numbers start largest first. */
export function nextStreamSort(current: StreamSort, key: StreamSortKey): StreamSort {
  if (current.key === key) return { key, isDescending: !current.isDescending };
  return { key, isDescending: key !== 'name' };
}

/** What one stream row shows besides its groups: the worst of its groups, so the table sorts on what matters. */
export interface StreamTotals {
  /** Largest lag of any group; null when no group can tell. */
  worstLag: number | null;
  isLagEstimated: boolean;
  pending: number;
  /** Oldest pending age across groups, ms; null when nothing is pending. */
  oldestPendingMs: number | null;
  consumers: number;
}

export function streamTotals(stream: StreamInfo): StreamTotals {
  let worstLag: number | null = null;
  let isLagEstimated = false;
  let pending = 0;
  let oldestPendingMs: number | null = null;
  let consumers = 0;
  for (const group of stream.groups) {
    if (group.lag !== null && (worstLag === null || group.lag > worstLag)) {
      worstLag = group.lag;
      isLagEstimated = group.lagEstimated;
    }
    pending += group.pending;
    if (group.oldestPendingMs !== null && (oldestPendingMs === null || group.oldestPendingMs > oldestPendingMs)) oldestPendingMs = group.oldestPendingMs;
    consumers += group.consumers;
  }
  return { worstLag, isLagEstimated, pending, oldestPendingMs, consumers };
}

function sortValue(stream: StreamInfo, key: Exclude<StreamSortKey, 'name'>): number | null {
  if (key === 'length') return stream.length;
  if (key === 'addRate') return stream.addRate;
  const totals = streamTotals(stream);
  if (key === 'lag') return totals.worstLag;
  if (key === 'pending') return totals.pending;
  if (key === 'oldestPending') return totals.oldestPendingMs;
  return totals.consumers;
}

/** A sorted copy; unknown numbers (null) always go last, ties fall back to the name. */
export function sortStreams(streams: readonly StreamInfo[], sort: StreamSort): StreamInfo[] {
  const direction = sort.isDescending ? -1 : 1;
  if (sort.key === 'name') return [...streams].sort((a, b) => direction * compareNames(a.name, b.name));
  const key = sort.key;
  const keyed = streams.map((stream) => ({ stream, value: sortValue(stream, key) }));
  keyed.sort((a, b) => {
    if (a.value === null || b.value === null) {
      if (a.value !== b.value) return a.value === null ? 1 : -1;
    } else if (a.value !== b.value) {
      return direction * (a.value - b.value);
    }
    return compareNames(a.stream.name, b.stream.name);
  });
  return keyed.map((k) => k.stream);
}

const compareNames = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Only the streams whose name contains the filter text (case-insensitive). */
export function filterStreams(streams: readonly StreamInfo[], text: string): readonly StreamInfo[] {
  const needle = text.trim().toLowerCase();
  if (needle === '') return streams;
  return streams.filter((s) => s.name.toLowerCase().includes(needle));
}

/**
 * The streams to list: BullMQ's internal streams (`bull:<queue>:events`) are left out unless
 * `isShown`, so they are not mixed in with the pipeline's; `hidden` counts those left out.
 * Nothing left out → the same array (memoized rows stay).
 */
export function withoutBullInternals(streams: readonly StreamInfo[], isShown: boolean): { streams: readonly StreamInfo[]; hidden: number } {
  if (isShown) return { streams, hidden: 0 };
  const pipeline = streams.filter((s) => s.bullQueue === null);
  return pipeline.length === streams.length ? { streams, hidden: 0 } : { streams: pipeline, hidden: streams.length - pipeline.length };
}

/** One point of the length chart. */
export interface LengthPoint {
  at: number;
  length: number | null;
}
/** One point of a chart with one line per key (lag per group, rates). */
export type MultiPoint = { at: number } & Record<string, number | null>;

export interface StreamChartRows {
  length: LengthPoint[];
  lag: MultiPoint[];
  rates: MultiPoint[];
  /** Keys of the lag chart's lines (group names) and of the rate chart's lines ("added", then groups). */
  lagKeys: string[];
  rateKeys: string[];
  /** The last plotted value of each chart (null when none yet), for the eye and for tests. */
  last: { length: number | null; lag: number | null; rates: number | null };
  isPartial: boolean;
}

const lastValue = (values: readonly (number | null)[]): number | null => {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null && values[i] !== undefined) return values[i]!;
  return null;
};

/**
 * The stream history as rows for the three detail charts: length; lag per group; added/s and
 * read/s per group. Buckets before the first sample are cut so a console that started a minute
 * ago does not squeeze its data against the right edge.
 */
export function streamChartRows(history: StreamHistory): StreamChartRows {
  const series = (prefix: string) => history.series.filter((s) => s.key.startsWith(prefix));
  const lengthValues = history.series.find((s) => s.key === 'length')?.values ?? [];
  const added = history.series.find((s) => s.key === 'addRate')?.values ?? [];
  const lagSeries = series('lag:').map((s) => ({ name: s.key.slice('lag:'.length), values: s.values }));
  const readSeries = series('readRate:').map((s) => ({ name: `${s.key.slice('readRate:'.length)} read`, values: s.values }));
  const length: LengthPoint[] = [];
  const lag: MultiPoint[] = [];
  const rates: MultiPoint[] = [];
  for (let i = 0; i < history.points; i++) {
    const at = Math.round(history.from + (i + 0.5) * history.stepMs);
    length.push({ at, length: lengthValues[i] ?? null });
    const lagRow: MultiPoint = { at };
    for (const s of lagSeries) lagRow[s.name] = s.values[i] ?? null;
    lag.push(lagRow);
    const rateRow: MultiPoint = { at, added: added[i] ?? null };
    for (const s of readSeries) rateRow[s.name] = s.values[i] ?? null;
    rates.push(rateRow);
  }
  const first = length.findIndex((row) => row.length !== null);
  const start = first === -1 ? 0 : Math.min(first, Math.max(0, length.length - 2));
  const worstLag = lagSeries.map((s) => lastValue(s.values)).reduce<number | null>((worst, v) => (v !== null && (worst === null || v > worst) ? v : worst), null);
  return {
    length: length.slice(start),
    lag: lag.slice(start),
    rates: rates.slice(start),
    lagKeys: lagSeries.map((s) => s.name),
    rateKeys: ['added', ...readSeries.map((s) => s.name)],
    last: { length: lastValue(lengthValues), lag: worstLag, rates: lastValue(added) },
    isPartial: start > 0,
  };
}

/** Why the operator actions are disabled, or null when they may be used. */
export function actionBlockedReason(env: { readOnly: boolean; name: string }, isConnected: boolean, isGone: boolean): string | null {
  if (env.readOnly) return `${env.name} is read-only: claim, acknowledge, move to DLQ and delete consumer are not allowed here.`;
  if (isGone) return 'This stream no longer exists.';
  if (!isConnected) return 'Redis is not connected.';
  return null;
}

/** The DLQ a stream's over-delivered entries go to (the workers' convention). */
export function deadLetterStreamOf(stream: string): string {
  return `${stream}.dlq`;
}

/** Height in px of every row of the Streams table (stream and group rows alike; CSS keeps it so). */
export const ROW_HEIGHT = 28;
/** Above this many streams the table renders only what its scroll box shows. */
export const VIRTUALIZE_ABOVE = 120;

/**
 * Which blocks (a stream row plus its group rows) of a scroll box are on screen, with `overscan`
 * px around, and the space the ones before and after take: plain sums over the blocks' heights.
 */
export function visibleBlocks(heights: readonly number[], scrollTop: number, viewport: number, overscan = 400): { first: number; last: number; before: number; after: number } {
  const top = Math.max(0, scrollTop - overscan);
  const bottom = scrollTop + viewport + overscan;
  let offset = 0;
  let first = heights.length;
  let before = 0;
  for (let i = 0; i < heights.length; i++) {
    if (offset + heights[i]! > top) {
      first = i;
      before = offset;
      break;
    }
    offset += heights[i]!;
  }
  let last = first;
  let end = before;
  while (last < heights.length && end < bottom) end += heights[last++]!;
  let total = end;
  for (let i = last; i < heights.length; i++) total += heights[i]!;
  return { first, last, before, after: total - end };
}

/** A consumer that has not read for this long is most likely gone (a crashed or stopped worker). */
export const CONSUMER_INACTIVE_AFTER_MS = 5 * 60_000;

/**
 * The group's consumers that still read: Redis counts a consumer until someone deletes it, so one
 * idle for 43 minutes still shows in `consumers` — it must not look live. Without the list (an old
 * sample), every counted consumer is taken as live.
 */
export function liveConsumers(group: Pick<StreamGroupInfo, 'consumers' | 'consumerList'>): { live: number; inactive: number } {
  const inactive = group.consumerList.filter((c) => c.idleMs >= CONSUMER_INACTIVE_AFTER_MS).length;
  return { live: Math.max(0, group.consumers - inactive), inactive };
}

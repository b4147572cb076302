import type { QueueHistory, QueueInfo } from '../../../../shared/model/overview';

export const STATS_LAG_NOTE = 'Rates are RabbitMQ management statistics, collected every ~5 s: they lag by up to ~5 s.';
export const PASSIVE_NOTE = 'Known queues only (no management API): depth and consumers from passive declares; unacked and rates are not available.';

/** Columns of the RabbitMQ queues table that can be sorted. */
export type QueueSortKey = 'name' | 'ready' | 'unacked' | 'consumers' | 'publishRate' | 'deliverRate' | 'ackRate';
export interface QueueSort {
  key: QueueSortKey;
  isDescending: boolean;
}

export const DEFAULT_QUEUE_SORT: QueueSort = { key: 'name', isDescending: false };

/** Clicking a header sorts by it; clicking the sorted header again flips the direction. Numbers start largest first. */
export function nextSort(current: QueueSort, key: QueueSortKey): QueueSort {
  if (current.key === key) return { key, isDescending: !current.isDescending };
  return { key, isDescending: key !== 'name' };
}

/** A sorted copy; unknown numbers (null) always go last, ties fall back to the name. */
export function sortQueues(queues: readonly QueueInfo[], sort: QueueSort): QueueInfo[] {
  const direction = sort.isDescending ? -1 : 1;
  return [...queues].sort((a, b) => {
    if (sort.key === 'name') return direction * a.name.localeCompare(b.name);
    const x = a[sort.key];
    const y = b[sort.key];
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1;
    } else if (x !== y) {
      return direction * (x - y);
    }
    return a.name.localeCompare(b.name);
  });
}

/** Depth of a queue: ready plus unacknowledged (ready alone when a passive declare cannot tell unacked). */
export function depthOf(queue: Pick<QueueInfo, 'ready' | 'unacked'>): number {
  return queue.ready + (queue.unacked ?? 0);
}

/** Samples kept per sparkline: a minute at the host's 1 s tick. */
export const SPARKLINE_SAMPLES = 60;

/** Queue name → its last depths, oldest first. */
export type QueueSparklines = Readonly<Record<string, readonly number[]>>;

/** Appends each queue's depth; queues that disappeared lose theirs. A list that could not be read keeps the old one. */
export function appendDepths(previous: QueueSparklines, queues: readonly QueueInfo[] | null, limit = SPARKLINE_SAMPLES): QueueSparklines {
  if (queues === null) return previous;
  const next: Record<string, readonly number[]> = {};
  for (const queue of queues) {
    const samples = previous[queue.name] ?? [];
    const depth = depthOf(queue);
    next[queue.name] = samples.length >= limit ? [...samples.slice(samples.length - limit + 1), depth] : [...samples, depth];
  }
  return next;
}

export interface DepthPoint {
  at: number;
  depth: number | null;
  ready: number | null;
  unacked: number | null;
}
export interface RatePoint {
  at: number;
  publish: number | null;
  deliver: number | null;
  ack: number | null;
}

/** The queue history as rows for the two detail charts (depth = ready + unacked; rates). */
export function chartRows(history: QueueHistory): { depth: DepthPoint[]; rates: RatePoint[]; hasRates: boolean; isPartial: boolean } {
  const values = (key: string) => history.series.find((s) => s.key === key)?.values ?? [];
  const [ready, unacked, publish, deliver, ack] = ['ready', 'unacked', 'publishRate', 'deliverRate', 'ackRate'].map(values) as [
    (number | null)[],
    (number | null)[],
    (number | null)[],
    (number | null)[],
    (number | null)[],
  ];
  const depth: DepthPoint[] = [];
  const rates: RatePoint[] = [];
  let hasRates = false;
  for (let i = 0; i < history.points; i++) {
    const at = Math.round(history.from + (i + 0.5) * history.stepMs);
    const r = ready[i] ?? null;
    const u = unacked[i] ?? null;
    depth.push({ at, ready: r, unacked: u, depth: r === null ? null : r + (u ?? 0) });
    const p = publish[i] ?? null;
    const d = deliver[i] ?? null;
    const a = ack[i] ?? null;
    if (p !== null || d !== null || a !== null) hasRates = true;
    rates.push({ at, publish: p, deliver: d, ack: a });
  }
  // Before the first sample (the console started less than a window ago) there is nothing to draw:
  // start the charts at the first bucket with data instead of squeezing it against the right edge.
  const first = depth.findIndex((row, i) => row.depth !== null || rates[i]!.publish !== null || rates[i]!.deliver !== null || rates[i]!.ack !== null);
  const start = first === -1 ? 0 : Math.min(first, Math.max(0, depth.length - 2));
  return { depth: depth.slice(start), rates: rates.slice(start), hasRates, isPartial: start > 0 };
}

/** Why the purge button is disabled, or null when it may be used. */
export function purgeBlockedReason(env: { readOnly: boolean; name: string }, isConnected: boolean, isGone: boolean): string | null {
  if (env.readOnly) return `${env.name} is read-only: purging is not allowed here.`;
  if (isGone) return 'This queue no longer exists.';
  if (!isConnected) return 'RabbitMQ is not connected.';
  return null;
}

/** The confirmation matches only when it is the queue name exactly (case and spaces included). */
export function isPurgeConfirmed(queue: string, typed: string): boolean {
  return typed === queue;
}


import type { BullOverview, BullQueueHistory, BullQueueInfo } from '../../../shared/model/bullmq';

/** Samples kept per sparkline: a minute at the host's 2 s BullMQ tick. */
export const BULL_SPARKLINE_SAMPLES = 30;

export interface BullState {
  /** envId → its latest BullMQ overview. */
  byEnv: Readonly<Record<string, BullOverview>>;
  /** envId → queue → backlog (waiting + prioritized + delayed) over the last minute, oldest first. */
  backlog: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>>;
}

export const initialBullState: BullState = { byEnv: {}, backlog: {} };

/** What is queued and not yet being worked on: waiting + prioritized + delayed. */
export function backlogOf(queue: Pick<BullQueueInfo, 'waiting' | 'prioritized' | 'delayed'>): number {
  return queue.waiting + queue.prioritized + queue.delayed;
}

/** Takes overviews from `bullmq.queues` or a `bullmq.tick`; an older one than held is ignored. */
export function applyBullOverviews(state: BullState, overviews: readonly BullOverview[]): BullState {
  let byEnv: Record<string, BullOverview> | null = null;
  let backlog: Record<string, Readonly<Record<string, readonly number[]>>> | null = null;
  for (const overview of overviews) {
    const previous = (byEnv ?? state.byEnv)[overview.envId];
    if (previous && overview.at < previous.at) continue;
    byEnv ??= { ...state.byEnv };
    byEnv[overview.envId] = overview;
    if (overview.queues !== null && (!previous || overview.at > previous.at)) {
      backlog ??= { ...state.backlog };
      const before = backlog[overview.envId] ?? {};
      const next: Record<string, readonly number[]> = {};
      for (const queue of overview.queues) {
        const samples = before[queue.name] ?? [];
        const value = backlogOf(queue);
        next[queue.name] = samples.length >= BULL_SPARKLINE_SAMPLES ? [...samples.slice(samples.length - BULL_SPARKLINE_SAMPLES + 1), value] : [...samples, value];
      }
      backlog[overview.envId] = next;
    }
  }
  if (byEnv === null) return state;
  return { byEnv, backlog: backlog ?? state.backlog };
}

/** Forgets environments that no longer exist. */
export function retainBull(state: BullState, envIds: ReadonlySet<string>): BullState {
  if (!Object.keys(state.byEnv).some((id) => !envIds.has(id))) return state;
  const keep = <T,>(record: Readonly<Record<string, T>>) => Object.fromEntries(Object.entries(record).filter(([id]) => envIds.has(id)));
  return { byEnv: keep(state.byEnv), backlog: keep(state.backlog) };
}

export type BullSortKey = 'name' | 'waiting' | 'active' | 'delayed' | 'prioritized' | 'failed' | 'completed';

/** A sorted copy: numbers largest first when descending, ties by name. */
export function sortBullQueues(queues: readonly BullQueueInfo[], key: BullSortKey, isDescending: boolean): BullQueueInfo[] {
  const direction = isDescending ? -1 : 1;
  return [...queues].sort((a, b) => {
    if (key !== 'name' && a[key] !== b[key]) return direction * (a[key] - b[key]);
    const byName = a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    return key === 'name' ? direction * byName : byName;
  });
}

/** One row of the detail chart. */
export type BullChartRow = { at: number } & Partial<Record<BullQueueHistory['series'][number]['key'], number | null>>;

/** The history as chart rows, cut to the first sample so a young console does not squeeze its data right. */
export function bullChartRows(history: BullQueueHistory): { rows: BullChartRow[]; last: number | null } {
  const rows: BullChartRow[] = [];
  for (let i = 0; i < history.points; i++) {
    const row: BullChartRow = { at: Math.round(history.from + (i + 0.5) * history.stepMs) };
    for (const series of history.series) row[series.key] = series.values[i] ?? null;
    rows.push(row);
  }
  const first = rows.findIndex((row) => row.waiting !== null && row.waiting !== undefined);
  const start = first === -1 ? 0 : Math.min(first, Math.max(0, rows.length - 2));
  const waiting = history.series.find((s) => s.key === 'waiting')?.values ?? [];
  let last: number | null = null;
  for (let i = waiting.length - 1; i >= 0; i--) {
    if (waiting[i] !== null && waiting[i] !== undefined) {
      last = waiting[i]!;
      break;
    }
  }
  return { rows: rows.slice(start), last };
}

/** Why the administration buttons are disabled, or null. */
export function bullBlockedReason(env: { readOnly: boolean; name: string }, isConnected: boolean, isGone: boolean): string | null {
  if (env.readOnly) return `${env.name} is read-only: pause, resume, drain, clean and promote are not allowed here.`;
  if (isGone) return 'This queue no longer exists.';
  if (!isConnected) return 'Redis is not connected.';
  return null;
}

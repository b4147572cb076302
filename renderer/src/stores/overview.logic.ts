import type { BrokerStatus } from '../../../shared/model/connection';
import { sameRedisAliases, type EnvironmentOverview, type QueueInfo, type StreamGroupInfo, type StreamInfo } from '../../../shared/model/overview';

/** Samples of stream length kept for each sparkline: one minute at the host's 1 s tick. */
export const HISTORY_SAMPLES = 60;

/** Stream name → its last lengths, oldest first. */
export type StreamHistory = Readonly<Record<string, readonly number[]>>;

export interface OverviewState {
  byEnv: Readonly<Record<string, EnvironmentOverview>>;
  /** envId → stream history; only streams present in the latest overview are kept. */
  history: Readonly<Record<string, StreamHistory>>;
  /** Overviews the host dropped from its batches since this page started (it only keeps the latest). */
  droppedTotal: number;
  isLoaded: boolean;
}

export const initialOverviewState: OverviewState = { byEnv: {}, history: {}, droppedTotal: 0, isLoaded: false };

/**
 * Merges overviews from `overview.get` or an `overview.tick`. An overview older than the one held
 * is ignored (a slow `overview.get` answer may arrive after a tick). Unchanged streams, queues and
 * statuses keep their objects, so memoized rows skip rendering; history grows by one sample per new
 * tick and stays bounded.
 */
export function applyOverviews(state: OverviewState, overviews: readonly EnvironmentOverview[], dropped = 0): OverviewState {
  let byEnv: Record<string, EnvironmentOverview> | null = null;
  let history: Record<string, StreamHistory> | null = null;
  for (const incoming of overviews) {
    const previous = (byEnv ?? state.byEnv)[incoming.envId];
    if (previous && incoming.at < previous.at) continue;
    const merged = previous ? shareOverview(previous, incoming) : incoming;
    byEnv ??= { ...state.byEnv };
    byEnv[incoming.envId] = merged;
    if (!previous || incoming.at > previous.at) {
      history ??= { ...state.history };
      history[incoming.envId] = appendHistory(history[incoming.envId], merged.redis.streams);
    }
  }
  if (byEnv === null && dropped === 0 && state.isLoaded) return state;
  return {
    byEnv: byEnv ?? state.byEnv,
    history: history ?? state.history,
    droppedTotal: state.droppedTotal + dropped,
    isLoaded: true,
  };
}

/** Forgets environments that no longer exist. */
export function retainOverviews(state: OverviewState, envIds: ReadonlySet<string>): OverviewState {
  const isStale = (id: string) => !envIds.has(id);
  if (!Object.keys(state.byEnv).some(isStale) && !Object.keys(state.history).some(isStale)) return state;
  return {
    ...state,
    byEnv: Object.fromEntries(Object.entries(state.byEnv).filter(([id]) => envIds.has(id))),
    history: Object.fromEntries(Object.entries(state.history).filter(([id]) => envIds.has(id))),
  };
}

/** Appends the current length of each stream; streams that disappeared lose their history. */
export function appendHistory(
  previous: StreamHistory | undefined,
  streams: readonly StreamInfo[] | null,
  limit = HISTORY_SAMPLES,
): StreamHistory {
  // A broker that cannot be read keeps its history: the gap is the stale marker's job.
  if (streams === null) return previous ?? {};
  const next: Record<string, readonly number[]> = {};
  for (const stream of streams) {
    const samples = previous?.[stream.name] ?? [];
    next[stream.name] = samples.length >= limit ? [...samples.slice(samples.length - limit + 1), stream.length] : [...samples, stream.length];
  }
  return next;
}

function shareOverview(previous: EnvironmentOverview, next: EnvironmentOverview): EnvironmentOverview {
  return {
    ...next,
    redis: {
      ...next.redis,
      status: shareStatus(previous.redis.status, next.redis.status),
      streams: shareList(previous.redis.streams, next.redis.streams, isSameStream),
    },
    amqp: {
      ...next.amqp,
      status: shareStatus(previous.amqp.status, next.amqp.status),
      queues: shareList(previous.amqp.queues, next.amqp.queues, isSameQueue),
    },
  };
}

function shareStatus(previous: BrokerStatus, next: BrokerStatus): BrokerStatus {
  const isSame =
    previous.state === next.state &&
    previous.since === next.since &&
    previous.failure?.kind === next.failure?.kind &&
    previous.failure?.message === next.failure?.message;
  return isSame ? previous : next;
}

/** Reuses items of `previous` (matched by name) that equal their counterpart in `next`. */
function shareList<T extends { name: string }>(
  previous: readonly T[] | null,
  next: T[] | null,
  isSame: (a: T, b: T) => boolean,
): T[] | null {
  if (previous === null || next === null) return next;
  const previousByName = new Map(previous.map((item) => [item.name, item]));
  let isAllReused = previous.length === next.length;
  const shared = next.map((item, index) => {
    const candidate = previousByName.get(item.name);
    const reused = candidate && isSame(candidate, item) ? candidate : item;
    if (reused !== previous[index]) isAllReused = false;
    return reused;
  });
  return isAllReused ? (previous as T[]) : shared;
}

function isSameStream(a: StreamInfo, b: StreamInfo): boolean {
  return (
    a.name === b.name &&
    a.length === b.length &&
    a.isDeadLetter === b.isDeadLetter &&
    a.bullQueue === b.bullQueue &&
    a.addRate === b.addRate &&
    a.entriesAdded === b.entriesAdded &&
    a.lastEntryId === b.lastEntryId &&
    a.groups.length === b.groups.length &&
    a.groups.every((group, index) => {
      const other = b.groups[index];
      return other !== undefined && isSameGroup(group, other);
    })
  );
}

function isSameGroup(a: StreamGroupInfo, b: StreamGroupInfo): boolean {
  return (
    a.name === b.name &&
    a.consumers === b.consumers &&
    a.pending === b.pending &&
    a.lag === b.lag &&
    a.lagEstimated === b.lagEstimated &&
    a.lastDeliveredId === b.lastDeliveredId &&
    a.entriesRead === b.entriesRead &&
    a.readRate === b.readRate &&
    a.oldestPendingMs === b.oldestPendingMs &&
    a.consumerList.length === b.consumerList.length &&
    a.consumerList.every((c, i) => {
      const other = b.consumerList[i];
      return other !== undefined && c.name === other.name && c.pending === other.pending && c.idleMs === other.idleMs;
    })
  );
}

function isSameQueue(a: QueueInfo, b: QueueInfo): boolean {
  return (
    a.name === b.name &&
    a.ready === b.ready &&
    a.unacked === b.unacked &&
    a.consumers === b.consumers &&
    a.isDeadLetter === b.isDeadLetter &&
    a.publishRate === b.publishRate &&
    a.deliverRate === b.deliverRate &&
    a.ackRate === b.ackRate
  );
}

/** What one environment's brokers can be relied on for right now (issue 21.3: unknown is not zero). */
export interface Reachability {
  /** Configured brokers that are not connected, named with why: "Redis (connection refused)". */
  down: string[];
  /** Every configured broker is down: nothing shown for this environment is current. */
  allDown: boolean;
  /** No overview yet: nothing is known. */
  unknown: boolean;
}

const FAILURE_WORDS: Record<string, string> = {
  refused: 'connection refused',
  auth: 'authentication failed',
  timeout: 'timed out',
  tls: 'TLS failed',
  dns: 'host not found',
  protocol: 'protocol error',
  'not-found': 'not found',
  unknown: 'unreachable',
};

/** "Redis (connection refused)", or null when the broker is connected or not configured. */
export function brokerDownText(name: string, status: BrokerStatus | undefined): string | null {
  if (!status || status.state === 'connected' || status.state === 'not-configured') return null;
  return downName(name, status);
}

function downName(name: string, status: BrokerStatus): string {
  if (status.state === 'connecting') return `${name} (connecting)`;
  return `${name} (${status.failure ? FAILURE_WORDS[status.failure.kind] ?? status.failure.kind : 'disconnected'})`;
}

/** Which configured brokers of an environment are down, from its latest overview. */
export function reachability(overview: EnvironmentOverview | undefined): Reachability {
  if (!overview) return { down: [], allDown: false, unknown: true };
  const brokers = [
    { name: 'Redis', status: overview.redis.status },
    { name: 'RabbitMQ', status: overview.amqp.status },
  ].filter((b) => b.status.state !== 'not-configured');
  const down = brokers.filter((b) => b.status.state !== 'connected').map((b) => downName(b.name, b.status));
  return { down, allDown: brokers.length > 0 && down.length === brokers.length, unknown: false };
}

/** Environments repeating another's Redis and namespace (envId → the one repeated), from the latest overviews. */
export function sameRedisOf(environments: readonly { id: string; namespace: string }[], state: OverviewState): Record<string, string> {
  return sameRedisAliases(environments, (id) => state.byEnv[id]?.redis.serverId);
}

import type { EnvironmentView } from '../../../../shared/model/environment';
import { worstSeverity, type FiringRule } from '../../../../shared/model/health-rules';
import type { EnvironmentOverview } from '../../../../shared/model/overview';
import { reachability } from '../../stores/overview.logic';
import type { Severity } from '../../../../shared/schemas/security-streams';

export type Connectivity = 'connected' | 'connecting' | 'disconnected' | 'not-configured' | 'unknown';

/** One environment at a glance. */
export interface FleetRow {
  envId: string;
  name: string;
  colour: string;
  production: boolean;
  readOnly: boolean;
  redis: Connectivity;
  amqp: Connectivity;
  /** The pipeline's database (issue 17): not-configured without one. */
  postgres: Connectivity;
  /** Why the database is down, or what its schema state asks for; null when all is well. */
  postgresNote: string | null;
  /** The largest consumer-group lag, or null when no group reports one. */
  worstLag: { value: number; stream: string; group: string } | null;
  /** Entries in DLQ streams + messages in DLQ queues; null when neither broker could be read. */
  dlqTotal: number | null;
  firingCount: number;
  worstFiring: Severity | null;
  /** Epoch ms since which some of the data has not been refreshed; null when fresh. */
  staleSince: number | null;
  /** No overview yet. */
  isWaiting: boolean;
  /** Configured brokers that are down, named with why; all of them down means no current data. */
  down: string[];
  allDown: boolean;
}

/** The database cell: its state and, when down or not current, why. */
function databaseCell(env: EnvironmentView, overview: EnvironmentOverview | undefined): { postgres: Connectivity; postgresNote: string | null } {
  if (!env.postgres) return { postgres: 'not-configured', postgresNote: null };
  const db = overview?.postgres;
  if (!db) return { postgres: 'unknown', postgresNote: null };
  return { postgres: db.status.state, postgresNote: db.status.state === 'disconnected' ? (db.status.failure?.message ?? 'not reachable') : db.note };
}

/** Builds the fleet row of one environment from its latest overview and firing rules. */
export function fleetRow(env: EnvironmentView, overview: EnvironmentOverview | undefined, firing: readonly FiringRule[] | undefined): FleetRow {
  const list = firing ?? [];
  const row: FleetRow = {
    envId: env.id,
    name: env.name,
    colour: env.colour,
    production: env.production,
    readOnly: env.readOnly,
    redis: overview ? overview.redis.status.state : 'unknown',
    amqp: overview ? overview.amqp.status.state : 'unknown',
    ...databaseCell(env, overview),
    worstLag: null,
    dlqTotal: null,
    firingCount: list.length,
    worstFiring: worstSeverity(list.map((f) => f.severity)),
    staleSince: null,
    isWaiting: overview === undefined,
    down: [],
    allDown: false,
  };
  if (!overview) return row;
  const reach = reachability(overview);
  row.down = reach.down;
  row.allDown = reach.allDown;
  const streams = overview.redis.streams;
  const queues = overview.amqp.queues;
  for (const stream of streams ?? []) {
    for (const group of stream.groups) {
      if (group.lag !== null && (row.worstLag === null || group.lag > row.worstLag.value)) row.worstLag = { value: group.lag, stream: stream.name, group: group.name };
    }
  }
  if (streams !== null || queues !== null) {
    let total = 0;
    for (const stream of streams ?? []) if (stream.isDeadLetter) total += stream.length;
    for (const queue of queues ?? []) if (queue.isDeadLetter) total += queue.ready + (queue.unacked ?? 0);
    row.dlqTotal = total;
  }
  const stale = [overview.redis.staleSince, overview.amqp.staleSince].filter((at): at is number => at !== null);
  row.staleSince = stale.length > 0 ? Math.min(...stale) : null;
  return row;
}

/** Strips the environment's namespace from a stream name for display. */
export function withoutNamespace(name: string, namespace: string): string {
  return namespace && name.startsWith(namespace) ? name.slice(namespace.length) : name;
}

import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { BrokerStatus, ConnectionFailure } from '../../../../shared/model/connection';
import type { Clock } from '../../ports';
import type { Redactor } from '../../redaction';
import type { ResolvedEnvironment } from '../../environments/resolved-environment';
import { classifyFailure } from '../connection-failure';
import { StatusTracker } from '../status-tracker';
import { tunnelNatMap } from '../../tunnel/tunnelled-nodes';
import { requireStandalone, type RedisClient } from './redis-client';
import { TunnelledCluster } from './tunnelled-cluster';

type RedisSettings = NonNullable<ResolvedEnvironment['redis']>;

/** Deadlines of every Redis call the console makes. */
export const REDIS_DEADLINES = { connectMs: 5000, commandMs: 3000 } as const;

/** ioredis options for a monitoring connection: bounded deadlines, no offline queue, capped retries. */
export function redisOptions(settings: RedisSettings, overrides: RedisOptions = {}): RedisOptions {
  // Behind Sentinel: ask the sentinels for the primary, and follow a failover as they announce it
  // (through an SSH tunnel, every address they announce is mapped to its forwarder).
  const where: RedisOptions = settings.sentinel
    ? {
        sentinels: settings.sentinel.nodes,
        name: settings.sentinel.masterName,
        failoverDetector: true,
        sentinelRetryStrategy: (attempt: number) => Math.min(250 * attempt, 2000),
        ...(settings.tunnelNodes ? { natMap: tunnelNatMap(settings.tunnelNodes) } : {}),
      }
    : { host: settings.host, port: settings.port };
  return {
    ...where,
    db: settings.db,
    username: settings.username || undefined,
    password: settings.password || undefined,
    tls: settings.tls ? (settings.tlsSettings?.options ?? { servername: settings.host, rejectUnauthorized: true }) : undefined,
    connectionName: 'watchfloor',
    lazyConnect: true,
    connectTimeout: REDIS_DEADLINES.connectMs,
    commandTimeout: REDIS_DEADLINES.commandMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // Reconnect quickly and forever: a console watching a broker should notice its return within seconds.
    retryStrategy: (attempt) => Math.min(250 * attempt, 2000),
    ...overrides,
  };
}

/**
 * The client an environment's settings call for: a `Cluster` seeded with the cluster nodes when the
 * profile says cluster (each node with {@link redisOptions}: same user, password, TLS, deadlines;
 * no offline queue, bounded slot-map refresh), else one `Redis` (standalone or behind Sentinel).
 */
export function createRedisClient(settings: RedisSettings, overrides: RedisOptions = {}): RedisClient {
  if (!settings.cluster) return new Redis(redisOptions(settings, overrides));
  const options = redisOptions(settings, overrides);
  const retry = options.retryStrategy;
  // Cluster nodes take everything but where to connect, the database (always 0) and the reconnect policy (the cluster's).
  const { host: _host, port: _port, sentinels: _sentinels, name: _name, failoverDetector: _detector, sentinelRetryStrategy: _sentinelRetry, natMap: _natMap, retryStrategy: _retry, enableOfflineQueue: _queue, db: _db, ...perNode } = options;
  const clusterOptions: ClusterOptions = {
    redisOptions: perNode,
    lazyConnect: true,
    enableOfflineQueue: false,
    enableReadyCheck: true,
    slotsRefreshTimeout: options.connectTimeout ?? REDIS_DEADLINES.connectMs,
    maxRedirections: 16,
    retryDelayOnMoved: 0,
    clusterRetryStrategy: (attempt: number) => (retry ? retry(attempt) : Math.min(250 * attempt, 2000)),
  };
  // Through an SSH tunnel the seeds are forwarders already; every node of a slot map, MOVED or ASK gets its own.
  if (settings.tunnelNodes) return new TunnelledCluster(settings.cluster.nodes, clusterOptions, tunnelNatMap(settings.tunnelNodes));
  return new Cluster(settings.cluster.nodes, clusterOptions);
}

/** The error worth naming: a cluster that found no node reachable wraps the last node's error. */
export function redisFailureCause(error: unknown): unknown {
  return (error as { lastNodeError?: unknown } | undefined)?.lastNodeError ?? error;
}

/** "host:port" of the server, or of the cluster's seeds, for failure messages. */
export function redisTarget(settings: RedisSettings): string {
  return settings.cluster ? `cluster ${settings.cluster.nodes.map((node) => `${node.host}:${node.port}`).join(', ')}` : `${settings.host}:${settings.port}`;
}

/**
 * One environment's Redis connection with an observable status. The status follows ioredis's
 * events; failures are classified and redacted before anyone sees them.
 */
export class RedisConnection {
  /** A `Cluster` when the profile says cluster: features that need one server go through `requireStandalone`. */
  readonly client: RedisClient;
  private readonly tracker: StatusTracker;
  private lastFailure: ConnectionFailure | undefined;
  private closed = false;
  private server: string | null = null;

  constructor(
    private readonly settings: RedisSettings,
    private readonly clock: Clock,
    private readonly redactor: Redactor,
    options: { explainFailure?: (failure: ConnectionFailure | undefined) => ConnectionFailure | null } = {},
  ) {
    this.tracker = new StatusTracker({ state: 'connecting', since: clock.now() }, options.explainFailure);
    this.client = createRedisClient(settings);
    const target = redisTarget(settings);
    this.client.on('ready', () => {
      this.lastFailure = undefined;
      this.tracker.set({ state: 'connected', since: this.clock.now() });
      void this.readServerId();
    });
    this.client.on('error', (error: unknown) => {
      this.lastFailure = classifyFailure(redisFailureCause(error), this.redactor, target);
      if (this.status.state !== 'connected') this.tracker.setDisconnected(this.lastFailure, this.clock.now());
    });
    // A cluster reports each node's failure here; its own 'error' only says no node answered.
    this.client.on('node error', (error: unknown) => {
      if (this.status.state === 'connected') return;
      this.lastFailure = classifyFailure(error, this.redactor, target);
      this.tracker.setDisconnected(this.lastFailure, this.clock.now());
    });
    this.client.on('close', () => {
      if (this.closed) return;
      this.tracker.setDisconnected(this.lastFailure ?? { kind: 'refused', message: `connection to ${target} closed` }, this.clock.now());
    });
    this.client.on('reconnecting', () => {
      if (this.status.state === 'connected') this.tracker.set({ state: 'connecting', since: this.clock.now() });
    });
  }

  /** Starts connecting; never rejects (failures show in the status). */
  start(): void {
    const tlsError = this.settings.tlsSettings?.error;
    if (tlsError) {
      this.lastFailure = { kind: 'tls', message: this.redactor.redact(tlsError) };
      this.tracker.setDisconnected(this.lastFailure, this.clock.now());
      return;
    }
    this.client.connect().catch((error: unknown) => {
      this.lastFailure = classifyFailure(redisFailureCause(error), this.redactor, redisTarget(this.settings));
      if (this.status.state !== 'connected') this.tracker.setDisconnected(this.lastFailure, this.clock.now());
    });
  }

  get status(): BrokerStatus {
    return this.tracker.status;
  }

  /** The client as one server, for features a cluster cannot serve (their owners are not created on a cluster). */
  get standaloneClient(): Redis {
    return requireStandalone(this.client, 'This feature');
  }

  /** Whether this environment's Redis is a cluster. */
  get isCluster(): boolean {
    return this.client instanceof Cluster;
  }

  get isReady(): boolean {
    return this.client.status === 'ready';
  }

  /**
   * The server's `run_id` (INFO server), read on each connect: two environments whose Redis has
   * the same run id and namespace are the same data (issue 21.2). Null on a cluster (no single
   * server) and until read.
   */
  get serverId(): string | null {
    return this.server;
  }

  private async readServerId(): Promise<void> {
    if (this.client instanceof Cluster) return;
    try {
      const info = await this.client.info('server');
      this.server = /run_id:([0-9a-f]+)/.exec(info)?.[1] ?? null;
    } catch {
      // An ACL user without INFO: unknown, and shared brokers are then not detected.
      this.server = null;
    }
  }

  onStatus(listener: (status: BrokerStatus) => void): () => void {
    return this.tracker.onStatus(listener);
  }

  /** Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.disconnect(false);
  }

}

import { Redis, type RedisOptions } from 'ioredis';
import type { BrokerStatus, ConnectionFailure } from '../../../../shared/model/connection';
import type { Clock } from '../../ports';
import type { Redactor } from '../../redaction';
import type { ResolvedEnvironment } from '../../environments/resolved-environment';
import { classifyFailure } from '../connection-failure';
import { StatusTracker } from '../status-tracker';

type RedisSettings = NonNullable<ResolvedEnvironment['redis']>;

/** Deadlines of every Redis call the console makes. */
export const REDIS_DEADLINES = { connectMs: 5000, commandMs: 3000 } as const;

/** ioredis options for a monitoring connection: bounded deadlines, no offline queue, capped retries. */
export function redisOptions(settings: RedisSettings, overrides: RedisOptions = {}): RedisOptions {
  // Behind Sentinel: ask the sentinels for the primary, and follow a failover as they announce it.
  const where: RedisOptions = settings.sentinel
    ? { sentinels: settings.sentinel.nodes, name: settings.sentinel.masterName, failoverDetector: true, sentinelRetryStrategy: (attempt: number) => Math.min(250 * attempt, 2000) }
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
 * One environment's Redis connection with an observable status. The status follows ioredis's
 * events; failures are classified and redacted before anyone sees them.
 */
export class RedisConnection {
  readonly client: Redis;
  private readonly tracker: StatusTracker;
  private lastFailure: ConnectionFailure | undefined;
  private closed = false;

  constructor(
    private readonly settings: RedisSettings,
    private readonly clock: Clock,
    private readonly redactor: Redactor,
  ) {
    this.tracker = new StatusTracker({ state: 'connecting', since: clock.now() });
    this.client = new Redis(redisOptions(settings));
    const target = `${settings.host}:${settings.port}`;
    this.client.on('ready', () => {
      this.lastFailure = undefined;
      this.tracker.set({ state: 'connected', since: this.clock.now() });
    });
    this.client.on('error', (error: unknown) => {
      this.lastFailure = classifyFailure(error, this.redactor, target);
      if (this.status.state !== 'connected') this.tracker.setDisconnected(this.lastFailure, this.clock.now());
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
      this.lastFailure = classifyFailure(error, this.redactor);
      if (this.status.state !== 'connected') this.tracker.setDisconnected(this.lastFailure, this.clock.now());
    });
  }

  get status(): BrokerStatus {
    return this.tracker.status;
  }

  get isReady(): boolean {
    return this.client.status === 'ready';
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

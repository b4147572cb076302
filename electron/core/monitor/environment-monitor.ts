import type { BrokerStatus } from '../../../shared/model/connection';
import type { EnvironmentOverview, QueueInfo, StreamInfo } from '../../../shared/model/overview';
import { topologyFor } from '../../../shared/model/topology';
import type { AmqpConnection } from '../brokers/rabbitmq/amqp-connection';
import type { ManagementClient } from '../brokers/rabbitmq/management-client';
import { samplePassive } from '../brokers/rabbitmq/passive-queue-sampler';
import type { RedisConnection } from '../brokers/redis/redis-connection';
import { StreamDiscovery } from '../brokers/redis/stream-discovery';
import { StreamSampler } from '../brokers/redis/stream-sampler';
import type { DatabaseWatch } from './database-watch';
import { StreamHistoryStore } from './stream-history';
import { QueueHistoryStore } from './queue-history';
import type { Clock, Logger } from '../ports';
import type { Redactor } from '../redaction';

export interface MonitorOptions {
  tickMs: number;
  discoveryEveryMs: number;
}

export const DEFAULT_MONITOR_OPTIONS: MonitorOptions = { tickMs: 1000, discoveryEveryMs: 30_000 };

const NOT_CONFIGURED = (since: number): BrokerStatus => ({ state: 'not-configured', since });

interface Part<T> {
  items: T[] | null;
  lastSuccessAt: number | null;
  inFlight: boolean;
}

/**
 * Samples one environment every tick: Redis streams (one pipelined round trip) and RabbitMQ
 * queues (one management request, or passive declares). A tick still running when the next is
 * due is not queued behind: the next is skipped and the data shows as stale.
 */
export class EnvironmentMonitor {
  private readonly discovery: StreamDiscovery | null;
  private readonly sampler: StreamSampler;
  /** The last hour of every stream, for the detail charts. */
  readonly history = new StreamHistoryStore();
  /** The last hour of every RabbitMQ queue, for the queue detail charts. */
  readonly queueHistory = new QueueHistoryStore();
  private timer: NodeJS.Timeout | undefined;
  private lastDiscoveryAt = 0;
  private readonly redisPart: Part<StreamInfo> = { items: null, lastSuccessAt: null, inFlight: false };
  private readonly amqpPart: Part<QueueInfo> & { source: 'management' | 'passive' | null; note: string | null } = {
    items: null,
    lastSuccessAt: null,
    inFlight: false,
    source: null,
    note: null,
  };
  private readonly listeners = new Set<(overview: EnvironmentOverview) => void>();
  private readonly createdAt: number;
  private stopped = false;
  /** Streams sampled whether discovery has found them or not: the seed topology's DLQs. */
  private readonly watchedStreams: readonly string[];
  private database: DatabaseWatch | null = null;

  constructor(
    readonly envId: string,
    private readonly namespace: string,
    private readonly redis: RedisConnection | null,
    private readonly amqp: AmqpConnection | null,
    private readonly management: ManagementClient | null,
    private readonly vhost: string,
    private readonly deps: { clock: Clock; logger: Logger; redactor: Redactor },
    private readonly options: MonitorOptions = DEFAULT_MONITOR_OPTIONS,
  ) {
    this.createdAt = deps.clock.now();
    const topology = topologyFor(namespace);
    this.watchedStreams = topology.deadLetterStreams;
    // The seed's streams are looked up by name too: they show at once even in a keyspace one SCAN pass takes long over.
    const seedStreams = [...new Set([...Object.values(topology.streams).map((s) => s.name), ...topology.deadLetterStreams])];
    this.discovery = redis ? new StreamDiscovery(redis.client, namespace, undefined, seedStreams) : null;
    this.sampler = new StreamSampler(() => deps.clock.now(), namespace);
    redis?.onStatus(() => this.emit());
    amqp?.onStatus(() => this.emit());
  }

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.tickMs);
    this.timer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Makes the next tick rescan the keyspace (e.g. right after the demo created streams). */
  requestDiscovery(): void {
    this.lastDiscoveryAt = 0;
  }

  onOverview(listener: (overview: EnvironmentOverview) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs one tick now; resolves when both parts have answered or failed. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    await Promise.all([this.tickRedis(), this.tickAmqp()]);
    this.emit();
  }

  snapshot(): EnvironmentOverview {
    const now = this.deps.clock.now();
    const staleAfter = this.options.tickMs * 2.5;
    const staleSince = (part: Part<unknown>, connected: boolean) => {
      if (part.items === null) return null;
      const last = part.lastSuccessAt ?? this.createdAt;
      return !connected || now - last > staleAfter ? last : null;
    };
    const redisStatus = this.redis?.status ?? NOT_CONFIGURED(this.createdAt);
    const amqpStatus = this.amqp?.status ?? NOT_CONFIGURED(this.createdAt);
    return {
      envId: this.envId,
      at: now,
      redis: {
        status: redisStatus,
        streams: this.redisPart.items,
        staleSince: staleSince(this.redisPart, redisStatus.state === 'connected'),
        truncated: this.discovery?.truncated ?? false,
        serverId: this.redis?.serverId ?? null,
      },
      amqp: {
        status: amqpStatus,
        source: this.amqpPart.source,
        queues: this.amqpPart.items,
        staleSince: staleSince(this.amqpPart, amqpStatus.state === 'connected'),
        note: this.amqpPart.note,
      },
      ...(this.database ? { postgres: this.database.snapshot() } : {}),
    };
  }

  /** Shows the environment's database in every overview; a change of its state is pushed at once. */
  watchDatabase(watch: DatabaseWatch): void {
    this.database = watch;
    watch.onChange(() => this.emit());
  }

  /** Whether stream discovery has finished a pass over the keyspace (one-shot CLI commands wait for it). */
  get hasDiscoveredStreams(): boolean {
    return this.discovery?.isComplete ?? true;
  }

  private emit(): void {
    if (this.stopped) return;
    const overview = this.snapshot();
    for (const listener of this.listeners) listener(overview);
  }

  private async tickRedis(): Promise<void> {
    if (!this.redis || !this.discovery || this.redisPart.inFlight || !this.redis.isReady) return;
    this.redisPart.inFlight = true;
    try {
      const now = this.deps.clock.now();
      if (!this.discovery.isComplete || now - this.lastDiscoveryAt >= this.options.discoveryEveryMs) {
        this.lastDiscoveryAt = now;
        await this.discovery.run();
      }
      // The seed's own DLQ streams are sampled on every tick, found or not: a DLQ the workers just
      // created shows at the next tick, not at the next discovery run (up to 30 s later).
      const names = [...new Set([...this.discovery.names(), ...this.watchedStreams])].sort();
      const sample = await this.sampler.sample(this.redis.client, names);
      for (const name of sample.gone) this.discovery.forget(name);
      this.redisPart.items = sample.streams;
      this.redisPart.lastSuccessAt = this.deps.clock.now();
      this.history.record(this.redisPart.lastSuccessAt, sample.streams, sample.gone);
    } catch (error) {
      this.deps.logger.warn('redis sample failed', { envId: this.envId, error: this.deps.redactor.redact(String((error as Error).message)) });
    } finally {
      this.redisPart.inFlight = false;
    }
  }

  private async tickAmqp(): Promise<void> {
    if (!this.amqp || this.amqpPart.inFlight) return;
    this.amqpPart.inFlight = true;
    try {
      if (this.management) {
        try {
          const listing = await this.management.queues(this.vhost, this.namespace);
          this.amqpPart.items = listing.queues;
          this.amqpPart.source = 'management';
          this.amqpPart.note = listing.truncated ? `showing the first ${listing.queues.length} queues` : null;
          this.amqpPart.lastSuccessAt = this.deps.clock.now();
          // A complete listing without a queue seen before means it was deleted.
          const listed = new Set(listing.queues.map((q) => q.name));
          const gone = listing.truncated ? [] : this.queueHistory.names().filter((name) => !listed.has(name));
          this.queueHistory.record(this.amqpPart.lastSuccessAt, listing.queues, gone);
          return;
        } catch (error) {
          this.amqpPart.note = `management API unavailable (${this.deps.redactor.redact((error as Error).message)}): known queues only`;
        }
      } else {
        this.amqpPart.note = 'no management API configured: known queues only';
      }
      if (!this.amqp.isReady) return;
      const topology = topologyFor(this.namespace);
      const names = topology.queues.flatMap((q) => [q.name, q.deadLetterQueue]);
      this.amqpPart.items = await samplePassive(this.amqp, names);
      this.amqpPart.source = 'passive';
      this.amqpPart.lastSuccessAt = this.deps.clock.now();
      // A known queue whose passive declare answered 404 was deleted.
      const found = new Set(this.amqpPart.items.map((q) => q.name));
      this.queueHistory.record(this.amqpPart.lastSuccessAt, this.amqpPart.items, names.filter((name) => !found.has(name)));
    } catch (error) {
      this.deps.logger.warn('rabbitmq sample failed', { envId: this.envId, error: this.deps.redactor.redact(String((error as Error).message)) });
    } finally {
      this.amqpPart.inFlight = false;
    }
  }
}

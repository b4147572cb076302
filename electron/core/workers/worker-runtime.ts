import os from 'node:os';
import { Redis } from 'ioredis';
import type { RedisClient } from '../brokers/redis/redis-client';
import { PROCESSOR_NAMES, type ProcessorName, type ProcessorSettings, type WorkersView } from '../../../shared/model/workers';
import { createRedisClient, redisOptions } from '../brokers/redis/redis-connection';
import type { ResolvedDestinations } from './destinations-store';
import type { Processor } from './processor';
import { CLUSTER_UNSUPPORTED, idleStatus, NO_DATABASE_REASON, PROCESSOR_CATALOG } from './processor-catalog';
import { PROCESSOR_FACTORIES } from './processor-factories';
import { StreamConsumer } from './stream-consumer';
import { keyringFromData, type PayloadKeyring } from '../payload-crypto';
import type { FactoryContext, StartOptions, WorkerRuntimeConfig, WorkerRuntimeDeps } from './processor-factory';

export type { FactoryContext, ProcessorFactory, StartOptions, WorkerRuntimeConfig, WorkerRuntimeDeps } from './processor-factory';

/**
 * The pipeline's processors of one environment in this process. Lists every processor (running or
 * not, with why one cannot run), starts, pauses, stops and configures them. Runs inside a worker
 * thread in the consoles (see worker-thread-host.ts), directly in tests.
 */
export class WorkerRuntime {
  private readonly running = new Map<ProcessorName, Processor>();
  private readonly unavailable = new Map<ProcessorName, string>();
  private readonly settings = new Map<ProcessorName, ProcessorSettings>();
  private shared: RedisClient | null = null;
  readonly consumerPrefix: string;
  /** The environment's payload keys (seed 001 encryption), or null: the stream processors decrypt inputs and encrypt outputs with them. */
  private readonly payloadKeys: PayloadKeyring | null;

  constructor(
    private config: WorkerRuntimeConfig,
    private readonly deps: WorkerRuntimeDeps,
  ) {
    this.consumerPrefix = config.consumerPrefix ?? `${os.hostname()}-${process.pid}`;
    this.payloadKeys = config.env.payloadKeys ? keyringFromData(config.env.payloadKeys) : null;
    for (const name of PROCESSOR_NAMES) this.settings.set(name, { ...PROCESSOR_CATALOG[name].settings, ...config.settings?.[name] });
  }

  /**
   * Starts `only` (default: every processor that can run here). Returns the names that could not, with why.
   * Every group is created before any processor consumes: one processor's output is not missed by the next.
   */
  async start(only?: readonly ProcessorName[], options: StartOptions = {}): Promise<Record<string, string>> {
    const refused: Record<string, string> = {};
    const made: Processor[] = [];
    for (const name of only ?? PROCESSOR_NAMES) {
      if (this.running.has(name)) continue;
      const processor = this.build(name, options);
      if (typeof processor === 'string') {
        this.unavailable.set(name, processor);
        refused[name] = processor;
        continue;
      }
      this.unavailable.delete(name);
      this.running.set(name, processor);
      made.push(processor);
    }
    await Promise.all(made.map((processor) => processor.prepare?.()));
    for (const processor of made) await processor.start();
    return refused;
  }

  async stop(name?: ProcessorName): Promise<void> {
    const names = name ? [name] : [...this.running.keys()];
    await Promise.all(
      names.map(async (n) => {
        const processor = this.running.get(n);
        this.running.delete(n);
        await processor?.stop();
      }),
    );
    if (!this.running.size && this.shared) {
      this.shared.disconnect(false);
      this.shared = null;
    }
  }

  async pause(name: ProcessorName): Promise<void> {
    await this.running.get(name)?.pause();
  }

  async resume(name: ProcessorName): Promise<void> {
    await this.running.get(name)?.resume();
  }

  async configure(name: ProcessorName, settings: Partial<ProcessorSettings>): Promise<void> {
    const next = { ...this.settings.get(name)!, ...settings };
    this.settings.set(name, next);
    await this.running.get(name)?.configure(next);
  }

  get isRunning(): boolean {
    return this.running.size > 0;
  }

  /** Every processor, in catalog order. */
  view(isolation: WorkersView['isolation']): WorkersView {
    const { env } = this.config;
    return {
      envId: env.id,
      at: this.deps.clock.now(),
      isRunning: this.running.size > 0,
      isolation,
      processors: PROCESSOR_NAMES.map((name) => {
        const processor = this.running.get(name);
        if (processor) return { ...processor.status(), unavailable: null };
        return idleStatus(name, env.namespace, `${this.consumerPrefix}-${name}`, this.settings.get(name)!, this.unavailable.get(name) ?? this.staticReason(name));
      }),
    };
  }

  /** New notification destinations: senders started from now on use them (running ones keep theirs until restarted). */
  setDestinations(destinations: ResolvedDestinations): void {
    this.config = { ...this.config, destinations };
  }

  private staticReason(name: ProcessorName): string | null {
    const { broker } = PROCESSOR_CATALOG[name];
    if (broker === 'redis' && !this.config.env.redis) return 'this environment has no Redis';
    const clusterReason = this.config.env.redis?.cluster ? CLUSTER_UNSUPPORTED[name] : undefined;
    if (clusterReason) return clusterReason;
    if ((name === 'slack' || name === 'email' || name === 'webhook') && !this.config.destinations?.[name]) {
      return `no ${{ slack: 'Slack webhook URL', email: 'SMTP server', webhook: 'webhook URL' }[name]} configured (Workers view → Notification destinations, or watchfloor destinations --set)`;
    }
    if (name === 'incident' && !this.config.destinations?.pagerDuty?.routingKey) return 'incident_management not configured: no PagerDuty routing key (Workers view → Notification destinations, or watchfloor destinations --set)';
    if (name === 'phone' && !this.config.destinations?.pagerDuty?.phoneRoutingKey) return 'phone not configured: no PagerDuty phone routing key (Workers view → Notification destinations, or watchfloor destinations --set)';
    if (broker === 'amqp' && !this.config.env.amqp) return 'this environment has no RabbitMQ';
    if (PROCESSOR_CATALOG[name].sink === 'postgres' && !this.config.env.postgres) return NO_DATABASE_REASON;
    if (!PROCESSOR_FACTORIES[name]) return 'not available in this build';
    return null;
  }

  private build(name: ProcessorName, options: StartOptions): Processor | string {
    const reason = this.staticReason(name);
    if (reason) return reason;
    const factory = PROCESSOR_FACTORIES[name]!;
    try {
      return factory(this.context(name, options));
    } catch (error) {
      return (error as Error).message;
    }
  }

  private createRedis(connectionName: string): RedisClient {
    const settings = this.config.env.redis!;
    // Commands wait for a reconnect instead of failing (offline queue, no per-request retry limit):
    // a loop blocked on a dead broker resumes where it was; its state shows `failing` meanwhile.
    const overrides = { connectionName, lazyConnect: false, maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined };
    let client: RedisClient;
    if (settings.cluster) {
      // A cluster: one connection per master for this loop, following the slot map (MOVED, failover).
      const cluster = createRedisClient(settings, overrides);
      cluster.options.enableOfflineQueue = true;
      client = cluster;
    } else client = new Redis(redisOptions(settings, overrides));
    client.on('error', () => undefined);
    return client;
  }

  /** The shared connection as one server (the processors that need one are refused on a cluster, see CLUSTER_UNSUPPORTED). */
  private sharedServer(): Redis {
    const client = (this.shared ??= this.createRedis('watchfloor-worker'));
    if (client instanceof Redis) return client;
    throw new Error('needs a single Redis server, and this environment is a Redis Cluster');
  }

  private context(name: ProcessorName, start: StartOptions): FactoryContext {
    const entry = PROCESSOR_CATALOG[name];
    const { env, timings } = this.config;
    return {
      name,
      entry,
      config: this.config,
      deps: this.deps,
      settings: this.settings.get(name)!,
      consumerPrefix: this.consumerPrefix,
      sharedRedis: () => this.sharedServer(),
      sharedClient: () => (this.shared ??= this.createRedis('watchfloor-worker')),
      streamConsumer: (handler) =>
        new StreamConsumer({
          name,
          title: entry.title,
          stream: `${env.namespace}${entry.source}`,
          group: entry.group,
          consumerPrefix: this.consumerPrefix,
          keyPrefix: `${env.namespace}watchfloor:workers:`,
          handler,
          payloadKeys: this.payloadKeys,
          settings: this.settings.get(name)!,
          createClient: () => this.createRedis(`watchfloor-${name}`),
          cluster: Boolean(env.redis?.cluster),
          clock: this.deps.clock,
          logger: this.deps.logger,
          reclaimIdleMs: timings?.reclaimIdleMs ?? entry.maxProcessingMs,
          blockMs: timings?.blockMs,
          reclaimEveryMs: timings?.reclaimEveryMs,
          fromStart: start.fromStart ?? false,
        }),
    };
  }
}

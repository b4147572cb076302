import { BullMonitor, type BullMonitorOptions } from '../monitor/bull-monitor';
import { AmqpConnection } from '../brokers/rabbitmq/amqp-connection';
import { ManagementClient } from '../brokers/rabbitmq/management-client';
import { RedisConnection } from '../brokers/redis/redis-connection';
import { PubSubService } from '../brokers/redis/pubsub';
import type { PubSubTailBatch } from '../../../shared/model/pubsub';
import { DemoProducer } from '../demo/demo-producer';
import { EnvironmentMonitor, type MonitorOptions } from '../monitor/environment-monitor';
import type { Clock, Logger } from '../ports';
import type { Redactor } from '../redaction';
import type { ResolvedEnvironment } from './resolved-environment';
import { EventHistory } from '../database/event-history';
import { classifyPgFailure } from '../database/pg-connection';
import { MIGRATIONS } from '../database/migrations';
import { DatabaseWatch } from '../monitor/database-watch';
import { RetentionJob } from '../database/retention';
import { StreamSampleStore } from '../database/stream-samples';
import { QueueSampleStore } from '../database/queue-samples';

/** The newest schema version this build knows. */
const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
import { AlertService, type AlertServiceOptions } from '../alerts/alert-service';
import { isReadOnly } from './profile';
import { CodedError } from '../../../shared/contract/errors';
import type { SshTunnel } from '../tunnel/ssh-tunnel';
import { parseBrokerUrl } from '../../../shared/model/broker-url';

export interface RuntimeDeps {
  clock: Clock;
  logger: Logger;
  redactor: Redactor;
  monitorOptions?: MonitorOptions;
  bullOptions?: BullMonitorOptions;
  /** Receives the batched messages of this environment's pub/sub tails. */
  onPubSubMessages?: (batches: PubSubTailBatch[]) => void;
  alertOptions?: AlertServiceOptions;
  /** The environment's SSH tunnel when its settings were routed through one: names "tunnel down" instead of broker errors. */
  tunnel?: SshTunnel | null;
}

/** The live parts of one environment: its broker connections, its monitor and its demo producer. */
export class EnvironmentRuntime {
  readonly redis: RedisConnection | null;
  readonly amqp: AmqpConnection | null;
  readonly monitor: EnvironmentMonitor;
  /** The RabbitMQ management API client, null when the environment names none. */
  readonly management: ManagementClient | null;
  readonly demo: DemoProducer;
  /** BullMQ queues found in this environment's Redis. */
  readonly bull: BullMonitor | null;
  /** Pub/sub channels, live tails and test publish. */
  readonly pubsub: PubSubService | null;
  /** Alert triage state, the ingester and (on writable environments) the escalation engine. */
  readonly alerts: AlertService | null;
  /** The SSH tunnel every connection goes through, or null (direct). */
  readonly tunnel: SshTunnel | null;
  /** The stored events of the environment's PostgreSQL (issue 17); null without a database. */
  readonly history: EventHistory | null;
  /** The database's reachability and schema for the overview; null without a database. */
  private readonly database: DatabaseWatch | null;
  /** Deletes rows past their age on plain PostgreSQL; only where this console may write. */
  readonly retention: RetentionJob | null;
  /** A minute of each stream's depth kept in the database for the 24 h / 7 d charts; null without a database. */
  readonly streamSamples: StreamSampleStore | null;
  /** Likewise for each RabbitMQ and BullMQ queue (depth, rates, job counts); null without a database. */
  readonly queueSamples: QueueSampleStore | null;

  constructor(
    readonly env: ResolvedEnvironment,
    deps: RuntimeDeps,
  ) {
    const { profile } = env;
    this.history = env.postgres ? new EventHistory(env.postgres) : null;
    const tunnel = env.tunnelled ? (deps.tunnel ?? null) : null;
    this.tunnel = tunnel;
    this.redis = env.redis ? new RedisConnection(env.redis, deps.clock, deps.redactor, { explainFailure: tunnel ? () => tunnel.failureForPort(env.redis!.port) : undefined }) : null;
    const amqpUrl = env.amqp && tunnel ? parseBrokerUrl(env.amqp.url, ['amqp', 'amqps']) : null;
    const amqpPort = amqpUrl && !('error' in amqpUrl) ? (amqpUrl.port ?? 0) : 0;
    this.amqp = env.amqp ? new AmqpConnection(env.amqp, deps.clock, deps.redactor, deps.logger, { explainFailure: tunnel ? () => tunnel.failureForPort(amqpPort) : undefined }) : null;
    const management = env.management ? new ManagementClient(env.management) : null;
    this.management = management;
    this.monitor = new EnvironmentMonitor(profile.id, profile.namespace, this.redis, this.amqp, management, env.amqp?.vhost ?? '/', deps, deps.monitorOptions);
    const history = this.history;
    const postgres = env.postgres;
    this.database = history && postgres ? new DatabaseWatch(() => history.probe(), (error) => classifyPgFailure(error, postgres, deps.redactor), deps.clock, SCHEMA_VERSION) : null;
    if (this.database) this.monitor.watchDatabase(this.database);
    const mayWrite = !isReadOnly(profile) && profile.role !== 'viewer';
    this.retention = postgres && mayWrite ? new RetentionJob(postgres, deps) : null;
    this.streamSamples = postgres ? new StreamSampleStore(postgres, deps.logger) : null;
    // Read everywhere; written only by a console that may write to the environment.
    const samples = this.streamSamples;
    if (samples && mayWrite) this.monitor.onOverview((overview) => samples.observe(overview));
    const queueSamples = postgres ? new QueueSampleStore(postgres, deps.logger) : null;
    this.queueSamples = queueSamples;
    if (queueSamples && mayWrite) this.monitor.onOverview((overview) => queueSamples.observeRabbit(overview));
    this.demo = new DemoProducer(profile.id, profile.namespace, this.redis, this.amqp, deps);
    // On a Redis Cluster, BullMQ queues (no hash-tag prefix), pub/sub tails and alert state (Lua over
    // undeclared keys) are not available: they stay null and their calls answer UNSUPPORTED.
    const single = this.redis && !this.redis.isCluster ? this.redis : null;
    this.bull = single ? new BullMonitor(profile.id, profile.namespace, single, deps, deps.bullOptions) : null;
    if (queueSamples && mayWrite) this.bull?.onOverview((overview) => queueSamples.observeBull(overview));
    this.pubsub = single ? new PubSubService(profile.id, profile.namespace, single, deps, (batches) => deps.onPubSubMessages?.(batches)) : null;
    this.alerts = single ? new AlertService(single, profile.namespace, !isReadOnly(profile), deps, { ...deps.alertOptions, payloadKeys: env.payloadKeys }) : null;
  }

  /** UNSUPPORTED when this environment's Redis is a cluster and `feature` needs a single server. */
  assertNotCluster(feature: string): void {
    if (this.redis?.isCluster) throw new CodedError('UNSUPPORTED', `${feature} is not available on a Redis Cluster`);
  }

  private stale = false;

  /** Marks the runtime for a restart at the next reconcile (its secrets changed). */
  markStale(): void {
    this.stale = true;
  }

  get isStale(): boolean {
    return this.stale;
  }

  start(): void {
    this.redis?.start();
    this.amqp?.start();
    this.monitor.start();
    this.database?.start();
    this.retention?.start();
    this.bull?.start();
    this.alerts?.start();
  }

  /** Idempotent: stops the demo, the monitor and closes both connections. */
  async close(): Promise<void> {
    this.monitor.stop();
    this.database?.stop();
    this.retention?.stop();
    await this.alerts?.stop();
    await this.demo.stop().catch(() => undefined);
    await this.bull?.stop();
    await this.pubsub?.close();
    await Promise.all([this.redis?.close(), this.amqp?.close(), this.history?.close(), this.streamSamples?.close(), this.queueSamples?.close()]);
  }
}

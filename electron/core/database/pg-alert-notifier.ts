import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import pg from 'pg';
import type { ProcessorSettings, ProcessorState, ProcessorStatus } from '../../../shared/model/workers';
import { SystemAlert } from '../../../shared/schemas/rabbitmq-messages';
import { topologyFor, type Topology } from '../../../shared/model/topology';
import { amqpSocketOptions, amqpUrlWithHeartbeat, describeAmqpError } from '../brokers/rabbitmq/amqp-connection';
import type { PostgresSettings } from '../environments/resolved-environment';
import { systemClock, type Clock, type Logger } from '../ports';
import { Redactor } from '../redaction';
import { retryDelayMs, type RetryPolicy } from '../workers/backoff';
import type { Processor } from '../workers/processor';
import { ProcessorStats } from '../workers/processor-stats';
import { publishConfirmed } from '../workers/rabbit/confirmed-publish';
import { alertRoutingKey, systemAlertId } from '../workers/rabbit/metric-thresholds';
import { attachQueue } from '../workers/rabbit/queue-attach';
import type { AmqpSettings } from '../workers/rabbit/rabbit-consumer';
import { METRIC_ALERTS_CHANNEL } from './migrations/005-metric-alerts';
import { connectPg, describePgError, isConnectionError, pgClientConfig } from './pg-connection';
import { migrate } from './schema';

export interface PgAlertNotifierOptions {
  amqp: AmqpSettings;
  postgres: PostgresSettings;
  namespace: string;
  /** `batch`: alerts claimed and published per transaction; `concurrency` has no meaning (one listener; SKIP LOCKED shares the work between processes). */
  settings: ProcessorSettings;
  consumer: string;
  clock?: Clock;
  logger?: Logger;
  redactor?: Redactor;
  /** Cap of the reconnect and retry delays, ms (default 5000). */
  maxDelayMs?: number;
  /** How often the LISTEN connection is checked with a query, ms (default 10 000): a frozen server is noticed. */
  heartbeatMs?: number;
}

/** The broker did not confirm a publish (nack, channel or connection gone): the batch is rolled back and published again. */
class PublishFailed extends Error {}

/** One `metric_alerts` row as claimed. */
interface AlertRow {
  id: string;
  system_id: string;
  alert_type: string;
  severity: string;
  value: number;
  threshold: number;
  ts: Date;
}

/**
 * `pg-alert-notifier` (issue 17, seed 002 "Database triggers detect alerts → alert_queue via
 * pg_notify"). LISTENs on the channel the `system_metrics` trigger notifies (migration 5); each
 * notification, each (re)connect of either side, and a failed attempt's retry drain the table: in
 * one transaction it claims the rows not yet published (`FOR UPDATE SKIP LOCKED`, so two notifiers
 * never claim the same row), publishes each seed 002 alert to the exchange with `alerts.{severity}`
 * (reaching `alert_queue`) on a confirm channel, and marks them published only after every confirm.
 * So the table is the record and a notification only a wake-up: alerts detected while no notifier
 * ran, or while it was disconnected, are published when it (re)connects. At least once: a crash
 * between the confirm and the commit publishes the alert again, with the same messageId
 * (system, type, time), which the alert store recognises.
 */
export class PgAlertNotifier implements Processor {
  readonly name = 'pg-alert-notifier' as const;
  private readonly stats: ProcessorStats;
  private readonly clock: Clock;
  private readonly topology: Topology;
  private readonly redactor: Redactor;
  private readonly reconnectPolicy: RetryPolicy;
  private settings: ProcessorSettings;
  private pool: pg.Pool | null = null;
  private listener: pg.Client | null = null;
  private model: ChannelModel | null = null;
  private channel: ConfirmChannel | null = null;
  private isRunning = false;
  private isPaused = false;
  private isDrainAgain = false;
  private draining: Promise<void> | null = null;
  private readonly attempts = { pg: 0, amqp: 0, drain: 0 };
  /** What is failing now, per side; the state is `failing` while any is set. */
  private readonly failing: { pg: string | null; amqp: string | null; drain: string | null } = { pg: null, amqp: null, drain: null };
  private readonly timers: { pg?: NodeJS.Timeout; amqp?: NodeJS.Timeout; drain?: NodeJS.Timeout; heartbeat?: NodeJS.Timeout } = {};
  private heartbeatPending = false;

  constructor(private readonly options: PgAlertNotifierOptions) {
    this.clock = options.clock ?? systemClock;
    this.stats = new ProcessorStats(this.clock);
    this.topology = topologyFor(options.namespace);
    this.settings = { ...options.settings };
    this.redactor = options.redactor ?? new Redactor();
    this.redactor.remember(options.amqp.password);
    this.redactor.remember(options.postgres.password);
    this.reconnectPolicy = { maxRetries: 0, backoff: { type: 'exponential', baseMs: 250, maxMs: options.maxDelayMs ?? 5000 }, jitter: 0.25 };
  }

  /** The namespaced queue the alerts reach. */
  get alertQueue(): string {
    return this.topology.queues.find((q) => q.name.endsWith('alert_queue'))!.name;
  }

  async start(): Promise<void> {
    if (this.isRunning) return;
    this.isRunning = true;
    this.pool = new pg.Pool({ ...pgClientConfig(this.options.postgres, { applicationName: 'watchfloor-pg-alert-notifier', connectTimeoutMs: 5000 }), max: 2, query_timeout: 60_000, idleTimeoutMillis: 30_000 });
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => client.on('error', () => undefined));
    this.timers.heartbeat = setInterval(() => this.heartbeat(), this.options.heartbeatMs ?? 10_000);
    await Promise.all([this.connectPg(), this.connectAmqp()]);
  }

  async pause(): Promise<void> {
    this.isPaused = true;
    await this.draining;
  }

  async resume(): Promise<void> {
    this.isPaused = false;
    this.requestDrain();
  }

  async stop(): Promise<void> {
    if (!this.isRunning) return;
    this.isRunning = false;
    for (const timer of Object.values(this.timers)) clearTimeout(timer);
    await this.draining;
    const [listener, model, pool] = [this.listener, this.model, this.pool];
    this.listener = null;
    this.model = null;
    this.channel = null;
    this.pool = null;
    await listener?.end().catch(() => undefined);
    await model?.close().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    this.failing.pg = this.failing.amqp = this.failing.drain = null;
  }

  async configure(settings: Partial<ProcessorSettings>): Promise<void> {
    this.settings = { ...this.settings, ...settings };
  }

  status(): ProcessorStatus {
    const failing = this.failing.pg ?? this.failing.amqp ?? this.failing.drain;
    let state: ProcessorState = 'running';
    if (!this.isRunning) state = 'stopped';
    else if (failing) state = 'failing';
    else if (!this.listener || !this.channel) state = 'starting';
    else if (this.isPaused) state = 'paused';
    return {
      name: this.name,
      title: 'Alert notifier (PostgreSQL → alert_queue)',
      source: `${this.options.namespace}metric_alerts`,
      group: '',
      consumer: this.options.consumer,
      settings: { ...this.settings },
      ...this.stats.snapshot(state),
    };
  }

  /** LISTEN on a connection of its own, after the schema is current; then the recovery drain. */
  private async connectPg(): Promise<void> {
    if (!this.isRunning) return;
    let client: pg.Client | null = null;
    try {
      const migrating = await this.pool!.connect();
      try {
        await migrate(migrating);
      } finally {
        migrating.release();
      }
      client = await connectPg(this.options.postgres, { applicationName: 'watchfloor-pg-alert-listener', connectTimeoutMs: 5000 });
      const mine = client;
      client.on('notification', () => this.requestDrain());
      client.on('error', (error: Error) => this.listenerLost(mine, error));
      client.on('end', () => this.listenerLost(mine, new Error('the LISTEN connection closed')));
      await client.query(`LISTEN ${METRIC_ALERTS_CHANNEL}`);
      if (!this.isRunning) {
        await client.end().catch(() => undefined);
        return;
      }
      this.listener = client;
      this.heartbeatPending = false;
      this.attempts.pg = 0;
      this.failing.pg = null;
      // Whatever was detected while nobody listened (or before this start) is published now.
      this.requestDrain();
    } catch (error) {
      await client?.end().catch(() => undefined);
      this.pgFailed(error);
    }
  }

  private listenerLost(client: pg.Client, error: unknown): void {
    if (this.listener !== client) return;
    this.listener = null;
    void client.end().catch(() => undefined);
    this.pgFailed(error);
  }

  private pgFailed(error: unknown): void {
    const message = (error as { code?: unknown }).code === 'SCHEMA_REFUSED' ? (error as Error).message : describePgError(error, this.options.postgres, this.redactor);
    this.failing.pg = message;
    this.stats.fail(message);
    if (!this.isRunning) return;
    this.attempts.pg += 1;
    clearTimeout(this.timers.pg);
    this.timers.pg = setTimeout(() => void this.connectPg(), retryDelayMs(this.reconnectPolicy, this.attempts.pg));
  }

  /** A query on the LISTEN connection: a server that died without closing the socket, or froze, is noticed. */
  private heartbeat(): void {
    const listener = this.listener;
    if (!listener) return;
    if (this.heartbeatPending) {
      this.listenerLost(listener, new Error('the LISTEN connection did not answer its heartbeat'));
      return;
    }
    this.heartbeatPending = true;
    listener.query('SELECT 1').then(
      () => {
        if (this.listener === listener) this.heartbeatPending = false;
      },
      (error: unknown) => this.listenerLost(listener, error),
    );
  }

  /** A connection and a confirm channel; the seed exchange and queues declared as the consumers do, so an alert published reaches `alert_queue`. */
  private async connectAmqp(): Promise<void> {
    if (!this.isRunning) return;
    let model: ChannelModel | null = null;
    try {
      if (this.options.amqp.tlsSettings?.error) throw new Error(this.options.amqp.tlsSettings.error);
      model = await amqp.connect(amqpUrlWithHeartbeat(this.options.amqp.url), amqpSocketOptions(this.options.amqp));
      const mine = model;
      model.on('error', () => undefined);
      model.on('close', (error?: Error) => {
        if (this.model !== mine) return;
        this.model = null;
        this.channel = null;
        this.amqpFailed(error ?? new Error('connection closed'));
      });
      await attachQueue(model, this.topology, this.alertQueue, null);
      const channel = await model.createConfirmChannel();
      channel.on('error', (error: Error) => this.stats.fail(this.redactor.redact(describeAmqpError(error))));
      channel.on('close', () => {
        if (this.channel === channel && this.model === mine) void mine.close().catch(() => undefined);
      });
      if (!this.isRunning) {
        await model.close().catch(() => undefined);
        return;
      }
      this.model = model;
      this.channel = channel;
      this.attempts.amqp = 0;
      this.failing.amqp = null;
      this.requestDrain();
    } catch (error) {
      await model?.close().catch(() => undefined);
      this.amqpFailed(error);
    }
  }

  private amqpFailed(error: unknown): void {
    const message = this.redactor.redact(`RabbitMQ: ${describeAmqpError(error)}`);
    this.failing.amqp = message;
    this.stats.fail(message);
    if (!this.isRunning) return;
    this.attempts.amqp += 1;
    clearTimeout(this.timers.amqp);
    this.timers.amqp = setTimeout(() => void this.connectAmqp(), retryDelayMs(this.reconnectPolicy, this.attempts.amqp));
  }

  /** Drains now, or once more after the drain in progress (notifications arriving meanwhile coalesce). */
  private requestDrain(): void {
    if (!this.isRunning || this.isPaused) return;
    if (this.draining) {
      this.isDrainAgain = true;
      return;
    }
    this.draining = (async () => {
      do {
        this.isDrainAgain = false;
        await this.drain();
      } while (this.isDrainAgain && this.isRunning && !this.isPaused);
    })().finally(() => {
      this.draining = null;
    });
  }

  /** Publishes batches until none is left; a failure is retried with backoff (the reconnects drain too). */
  private async drain(): Promise<void> {
    for (;;) {
      const channel = this.channel;
      if (!this.isRunning || this.isPaused || !this.listener || !channel) return;
      let published: number;
      try {
        published = await this.publishBatch(channel);
      } catch (error) {
        const message = error instanceof PublishFailed ? this.redactor.redact(error.message) : describePgError(error, this.options.postgres, this.redactor);
        this.failing.drain = message;
        this.stats.count('failures');
        this.stats.fail(message);
        this.attempts.drain += 1;
        clearTimeout(this.timers.drain);
        if (this.isRunning) this.timers.drain = setTimeout(() => this.requestDrain(), retryDelayMs(this.reconnectPolicy, this.attempts.drain));
        return;
      }
      this.failing.drain = null;
      this.attempts.drain = 0;
      if (published < this.settings.batch) return;
    }
  }

  /** One transaction: claim up to `batch` unpublished rows, publish them with confirms, mark them published. */
  private async publishBatch(channel: ConfirmChannel): Promise<number> {
    const client = await this.pool!.connect();
    let isBroken = false;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<AlertRow>(
        'SELECT id, system_id::text AS system_id, alert_type, severity, value, threshold, ts FROM metric_alerts WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED',
        [this.settings.batch],
      );
      if (rows.length) {
        this.stats.inFlight = rows.length;
        const queue = this.alertQueue;
        await Promise.all(
          rows.map((row) => {
            const alert = SystemAlert.parse({ system_id: Number(row.system_id), alert_type: row.alert_type, severity: row.severity, value: row.value, threshold: row.threshold, timestamp: row.ts.toISOString() });
            return publishConfirmed(channel, this.topology.exchange, alertRoutingKey(alert), Buffer.from(JSON.stringify(alert)), { messageId: systemAlertId(alert), contentType: 'application/json', persistent: true }).catch((error: unknown) => {
              throw new PublishFailed(`publishing to ${queue}: ${describeAmqpError(error)}`);
            });
          }),
        );
        await client.query('UPDATE metric_alerts SET published_at = now() WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
      }
      await client.query('COMMIT');
      this.stats.count('processed', rows.length);
      return rows.length;
    } catch (error) {
      if (isConnectionError(error)) isBroken = true;
      else await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      this.stats.inFlight = 0;
      client.release(isBroken ? true : undefined);
    }
  }
}

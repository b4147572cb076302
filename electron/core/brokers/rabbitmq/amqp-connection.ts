import amqp, { type Channel, type ChannelModel } from 'amqplib';
import type { BrokerStatus, ConnectionFailure } from '../../../../shared/model/connection';
import type { Clock, Logger } from '../../ports';
import type { Redactor } from '../../redaction';
import type { ResolvedEnvironment } from '../../environments/resolved-environment';
import { classifyFailure } from '../connection-failure';
import { StatusTracker } from '../status-tracker';

type AmqpSettings = NonNullable<ResolvedEnvironment['amqp']>;

export const AMQP_DEADLINES = { connectMs: 5000, heartbeatSeconds: 5, maxReconnectDelayMs: 3000 } as const;

/** Socket options for amqplib: connect deadline and TLS server name. */
export function amqpSocketOptions(settings: AmqpSettings): Record<string, unknown> {
  return {
    timeout: AMQP_DEADLINES.connectMs,
    ...(settings.tls ? { ...(settings.tlsSettings?.options ?? {}), servername: settings.tlsSettings?.options.servername ?? settings.host, rejectUnauthorized: true } : {}),
    clientProperties: { connection_name: 'watchfloor' },
  };
}

/** The URL with a heartbeat, so a frozen broker is noticed within a few seconds. */
export function amqpUrlWithHeartbeat(url: string): string {
  if (/[?&]heartbeat=/.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}heartbeat=${AMQP_DEADLINES.heartbeatSeconds}`;
}

/**
 * One environment's RabbitMQ connection: reconnects with capped backoff, exposes its status, and
 * re-runs every registered `setup(channel)` after each reconnect (topology, consumers).
 */
export class AmqpConnection {
  private model: ChannelModel | null = null;
  private adminChannel: Channel | null = null;
  private readonly tracker: StatusTracker;
  private closed = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: AmqpSettings,
    private readonly clock: Clock,
    private readonly redactor: Redactor,
    private readonly logger?: Logger,
    options: { explainFailure?: (failure: ConnectionFailure | undefined) => ConnectionFailure | null } = {},
  ) {
    this.tracker = new StatusTracker({ state: 'connecting', since: clock.now() }, options.explainFailure);
  }

  get status(): BrokerStatus {
    return this.tracker.status;
  }

  get isReady(): boolean {
    return this.model !== null;
  }

  onStatus(listener: (status: BrokerStatus) => void): () => void {
    return this.tracker.onStatus(listener);
  }

  start(): void {
    void this.connect();
  }

  /** The live connection, or a BROKER_UNAVAILABLE-style error. */
  connection(): ChannelModel {
    if (!this.model) throw Object.assign(new Error(this.status.failure?.message ?? 'RabbitMQ is not connected'), { code: 'BROKER_UNAVAILABLE' });
    return this.model;
  }

  /** A shared channel for short administrative calls; recreated when a failed call closed it. */
  async channel(): Promise<Channel> {
    if (this.adminChannel) return this.adminChannel;
    const channel = await this.connection().createChannel();
    channel.on('error', () => undefined);
    channel.on('close', () => {
      if (this.adminChannel === channel) this.adminChannel = null;
    });
    this.adminChannel = channel;
    return channel;
  }

  /** Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    const model = this.model;
    this.model = null;
    this.adminChannel = null;
    if (model) await model.close().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const target = `${this.settings.host}:${this.settings.port}`;
    try {
      if (this.settings.tlsSettings?.error) throw Object.assign(new Error(this.settings.tlsSettings.error), { code: 'ERR_TLS_FILE' });
      const model = await amqp.connect(amqpUrlWithHeartbeat(this.settings.url), amqpSocketOptions(this.settings));
      if (this.closed) {
        await model.close().catch(() => undefined);
        return;
      }
      this.model = model;
      this.attempt = 0;
      model.on('error', (error: Error) => {
        this.logger?.warn('amqp connection error', { error: this.redactor.redact(error.message) });
      });
      model.on('close', (error?: Error) => {
        if (this.model !== model) return;
        this.model = null;
        this.adminChannel = null;
        if (this.closed) return;
        const failure = error ? classifyFailure(error, this.redactor, target) : { kind: 'refused' as const, message: `connection to ${target} closed` };
        this.tracker.setDisconnected(failure, this.clock.now());
        this.scheduleReconnect();
      });
      this.tracker.set({ state: 'connected', since: this.clock.now() });
    } catch (error) {
      this.tracker.setDisconnected(classifyFailure(error, this.redactor, target), this.clock.now());
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.attempt += 1;
    const delay = Math.min(500 * this.attempt, AMQP_DEADLINES.maxReconnectDelayMs);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref?.();
  }

}

/**
 * The broker's own reason for closing a channel or connection, as RabbitMQ sent it: reply code and
 * text ("406 PRECONDITION_FAILED - inequivalent arg 'x-dead-letter-exchange' ..."). Null when the
 * error is not a broker close (a socket error, a timeout).
 */
export function brokerCloseReason(error: unknown): string | null {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const match = /(\d{3}) \([A-Z_-]+\) with message "([\s\S]*)"\s*$/.exec(message);
  return match ? `${match[1]} ${match[2]}` : null;
}

/**
 * An amqplib error in an operator's words, the broker's close reason kept verbatim:
 * "channel closed by RabbitMQ: 406 PRECONDITION_FAILED - ...", "connection closed by RabbitMQ:
 * 320 CONNECTION_FORCED - ...", "QueueDeclare refused by RabbitMQ: 406 ...". Other errors as they are.
 */
export function describeAmqpError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = brokerCloseReason(message);
  if (!reason) return message;
  if (/^Connection closed/i.test(message)) return `connection closed by RabbitMQ: ${reason}`;
  const operation = /^Operation failed: ([A-Za-z]+)/.exec(message)?.[1];
  if (operation) return `${operation} refused by RabbitMQ: ${reason}`;
  return `channel closed by RabbitMQ: ${reason}`;
}

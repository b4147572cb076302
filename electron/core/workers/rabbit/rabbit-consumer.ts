// Over 400 lines on purpose: one consumer lifecycle (connect, consume, settle under confirms, retry, dead-letter, reconnect) whose channel state every method shares.
import os from 'node:os';
import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Options } from 'amqplib';
import { ProcessorSettings, type ProcessorName, type ProcessorState, type ProcessorStatus } from '../../../../shared/model/workers';
import { DEAD_LETTER_HEADERS } from '../../../../shared/model/rabbit-dlq';
import { topologyFor, type Topology } from '../../../../shared/model/topology';
import { AMQP_DEADLINES, amqpSocketOptions, amqpUrlWithHeartbeat, describeAmqpError } from '../../brokers/rabbitmq/amqp-connection';
import { ManagementClient } from '../../brokers/rabbitmq/management-client';
import type { ResolvedEnvironment } from '../../environments/resolved-environment';
import { systemClock, type Clock, type Logger } from '../../ports';
import { Redactor } from '../../redaction';
import { isExhausted, retryDelayMs, SEED_MAX_RETRY_DELAY_MS, type RetryPolicy } from '../backoff';
import type { Processor } from '../processor';
import { ProcessorStats } from '../processor-stats';
import { AckBatcher } from './ack-batcher';
import { publishConfirmed } from './confirmed-publish';
import { attachQueue, type QueueAttachment } from './queue-attach';
import { DedupWindow } from './dedup-window';
import { deliveryId } from './message-id';
import { RetrySleeps } from './retry-sleeps';

/** An environment's AMQP connection settings (password included; never leaves the core). */
export type AmqpSettings = NonNullable<ResolvedEnvironment['amqp']>;
/** The environment's management API settings, when it has one. */
export type ManagementSettings = NonNullable<ResolvedEnvironment['management']>;

/** Seed 002 consumers: 3 retries, exponential from 1 s (capped at seed 001's 60 s), ±25 % jitter. */
export const RABBIT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, backoff: { type: 'exponential', baseMs: 1000, maxMs: SEED_MAX_RETRY_DELAY_MS }, jitter: 0.25 };

/** The outcome of validating a delivery's bytes. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** What a handler may do besides computing: publish, acknowledged only once the broker confirmed. */
export interface HandlerContext {
  /** The delivery's dedup id (messageId property or a hash of the body). */
  readonly deliveryId: string;
  readonly message: ConsumeMessage;
  /** Publishes on the consumer's confirm channel (persistent by default); the delivery is acked after the confirm. */
  publish(exchange: string, routingKey: string, content: Buffer, options?: Options.Publish): void;
}

/** A queue a consumer has to itself, bound to the seed exchange with a seed routing key (e.g. `metrics_queue.store`), so it takes no message from the seed queue's consumers. */
export interface OwnQueue {
  /** Without the namespace; its DLQ is `{queue}.dlq`. */
  queue: string;
  bindingKey: string;
}

/** Thrown (or rejected) by a handler: the message can never be handled (e.g. the database refused its row); dead-lettered now, no retry. */
export class DeadLetterNow extends Error {}

/** Thrown (or rejected) by a handler that gives the message back unhandled (it is stopping): left unacked, the broker redelivers it; no failure counted. */
export class ReleaseDelivery extends Error {}

/** Options shared by every RabbitMQ processor. */
export interface RabbitConsumerOptions {
  /** The environment's AMQP settings (`ResolvedEnvironment.amqp`). */
  amqp: AmqpSettings;
  /** The management API: tells whether an existing queue has a dead-letter exchange (without it, unknown). */
  management?: ManagementSettings | null;
  /** The environment's namespace ('' for the seed names). */
  namespace: string;
  /** Defaults: concurrency 1 (channels on the one connection), batch (prefetch) 100. */
  settings?: Partial<ProcessorSettings>;
  /** Defaults to {@link RABBIT_RETRY_POLICY}; tests shorten the base delay. */
  retryPolicy?: RetryPolicy;
  /** Dedup window, default 5 minutes. */
  dedupWindowMs?: number;
  /** Cap of the reconnect delay, default {@link AMQP_DEADLINES.maxReconnectDelayMs}. */
  maxReconnectDelayMs?: number;
  /** Consumer name prefix, default `host-pid-name`. */
  consumer?: string;
  clock?: Clock;
  logger?: Logger;
  redactor?: Redactor;
  /** Jitter source, [0, 1). */
  random?: () => number;
}

const DEFAULT_SETTINGS: ProcessorSettings = { concurrency: 1, batch: 100 };
const RECONNECT_BASE_MS = 250;

/**
 * A RabbitMQ competing consumer with its own connection. On every (re)connect it attaches to its
 * queue (see {@link attachQueue}: passive checks first, a missing queue declared as the demo
 * does, an existing one used as it is), then per channel `setup(channel)`: prefetch, consume.
 * Manual acks: a delivery is acked only after its handler finished and every publish it made was
 * confirmed; failures retry in-process with backoff, then are dead-lettered: nacked without
 * requeue so the queue's DLX moves them to `<queue>.dlq`, or — an existing queue without a DLX —
 * published to `<queue>.dlq` with a confirm, the original acked only after it. A channel or
 * connection the broker closes shows its reply code and text as the last error. Subclasses only
 * parse and handle.
 */
export abstract class RabbitConsumer<T> implements Processor {
  abstract readonly name: ProcessorName;
  /** The namespaced queue it consumes. */
  readonly source: string;
  protected readonly topology: Topology;
  protected readonly stats: ProcessorStats;
  protected readonly clock: Clock;
  private readonly settings: ProcessorSettings;
  private readonly policy: RetryPolicy;
  private readonly dedup: DedupWindow;
  private readonly redactor: Redactor;
  private readonly random: () => number;
  private readonly maxReconnectDelayMs: number;
  private readonly consumerPrefix: string | undefined;

  private model: ChannelModel | null = null;
  private channels: ConfirmChannel[] = [];
  private readonly consumerTags = new Map<ConfirmChannel, string>();
  private readonly liveChannels = new WeakSet<ConfirmChannel>();
  private readonly ackBatchers = new WeakMap<ConfirmChannel, AckBatcher>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retrySleeps = new RetrySleeps();
  private state: ProcessorState = 'stopped';
  private isStopped = true;
  private isPaused = false;
  private isRecycling = false;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | null = null;
  private attachment: QueueAttachment | null = null;
  /** The broker's reason for the last channel / connection close of this connection, e.g. "channel closed by RabbitMQ: 406 ...". */
  private closeReason: string | null = null;
  private readonly management: ManagementClient | null;

  /** `seedQueue`: a seed queue's name, or a queue of the consumer's own bound to the seed exchange (declared with its DLQ like the seed's). */
  protected constructor(
    seedQueue: string | OwnQueue,
    protected readonly title: string,
    private readonly options: RabbitConsumerOptions,
  ) {
    const seed = topologyFor(options.namespace);
    const own = typeof seedQueue === 'string' ? null : { name: `${options.namespace}${seedQueue.queue}`, bindingKey: seedQueue.bindingKey, deadLetterQueue: `${options.namespace}${seedQueue.queue}.dlq` };
    this.topology = own ? { ...seed, queues: [...seed.queues, own] } : seed;
    const queue = own ?? this.topology.queues.find((q) => q.name === `${options.namespace}${seedQueue as string}`);
    if (!queue) throw new Error(`unknown seed queue ${seedQueue as string}`);
    this.source = queue.name;
    this.clock = options.clock ?? systemClock;
    this.stats = new ProcessorStats(this.clock);
    this.settings = ProcessorSettings.parse({ ...DEFAULT_SETTINGS, ...options.settings });
    this.policy = options.retryPolicy ?? RABBIT_RETRY_POLICY;
    this.dedup = new DedupWindow(options.dedupWindowMs);
    this.redactor = options.redactor ?? new Redactor();
    this.redactor.remember(options.amqp.password);
    this.random = options.random ?? Math.random;
    this.maxReconnectDelayMs = options.maxReconnectDelayMs ?? AMQP_DEADLINES.maxReconnectDelayMs;
    this.consumerPrefix = options.consumer;
    this.management = options.management ? new ManagementClient(options.management) : null;
  }

  /** Validates a delivery's bytes against the seed schema; invalid ones are dead-lettered at once. */
  protected abstract parse(content: Buffer): Parsed<T>;

  /** Handles one valid message. Return nothing when done synchronously (the fast path); throw or reject to retry. */
  protected abstract handle(value: T, context: HandlerContext): void | Promise<void>;

  /** Re-run on every (re)connect, per channel, after the queue was attached: prefetch, consume unless paused. */
  protected async setup(channel: ConfirmChannel): Promise<void> {
    await channel.prefetch(this.settings.batch);
    if (!this.isPaused) await this.consumeOn(channel);
  }

  async start(): Promise<void> {
    if (!this.isStopped) return;
    if (this.stopping) await this.stopping;
    this.isStopped = false;
    this.state = 'starting';
    await this.connect();
  }

  async pause(): Promise<void> {
    this.isPaused = true;
    await this.cancelConsumers();
    if (this.model) this.state = 'paused';
  }

  async resume(): Promise<void> {
    if (!this.isPaused) return;
    this.isPaused = false;
    if (this.isStopped || !this.model) return;
    try {
      for (const channel of this.channels) await this.consumeOn(channel);
      this.state = 'running';
    } catch (error) {
      // The channel went away meanwhile: the reconnect's setup consumes again.
      this.recordError(error);
    }
  }

  /** Idempotent: cancels the consumers, lets in-flight handlers finish (their acks included), closes. */
  stop(): Promise<void> {
    if (this.isStopped) return this.stopping ?? Promise.resolve();
    this.isStopped = true;
    this.stopping = (async () => {
      clearTimeout(this.reconnectTimer);
      await this.cancelConsumers();
      // A message waiting for its retry stays unacked: closing the channel returns it to the queue.
      this.retrySleeps.wakeAll();
      await Promise.allSettled([...this.inFlight]);
      this.flushAcks();
      const model = this.model;
      this.model = null;
      this.channels = [];
      if (model) await model.close().catch(() => undefined);
      this.state = 'stopped';
      this.stopping = null;
    })();
    return this.stopping;
  }

  /** Applies new settings (validated: throws on out-of-range values); a running consumer re-connects gracefully (in-flight work acked first) to use them. */
  async configure(settings: Partial<ProcessorSettings>): Promise<void> {
    const before = { ...this.settings };
    Object.assign(this.settings, ProcessorSettings.parse({ ...this.settings, ...settings }));
    if (this.isStopped || !this.model || (before.batch === this.settings.batch && before.concurrency === this.settings.concurrency)) return;
    this.isRecycling = true;
    try {
      await this.cancelConsumers();
      await Promise.allSettled([...this.inFlight]);
      this.flushAcks();
      const model = this.model;
      this.model = null;
      this.channels = [];
      await model?.close().catch(() => undefined);
    } finally {
      this.isRecycling = false;
    }
    await this.connect();
  }

  status(): ProcessorStatus {
    return {
      name: this.name,
      title: this.title,
      source: this.source,
      group: '',
      consumer: this.consumerPrefix ?? `${os.hostname()}-${process.pid}-${this.name}`,
      settings: { ...this.settings },
      ...this.stats.snapshot(this.state),
      ...(this.attachment?.note ? { notes: [this.attachment.note] } : {}),
    };
  }

  private async connect(): Promise<void> {
    if (this.isStopped) return;
    let model: ChannelModel;
    try {
      if (this.options.amqp.tlsSettings?.error) throw new Error(this.options.amqp.tlsSettings.error);
      model = await amqp.connect(amqpUrlWithHeartbeat(this.options.amqp.url), amqpSocketOptions(this.options.amqp));
    } catch (error) {
      this.disconnected(error);
      return;
    }
    if (this.isStopped) {
      await model.close().catch(() => undefined);
      return;
    }
    this.model = model;
    this.closeReason = null;
    model.on('error', (error: Error) => {
      this.closeReason = describeAmqpError(error);
      this.options.logger?.warn('rabbit consumer connection error', { processor: this.name, error: this.redactor.redact(this.closeReason) });
    });
    model.on('close', (error?: Error) => {
      if (this.model !== model) return;
      this.model = null;
      this.channels = [];
      this.consumerTags.clear();
      if (this.isStopped || this.isRecycling) return;
      // Closed by us after a channel error: that channel's close reason is the cause, not "connection closed".
      this.disconnected(error ?? new Error(this.closeReason ?? 'connection closed'));
    });
    try {
      const lookup = this.management ? (queue: string) => this.management!.queueDeadLetterExchange(this.options.amqp.vhost, queue) : null;
      this.attachment = await attachQueue(model, this.topology, this.source, lookup);
      if (this.attachment.note) this.options.logger?.warn(`${this.name}: ${this.attachment.note}`, { processor: this.name, queue: this.source });
      for (let i = 0; i < this.settings.concurrency; i++) {
        const channel = await model.createConfirmChannel();
        this.liveChannels.add(channel);
        this.ackBatchers.set(channel, new AckBatcher(channel));
        channel.on('error', (error: Error) => {
          this.closeReason = describeAmqpError(error);
          this.recordError(error);
        });
        channel.on('close', () => {
          this.liveChannels.delete(channel);
          // A channel lost on a live connection (e.g. a server-side channel error): start over.
          if (this.model === model && !this.isStopped && !this.isRecycling) void model.close().catch(() => undefined);
        });
        this.channels.push(channel);
        await this.setup(channel);
      }
      if (this.model !== model) return;
      this.reconnectAttempt = 0;
      this.state = this.isPaused ? 'paused' : 'running';
    } catch (error) {
      this.recordError(error);
      this.closeReason = describeAmqpError(error);
      // Closing fires 'close', which schedules the reconnect.
      if (this.model === model) await model.close().catch(() => undefined);
    }
  }

  private disconnected(error: unknown): void {
    this.recordError(error);
    if (this.isStopped) return;
    this.state = 'failing';
    this.reconnectAttempt += 1;
    const delay = retryDelayMs({ maxRetries: 0, backoff: { type: 'exponential', baseMs: RECONNECT_BASE_MS, maxMs: this.maxReconnectDelayMs }, jitter: 0.25 }, this.reconnectAttempt, this.random);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private recordError(error: unknown): void {
    this.stats.fail(this.redactor.redact(describeAmqpError(error)));
  }

  private async consumeOn(channel: ConfirmChannel): Promise<void> {
    if (this.consumerTags.has(channel)) return;
    const { consumerTag } = await channel.consume(this.source, (message) => this.onDelivery(channel, message), { noAck: false });
    this.consumerTags.set(channel, consumerTag);
  }

  private async cancelConsumers(): Promise<void> {
    const tags = [...this.consumerTags];
    this.consumerTags.clear();
    await Promise.all(tags.map(([channel, tag]) => channel.cancel(tag).catch(() => undefined)));
  }

  private onDelivery(channel: ConfirmChannel, message: ConsumeMessage | null): void {
    if (message === null) {
      // Cancelled by the broker (queue deleted): reconnect so setup declares it again.
      if (this.model && !this.isStopped) void this.model.close().catch(() => undefined);
      return;
    }
    this.ackBatchers.get(channel)?.track(message.fields.deliveryTag);
    if (message.fields.redelivered) this.stats.count('reclaimed');
    const id = deliveryId(message);
    if (this.dedup.has(id, this.clock.now())) {
      this.stats.count('duplicates');
      this.settle(channel, message, true);
      return;
    }
    const parsed = this.parse(message.content);
    if (!parsed.ok) {
      this.stats.fail(`invalid message ${id}: ${parsed.reason}`);
      this.deadLetter(channel, message, { error: `invalid message: ${parsed.reason}`, attempts: 0 });
      return;
    }
    this.stats.inFlight += 1;
    let pending: Promise<unknown> | undefined;
    try {
      pending = this.invoke(channel, message, id, parsed.value);
    } catch (error) {
      pending = Promise.reject(error);
    }
    if (!pending) {
      this.succeed(channel, message, id);
      return;
    }
    const work = this.finish(channel, message, id, parsed.value, pending);
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Runs the handler once: undefined when it finished synchronously with nothing to confirm. Throws on a synchronous failure. */
  private invoke(channel: ConfirmChannel, message: ConsumeMessage, id: string, value: T): Promise<unknown> | undefined {
    let confirms: Promise<void>[] | undefined;
    const context: HandlerContext = {
      deliveryId: id,
      message,
      publish: (exchange, routingKey, content, options) => {
        (confirms ??= []).push(publishConfirmed(channel, exchange, routingKey, content, options));
      },
    };
    let result: void | Promise<void>;
    try {
      result = this.handle(value, context);
    } catch (error) {
      // Publishes made before the throw are not waited for: keep their rejections handled.
      for (const confirm of confirms ?? []) confirm.catch(() => undefined);
      throw error;
    }
    if (!result && !confirms) return undefined;
    return Promise.all([result, ...(confirms ?? [])]);
  }

  /** The slow path: awaits the handler and its confirms, retries with backoff, dead-letters when spent. */
  private async finish(channel: ConfirmChannel, message: ConsumeMessage, id: string, value: T, first: Promise<unknown>): Promise<void> {
    let attempt = first;
    for (let failures = 1; ; failures++) {
      try {
        await attempt;
        this.succeed(channel, message, id);
        return;
      } catch (error) {
        if (error instanceof ReleaseDelivery) {
          // Given back unhandled (stopping): unacked, the broker redelivers it.
          this.stats.inFlight -= 1;
          return;
        }
        this.stats.count('failures');
        this.recordError(error);
        if (error instanceof DeadLetterNow || isExhausted(this.policy, failures)) {
          this.stats.inFlight -= 1;
          this.deadLetter(channel, message, { error: (error as Error | undefined)?.message ?? String(error), attempts: failures });
          return;
        }
        this.stats.count('retries');
        const isAwake = await this.retrySleeps.sleep(retryDelayMs(this.policy, failures, this.random));
        if (!isAwake || !this.liveChannels.has(channel)) {
          // Stopping, or the channel is gone: the broker redelivers the unacked message.
          this.stats.inFlight -= 1;
          return;
        }
        attempt = Promise.resolve().then(() => this.invoke(channel, message, id, value));
      }
    }
  }

  private succeed(channel: ConfirmChannel, message: ConsumeMessage, id: string): void {
    this.stats.inFlight -= 1;
    // Marked even if the ack is lost with the channel: the redelivery is then skipped as a duplicate.
    this.dedup.mark(id, this.clock.now());
    if (this.settle(channel, message, true)) this.stats.count('processed');
  }

  /**
   * Through the queue's DLX (a nack: RabbitMQ writes x-death, and no header can say why), or
   * published to the DLQ with the reason (`x-watchfloor-error`, `-attempts`) beside x-death.
   */
  private deadLetter(channel: ConfirmChannel, message: ConsumeMessage, why: DeadLetterWhy): void {
    const route = this.attachment?.route;
    if (route?.kind !== 'publish') {
      if (this.settle(channel, message, false)) this.stats.count('deadLettered');
      return;
    }
    const work = this.publishDeadLetter(channel, message, route.queue, { ...why, error: this.redactor.redact(why.error) });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /**
   * The queue has no DLX: the dead letter is published to `dlq` (default exchange) with an x-death
   * entry as RabbitMQ would write it, and the original acked only once the broker confirmed. A
   * failed publish requeues the original (nothing dropped); a lost channel leaves it to redelivery.
   */
  private async publishDeadLetter(channel: ConfirmChannel, message: ConsumeMessage, dlq: string, why: DeadLetterWhy): Promise<void> {
    try {
      await publishConfirmed(channel, '', dlq, message.content, deadLetterProperties(message, this.source, this.clock.now(), why));
    } catch (error) {
      this.recordError(new Error(`dead letter not published to ${dlq}, the message goes back to ${this.source}: ${describeAmqpError(error)}`));
      if (this.liveChannels.has(channel)) {
        try {
          this.ackBatchers.get(channel)?.nack(message.fields.deliveryTag, true);
        } catch {
          // The channel is gone: the broker redelivers it.
        }
      }
      return;
    }
    if (this.settle(channel, message, true)) this.stats.count('deadLettered');
  }

  /**
   * Ack (coalesced by the channel's AckBatcher, sent within the event-loop turn), or nack without
   * requeue (→ the queue's DLX) at once. False when the channel is gone (the broker redelivers).
   */
  private settle(channel: ConfirmChannel, message: ConsumeMessage, isAck: boolean): boolean {
    const batcher = this.ackBatchers.get(channel);
    if (!batcher || !this.liveChannels.has(channel)) return false;
    try {
      if (isAck) batcher.ack(message.fields.deliveryTag);
      else batcher.nack(message.fields.deliveryTag);
      return true;
    } catch {
      return false;
    }
  }

  private flushAcks(): void {
    for (const channel of this.channels) this.ackBatchers.get(channel)?.flush();
  }
}

/** The original's properties for its copy in the DLQ, with an `x-death` entry in front (count kept per queue and reason, as RabbitMQ does). */
/** Why a consumer gave a message up: the last error (or the parse failure) and the attempts made. */
interface DeadLetterWhy {
  error: string;
  attempts: number;
}

/** Longest consumer error kept in the dead letter's header (a stack trace would bloat every message). */
const ERROR_HEADER_MAX = 1024;

function deadLetterProperties(message: ConsumeMessage, queue: string, now: number, why: DeadLetterWhy): Options.Publish {
  const p = message.properties;
  const headers: Record<string, unknown> = { ...(p.headers ?? {}) };
  const earlier = Array.isArray(headers['x-death']) ? (headers['x-death'] as Record<string, unknown>[]) : [];
  const same = earlier.find((d) => String(d.queue) === queue && String(d.reason) === 'rejected');
  const entry = { queue, reason: 'rejected', count: Number(same?.count ?? 0) + 1, exchange: message.fields.exchange, 'routing-keys': [message.fields.routingKey], time: { '!': 'timestamp', value: Math.floor(now / 1000) } };
  headers['x-death'] = [entry, ...earlier.filter((d) => d !== same)];
  if (!earlier.length) Object.assign(headers, { 'x-first-death-queue': queue, 'x-first-death-reason': 'rejected', 'x-first-death-exchange': message.fields.exchange });
  Object.assign(headers, { 'x-last-death-queue': queue, 'x-last-death-reason': 'rejected', 'x-last-death-exchange': message.fields.exchange, 'x-watchfloor-dead-lettered': 'published (the queue has no dead-letter exchange)' });
  headers[DEAD_LETTER_HEADERS.error] = why.error.length > ERROR_HEADER_MAX ? `${why.error.slice(0, ERROR_HEADER_MAX - 1)}…` : why.error;
  headers[DEAD_LETTER_HEADERS.attempts] = why.attempts;
  // userId would have to match this connection's user, expiration would let the dead letter vanish: both left out.
  return {
    persistent: true,
    headers,
    contentType: p.contentType as string | undefined,
    contentEncoding: p.contentEncoding as string | undefined,
    priority: p.priority as number | undefined,
    correlationId: p.correlationId as string | undefined,
    replyTo: p.replyTo as string | undefined,
    messageId: p.messageId as string | undefined,
    timestamp: p.timestamp as number | undefined,
    type: p.type as string | undefined,
    appId: p.appId as string | undefined,
  };
}

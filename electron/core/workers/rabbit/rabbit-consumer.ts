import os from 'node:os';
import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Options } from 'amqplib';
import { ProcessorSettings, type ProcessorName, type ProcessorState, type ProcessorStatus } from '../../../../shared/model/workers';
import { topologyFor, type Topology } from '../../../../shared/model/topology';
import { AMQP_DEADLINES, amqpSocketOptions, amqpUrlWithHeartbeat } from '../../brokers/rabbitmq/amqp-connection';
import { ensureQueueTopology } from '../../demo/demo-topology';
import type { ResolvedEnvironment } from '../../environments/resolved-environment';
import { systemClock, type Clock, type Logger } from '../../ports';
import { Redactor } from '../../redaction';
import { isExhausted, retryDelayMs, SEED_MAX_RETRY_DELAY_MS, type RetryPolicy } from '../backoff';
import type { Processor } from '../processor';
import { ProcessorStats } from '../processor-stats';
import { AckBatcher } from './ack-batcher';
import { publishConfirmed } from './confirmed-publish';
import { DedupWindow } from './dedup-window';
import { deliveryId } from './message-id';
import { RetrySleeps } from './retry-sleeps';

/** An environment's AMQP connection settings (password included; never leaves the core). */
export type AmqpSettings = NonNullable<ResolvedEnvironment['amqp']>;

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

/** Options shared by every RabbitMQ processor. */
export interface RabbitConsumerOptions {
  /** The environment's AMQP settings (`ResolvedEnvironment.amqp`). */
  amqp: AmqpSettings;
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
 * A RabbitMQ competing consumer with its own connection. `setup(channel)` re-runs on every
 * (re)connect: seed topology under the namespace (declared exactly as the demo does), prefetch,
 * consume. Manual acks: a delivery is acked only after its handler finished and every publish it
 * made was confirmed; failures retry in-process with backoff, then are nacked without requeue so
 * the queue's DLX moves them to `<queue>.dlq`. Subclasses only parse and handle.
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

  protected constructor(
    seedQueue: string,
    protected readonly title: string,
    private readonly options: RabbitConsumerOptions,
  ) {
    this.topology = topologyFor(options.namespace);
    const queue = this.topology.queues.find((q) => q.name === `${options.namespace}${seedQueue}`);
    if (!queue) throw new Error(`unknown seed queue ${seedQueue}`);
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
  }

  /** Validates a delivery's bytes against the seed schema; invalid ones are dead-lettered at once. */
  protected abstract parse(content: Buffer): Parsed<T>;

  /** Handles one valid message. Return nothing when done synchronously (the fast path); throw or reject to retry. */
  protected abstract handle(value: T, context: HandlerContext): void | Promise<void>;

  /** Re-run on every (re)connect, per channel: topology (first channel only), prefetch, consume unless paused. */
  protected async setup(channel: ConfirmChannel, isFirst: boolean): Promise<void> {
    if (isFirst) await ensureQueueTopology(channel, this.topology);
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
    model.on('error', (error: Error) => this.options.logger?.warn('rabbit consumer connection error', { processor: this.name, error: this.redactor.redact(error.message) }));
    model.on('close', (error?: Error) => {
      if (this.model !== model) return;
      this.model = null;
      this.channels = [];
      this.consumerTags.clear();
      if (this.isStopped || this.isRecycling) return;
      this.disconnected(error ?? new Error('connection closed'));
    });
    try {
      for (let i = 0; i < this.settings.concurrency; i++) {
        const channel = await model.createConfirmChannel();
        this.liveChannels.add(channel);
        this.ackBatchers.set(channel, new AckBatcher(channel));
        channel.on('error', (error: Error) => this.recordError(error));
        channel.on('close', () => {
          this.liveChannels.delete(channel);
          // A channel lost on a live connection (e.g. a server-side channel error): start over.
          if (this.model === model && !this.isStopped && !this.isRecycling) void model.close().catch(() => undefined);
        });
        this.channels.push(channel);
        await this.setup(channel, i === 0);
      }
      if (this.model !== model) return;
      this.reconnectAttempt = 0;
      this.state = this.isPaused ? 'paused' : 'running';
    } catch (error) {
      this.recordError(error);
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
    this.stats.fail(this.redactor.redact(error instanceof Error ? error.message : String(error)));
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
      this.deadLetter(channel, message);
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
        this.stats.count('failures');
        this.recordError(error);
        if (isExhausted(this.policy, failures)) {
          this.stats.inFlight -= 1;
          this.deadLetter(channel, message);
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

  private deadLetter(channel: ConfirmChannel, message: ConsumeMessage): void {
    if (this.settle(channel, message, false)) this.stats.count('deadLettered');
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

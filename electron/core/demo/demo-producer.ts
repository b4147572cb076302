import type { Channel } from 'amqplib';
import type { DemoStatus } from '../../../shared/model/overview';
import { STREAM_PAYLOAD_FIELD, topologyFor, type Topology } from '../../../shared/model/topology';
import type { AmqpConnection } from '../brokers/rabbitmq/amqp-connection';
import type { RedisConnection } from '../brokers/redis/redis-connection';
import type { Clock } from '../ports';
import type { Redactor } from '../redaction';
import { CodedError } from '../../../shared/contract/errors';
import { ensureQueueTopology, ensureStreamTopology } from './demo-topology';
import { BullDemo } from './bullmq-demo';
import { seedChannels } from '../../../shared/model/pubsub';
import {
  collectedMetrics,
  createRandom,
  discoveryMessage,
  malformed,
  securityEvent,
  alertForEvent,
  securityMetric,
  securityScan,
  systemAlert,
} from './message-factory';

/** Share of messages made malformed on purpose, so the workers have something to dead-letter. */
export const MALFORMED_SHARE = 0.02;
/** Demo streams are capped (approximately) so a forgotten demo cannot fill a broker's memory. */
export const DEMO_STREAM_MAXLEN = 100_000;
const TICK_MS = 100;
/** Share of critical demo events that raise an alert. */
const ALERT_SHARE = 0.05;

type Target =
  | { broker: 'redis'; stream: keyof Topology['streams']; make: (r: () => number, now: number) => Record<string, unknown> }
  | { broker: 'amqp'; make: (r: () => number, now: number) => { routingKey: string; message: Record<string, unknown> } };

/** The traffic mix: seed 000 monitors on Redis, seed 002 scanner and collector on RabbitMQ. */
const MIX: { weight: number; target: Target }[] = [
  { weight: 0.55, target: { broker: 'redis', stream: 'security.events', make: securityEvent } },
  { weight: 0.12, target: { broker: 'redis', stream: 'security.metrics', make: securityMetric } },
  { weight: 0.06, target: { broker: 'redis', stream: 'security.scans', make: securityScan } },
  { weight: 0.12, target: { broker: 'amqp', make: (r, n) => ({ routingKey: 'discovery.new', message: discoveryMessage(r, n) }) } },
  { weight: 0.12, target: { broker: 'amqp', make: (r, n) => ({ routingKey: 'metrics.collected', message: collectedMetrics(r, n) }) } },
  { weight: 0.03, target: { broker: 'amqp', make: systemAlert } },
];

/**
 * Simulated producers for one environment. Creates the seed topology, then emits valid seed
 * messages (and a few malformed ones) at `rate` per second until stopped. Never starts by itself.
 */
export class DemoProducer {
  private timer: NodeJS.Timeout | undefined;
  private budget = 0;
  private lastTickAt = 0;
  private inFlight: Promise<void> | null = null;
  private channel: Channel | null = null;
  private readonly random = createRandom(Date.now());
  private readonly topology: Topology;
  private state: DemoStatus;
  private readonly listeners = new Set<(status: DemoStatus) => void>();
  private bull: BullDemo | null = null;
  private readonly bullPrefix: string;
  private pubsubTimer: NodeJS.Timeout | undefined;
  private alertSent = false;
  private readonly pubsubChannels: string[];

  constructor(
    private readonly envId: string,
    namespace: string,
    private readonly redis: RedisConnection | null,
    private readonly amqp: AmqpConnection | null,
    private readonly deps: { clock: Clock; redactor: Redactor },
  ) {
    this.topology = topologyFor(namespace);
    this.bullPrefix = `${namespace}bull`;
    this.pubsubChannels = seedChannels(namespace);
    this.state = { envId, running: false, rate: 0, startedAt: null, produced: { redis: 0, amqp: 0, malformed: 0 }, lastError: null };
  }

  get status(): DemoStatus {
    return structuredClone(this.state);
  }

  onStatus(listener: (status: DemoStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Creates the topology on every configured, connected broker. */
  async ensureTopology(): Promise<void> {
    if (this.redis?.isCluster) throw new CodedError('UNSUPPORTED', 'Demo traffic is not available on a Redis Cluster (it writes the seed streams in one pipeline)');
    if (!this.redis?.isReady && !this.amqp?.isReady) {
      throw Object.assign(new Error('neither Redis nor RabbitMQ is connected'), { code: 'BROKER_UNAVAILABLE' });
    }
    if (this.redis?.isReady) await ensureStreamTopology(this.redis.standaloneClient, this.topology);
    if (this.amqp?.isReady) {
      const channel = await this.amqp.connection().createChannel();
      channel.on('error', () => undefined);
      try {
        await ensureQueueTopology(channel, this.topology);
      } finally {
        await channel.close().catch(() => undefined);
      }
    }
  }

  async start(rate: number): Promise<DemoStatus> {
    await this.ensureTopology();
    this.state = { ...this.state, running: true, rate, startedAt: this.state.running ? this.state.startedAt : this.deps.clock.now(), lastError: null };
    if (!this.timer) {
      this.lastTickAt = this.deps.clock.now();
      this.timer = setInterval(() => {
        if (!this.inFlight) this.inFlight = this.tick().finally(() => (this.inFlight = null));
      }, TICK_MS);
      this.timer.unref?.();
    }
    if (this.redis?.isReady) {
      this.bull ??= new BullDemo(this.redis.standaloneClient, this.bullPrefix);
      await this.bull.start(rate);
      this.startPubSub();
    }
    this.publish();
    return this.status;
  }

  async stop(): Promise<DemoStatus> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
    const bull = this.bull;
    this.bull = null;
    await bull?.stop();
    clearInterval(this.pubsubTimer);
    this.pubsubTimer = undefined;
    const channel = this.channel;
    this.channel = null;
    await channel?.close().catch(() => undefined);
    this.state = { ...this.state, running: false };
    this.publish();
    return this.status;
  }

  /** Seed 004 notifications on the pub/sub channels, two a second: the Pub/sub screen's live tail has something to show. */
  private startPubSub(): void {
    if (this.pubsubTimer) return;
    let n = 0;
    this.pubsubTimer = setInterval(() => {
      if (!this.redis?.isReady) return;
      const at = new Date(this.deps.clock.now()).toISOString();
      const [queryResults, , cacheInvalidation] = this.pubsubChannels;
      const message =
        n++ % 2 === 0
          ? { channel: queryResults!, body: { messageType: 'QUERY_RESULT', sessionId: `session-${n % 7}`, timestamp: at, payload: { queryId: `q-${n}`, results: [], metadata: { processingTime: 12, resultCount: 0, confidence: 0.9 } } } }
          : { channel: cacheInvalidation!, body: { messageType: 'CACHE_INVALIDATION', timestamp: at, payload: { cacheKeys: [`entity:${n}`], reason: 'DATA_UPDATE', affectedServices: ['knowledge-graph'] } } };
      this.redis.client.publish(message.channel, JSON.stringify(message.body)).catch(() => undefined);
    }, 500);
    this.pubsubTimer.unref?.();
  }

  private publish(): void {
    const status = this.status;
    for (const listener of this.listeners) listener(status);
  }

  private async tick(): Promise<void> {
    const now = this.deps.clock.now();
    this.budget += (this.state.rate * (now - this.lastTickAt)) / 1000;
    this.lastTickAt = now;
    const count = Math.min(Math.floor(this.budget), Math.max(1, this.state.rate));
    if (count <= 0) return;
    this.budget -= count;
    const redisBatch: { stream: string; payload: Buffer }[] = [];
    const amqpBatch: { routingKey: string; payload: Buffer }[] = [];
    let malformedCount = 0;
    for (let i = 0; i < count; i++) {
      let roll = this.random();
      let chosen = MIX[0]!.target;
      for (const entry of MIX) {
        roll -= entry.weight;
        if (roll <= 0) {
          chosen = entry.target;
          break;
        }
      }
      if (chosen.broker === 'amqp' && !this.amqp) chosen = MIX[0]!.target;
      if (chosen.broker === 'redis' && !this.redis) chosen = MIX[3]!.target;
      const isMalformed = this.random() < MALFORMED_SHARE;
      if (isMalformed) malformedCount++;
      if (chosen.broker === 'redis') {
        const message = chosen.make(this.random, now);
        redisBatch.push({ stream: this.topology.streams[chosen.stream]!.name, payload: isMalformed ? malformed(this.random, message) : Buffer.from(JSON.stringify(message)) });
        // Some critical events become alerts (as the event processor would): the first one at
        // once, so a demo has an alert to triage, then about one in twenty.
        if (!isMalformed && chosen.stream === 'security.events' && message.severity === 'critical' && (!this.alertSent || this.random() < ALERT_SHARE)) {
          this.alertSent = true;
          redisBatch.push({ stream: this.topology.streams['security.alerts']!.name, payload: Buffer.from(JSON.stringify(alertForEvent(message, now))) });
        }
      } else {
        const { routingKey, message } = chosen.make(this.random, now);
        amqpBatch.push({ routingKey, payload: isMalformed ? malformed(this.random, message) : Buffer.from(JSON.stringify(message)) });
      }
    }
    const errors: string[] = [];
    await Promise.all([
      this.sendRedis(redisBatch).catch((error: Error) => errors.push(`Redis: ${error.message}`)),
      this.sendAmqp(amqpBatch).catch((error: Error) => errors.push(`RabbitMQ: ${error.message}`)),
    ]);
    this.state.produced.malformed += malformedCount;
    this.state.lastError = errors.length ? this.deps.redactor.redact(errors.join('; ')) : null;
  }

  private async sendRedis(batch: { stream: string; payload: Buffer }[]): Promise<void> {
    if (batch.length === 0) return;
    if (!this.redis?.isReady) throw new Error('not connected, messages skipped');
    const pipeline = this.redis.standaloneClient.pipeline();
    for (const { stream, payload } of batch) pipeline.xadd(stream, 'MAXLEN', '~', DEMO_STREAM_MAXLEN, '*', STREAM_PAYLOAD_FIELD, payload);
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([error]) => error);
    this.state.produced.redis += replies.filter(([error]) => !error).length;
    if (failed?.[0]) throw failed[0];
  }

  private async sendAmqp(batch: { routingKey: string; payload: Buffer }[]): Promise<void> {
    if (batch.length === 0) return;
    if (!this.amqp?.isReady) throw new Error('not connected, messages skipped');
    if (!this.channel) {
      const channel = await this.amqp.connection().createChannel();
      channel.on('error', () => undefined);
      channel.on('close', () => {
        if (this.channel === channel) this.channel = null;
      });
      this.channel = channel;
    }
    for (const { routingKey, payload } of batch) {
      const hasRoom = this.channel.publish(this.topology.exchange, routingKey, payload, {
        persistent: true,
        contentType: 'application/json',
        timestamp: Math.floor(this.deps.clock.now() / 1000),
        appId: 'watchfloor-demo',
      });
      this.state.produced.amqp += 1;
      if (!hasRoom) {
        // Back-pressure: wait for the channel to drain instead of buffering without bound.
        const channel = this.channel;
        await new Promise<void>((resolve) => {
          channel.once('drain', resolve);
          channel.once('close', resolve);
        });
      }
    }
  }
}

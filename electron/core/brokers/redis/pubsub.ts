import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CodedError } from '../../../../shared/contract/errors';
import { MAX_PUBLISH_BYTES } from '../../../../shared/contract/method-groups/pubsub';
import { seedChannels, type PubSubChannels, type PubSubMessage, type PubSubTailBatch } from '../../../../shared/model/pubsub';
import type { Clock, Logger } from '../../ports';
import type { Redactor } from '../../redaction';
import type { RedisConnection } from './redis-connection';
import { previewOf as previewBytes } from '../payload-preview';

/** A pub/sub message's preview: 4 KiB at most. */
export const previewOf = (bytes: Buffer) => previewBytes(bytes, PUBSUB_LIMITS.previewBytes);

export const PUBSUB_LIMITS = {
  maxTails: 16,
  /** A tail the renderer has not kept alive for this long is stopped. */
  tailTtlMs: 120_000,
  flushEveryMs: 250,
  maxPerTailPerFlush: 200,
  previewBytes: 4096,
  maxChannels: 500,
} as const;

/**
 * Active channels of the namespace with their subscriber counts, and the server's pattern
 * subscriptions, in ONE round trip (PUBSUB CHANNELS, NUMSUB and NUMPAT in a script).
 * KEYS: none. ARGV: the CHANNELS pattern, the most channels to count, then known channels.
 */
const CHANNELS_SCRIPT = `
local active = redis.call('PUBSUB', 'CHANNELS', ARGV[1])
local limit = tonumber(ARGV[2])
local names = {}
local seen = {}
for i = 1, math.min(#active, limit) do names[#names + 1] = active[i]; seen[active[i]] = true end
for i = 3, #ARGV do if not seen[ARGV[i]] then names[#names + 1] = ARGV[i] end end
local counts = {}
if #names > 0 then counts = redis.call('PUBSUB', 'NUMSUB', unpack(names)) end
return {counts, redis.call('PUBSUB', 'NUMPAT'), #active}
`;

/** Escapes glob characters of a literal prefix for PUBSUB CHANNELS / PSUBSCRIBE. */
const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

interface Tail {
  id: string;
  channel: string;
  isPattern: boolean;
  lastAliveAt: number;
  pending: PubSubMessage[];
  dropped: number;
}

/**
 * Pub/sub of one environment: the channel list, live tails on ONE subscriber connection (a
 * duplicate of the environment's, opened with the first tail and closed with the last), batched
 * to the renderer at most 4 times a second with a per-tail cap and a dropped count, and a test
 * publish limited to the environment's namespace.
 */
export class PubSubService {
  private subscriber: Redis | null = null;
  private readonly tails = new Map<string, Tail>();
  private flushTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly envId: string,
    private readonly namespace: string,
    private readonly redis: RedisConnection,
    private readonly deps: { clock: Clock; logger: Logger; redactor: Redactor },
    private readonly emit: (batches: PubSubTailBatch[]) => void,
  ) {}

  async channels(client: Redis): Promise<PubSubChannels> {
    const known = seedChannels(this.namespace);
    const [counts, numpat, activeCount] = (await client.eval(CHANNELS_SCRIPT, 0, `${escapeGlob(this.namespace)}*`, PUBSUB_LIMITS.maxChannels, ...known)) as [
      (string | number)[],
      number,
      number,
    ];
    const channels = [];
    for (let i = 0; i + 1 < counts.length; i += 2) {
      const name = String(counts[i]);
      channels.push({ name, subscribers: Number(counts[i + 1]), isKnown: known.includes(name) });
    }
    channels.sort((a, b) => b.subscribers - a.subscribers || (a.name < b.name ? -1 : 1));
    return { envId: this.envId, at: this.deps.clock.now(), channels, patternSubscriptions: Number(numpat), truncated: activeCount > PUBSUB_LIMITS.maxChannels };
  }

  async startTail(channel: string, isPattern: boolean): Promise<{ tailId: string; channel: string; isPattern: boolean }> {
    this.assertInNamespace(channel);
    if (this.tails.size >= PUBSUB_LIMITS.maxTails) throw new CodedError('CONFLICT', `at most ${PUBSUB_LIMITS.maxTails} live tails per environment; stop one first`);
    if (!this.redis.isReady) throw new CodedError('BROKER_UNAVAILABLE', 'Redis is not connected');
    const subscriber = this.ensureSubscriber();
    const isFirstOnTarget = ![...this.tails.values()].some((t) => t.channel === channel && t.isPattern === isPattern);
    const tail: Tail = { id: randomUUID(), channel, isPattern, lastAliveAt: this.deps.clock.now(), pending: [], dropped: 0 };
    this.tails.set(tail.id, tail);
    if (isFirstOnTarget) {
      try {
        await (isPattern ? subscriber.psubscribe(channel) : subscriber.subscribe(channel));
      } catch (error) {
        this.tails.delete(tail.id);
        throw new CodedError('BROKER_ERROR', `could not subscribe to ${channel}: ${this.deps.redactor.redact((error as Error).message)}`);
      }
    }
    this.ensureTimers();
    return { tailId: tail.id, channel, isPattern };
  }

  async stopTail(tailId: string): Promise<boolean> {
    const tail = this.tails.get(tailId);
    if (!tail) return false;
    this.tails.delete(tailId);
    const isStillWanted = [...this.tails.values()].some((t) => t.channel === tail.channel && t.isPattern === tail.isPattern);
    if (!isStillWanted && this.subscriber) {
      await (tail.isPattern ? this.subscriber.punsubscribe(tail.channel) : this.subscriber.unsubscribe(tail.channel)).catch(() => undefined);
    }
    if (this.tails.size === 0) this.closeSubscriber();
    return true;
  }

  keepAlive(tailIds: readonly string[]): string[] {
    const now = this.deps.clock.now();
    const alive: string[] = [];
    for (const id of tailIds) {
      const tail = this.tails.get(id);
      if (tail) {
        tail.lastAliveAt = now;
        alive.push(id);
      }
    }
    return alive;
  }

  async publish(client: Redis, channel: string, message: string): Promise<number> {
    this.assertInNamespace(channel);
    if (Buffer.byteLength(message) > MAX_PUBLISH_BYTES) throw new CodedError('VALIDATION', `a test message is at most ${MAX_PUBLISH_BYTES / 1024} KiB`);
    return Number(await client.publish(channel, message));
  }

  /** Active tails (for tests and diagnostics). */
  get tailCount(): number {
    return this.tails.size;
  }

  get hasSubscriber(): boolean {
    return this.subscriber !== null;
  }

  /** Runs the expiry now (tests use a fake clock). */
  expire(): void {
    const now = this.deps.clock.now();
    for (const tail of [...this.tails.values()]) {
      if (now - tail.lastAliveAt > PUBSUB_LIMITS.tailTtlMs) void this.stopTail(tail.id);
    }
  }

  async close(): Promise<void> {
    this.tails.clear();
    this.closeSubscriber();
  }

  private assertInNamespace(channel: string): void {
    if (this.namespace !== '' && !channel.startsWith(this.namespace)) {
      throw new CodedError('VALIDATION', `channel "${channel}" is outside this environment's namespace "${this.namespace}"`);
    }
  }

  private ensureSubscriber(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.redis.standaloneClient.duplicate({ enableOfflineQueue: true });
    subscriber.on('error', (error: Error) => this.deps.logger.warn(`pubsub subscriber ${this.envId}: ${this.deps.redactor.redact(error.message)}`));
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel.toString(), null, message));
    subscriber.on('pmessageBuffer', (pattern: Buffer, channel: Buffer, message: Buffer) => this.receive(channel.toString(), pattern.toString(), message));
    this.subscriber = subscriber;
    return subscriber;
  }

  private receive(channel: string, pattern: string | null, bytes: Buffer): void {
    const at = this.deps.clock.now();
    let message: PubSubMessage | null = null;
    for (const tail of this.tails.values()) {
      const matches = tail.isPattern ? tail.channel === pattern : pattern === null && tail.channel === channel;
      if (!matches) continue;
      if (tail.pending.length >= PUBSUB_LIMITS.maxPerTailPerFlush) {
        tail.dropped++;
        continue;
      }
      message ??= { channel, pattern, at, ...previewOf(bytes) };
      tail.pending.push(message);
    }
  }

  private ensureTimers(): void {
    if (!this.flushTimer) {
      this.flushTimer = setInterval(() => this.flush(), PUBSUB_LIMITS.flushEveryMs);
      this.flushTimer.unref?.();
    }
    if (!this.expiryTimer) {
      this.expiryTimer = setInterval(() => this.expire(), 10_000);
      this.expiryTimer.unref?.();
    }
  }

  private flush(): void {
    const batches: PubSubTailBatch[] = [];
    for (const tail of this.tails.values()) {
      if (tail.pending.length === 0 && tail.dropped === 0) continue;
      batches.push({ envId: this.envId, tailId: tail.id, messages: tail.pending, dropped: tail.dropped });
      tail.pending = [];
      tail.dropped = 0;
    }
    if (batches.length > 0) this.emit(batches);
  }

  private closeSubscriber(): void {
    clearInterval(this.flushTimer);
    clearInterval(this.expiryTimer);
    this.flushTimer = undefined;
    this.expiryTimer = undefined;
    this.subscriber?.disconnect();
    this.subscriber = null;
  }
}

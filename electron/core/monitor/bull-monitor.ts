import { Queue, type JobType } from 'bullmq';
import type { Redis } from 'ioredis';
import { BULL_COUNT_KEYS, bullPrefix, type BullCountKey, type BullOverview, type BullQueueHistory, type BullQueueInfo } from '../../../shared/model/bullmq';
import { isDeadLetterName } from '../../../shared/model/topology';
import { EntityHistoryStore } from './entity-history';
import type { Clock, Logger } from '../ports';
import type { Redactor } from '../redaction';
import type { RedisConnection } from '../brokers/redis/redis-connection';

export interface BullMonitorOptions {
  tickMs: number;
  discoveryEveryMs: number;
  /** A tick that has not answered by then is abandoned (the data goes stale, ticks do not pile up). */
  tickTimeoutMs: number;
  maxQueues: number;
  scanCount: number;
  maxScanSteps: number;
}

export const DEFAULT_BULL_OPTIONS: BullMonitorOptions = { tickMs: 2000, discoveryEveryMs: 30_000, tickTimeoutMs: 5000, maxQueues: 200, scanCount: 200, maxScanSteps: 100 };

/** `getJobCounts` names, in the order of BULL_COUNT_KEYS. */
const JOB_TYPES: JobType[] = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed', 'waiting-children'];
const SPECS = BULL_COUNT_KEYS.map((key) => ({ key, label: key, unit: 'jobs' as const }));

/** Seed 003's DLQ naming: `{queue}-dlq`. */

/**
 * The BullMQ queues of one environment: found with a bounded `SCAN MATCH {prefix}:*:meta`, counted
 * through the `bullmq` package (`getJobCounts`, `isPaused`) on one connection of its own (so the
 * library's scripts and listeners stay off the monitor's), every `tickMs`, with an hour of history.
 * Monitoring writes nothing: queues are opened with `skipMetasUpdate`.
 */
export class BullMonitor {
  readonly prefix: string;
  readonly history = new EntityHistoryStore<BullCountKey, 'jobs'>(SPECS);
  private connection: Redis | null = null;
  private readonly queues = new Map<string, Queue>();
  private names: string[] = [];
  private items: BullQueueInfo[] | null = null;
  private lastSuccessAt: number | null = null;
  private lastDiscoveryAt = 0;
  private truncated = false;
  /** A discovery cycle in progress over a large keyspace: where its SCAN goes on, what it found so far. */
  private scanCursor = '0';
  private cycleFound = new Set<string>();
  private inFlight = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly createdAt: number;
  private readonly listeners = new Set<(overview: BullOverview) => void>();

  constructor(
    private readonly envId: string,
    namespace: string,
    private readonly redis: RedisConnection,
    private readonly deps: { clock: Clock; logger: Logger; redactor: Redactor },
    private readonly options: BullMonitorOptions = DEFAULT_BULL_OPTIONS,
  ) {
    this.prefix = bullPrefix(namespace);
    this.createdAt = deps.clock.now();
    redis.onStatus(() => this.emit());
  }

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.tickMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.queues.clear();
    this.connection?.disconnect();
    this.connection = null;
  }

  onOverview(listener: (overview: BullOverview) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Makes the next tick rescan (after an action or the demo created queues). */
  requestDiscovery(): void {
    this.lastDiscoveryAt = 0;
    this.scanCursor = '0';
    this.cycleFound = new Set();
  }

  snapshot(): BullOverview {
    const now = this.deps.clock.now();
    const status = this.redis.status;
    const isConnected = status.state === 'connected';
    const last = this.lastSuccessAt ?? this.createdAt;
    return {
      envId: this.envId,
      at: now,
      status,
      prefix: this.prefix,
      queues: this.items,
      staleSince: this.items !== null && (!isConnected || now - last > this.options.tickMs * 2.5) ? last : null,
      truncated: this.truncated,
    };
  }

  /** The queue object for an action; NOT_FOUND-worthy when the queue is not known. */
  queue(name: string): Queue | null {
    return this.names.includes(name) ? this.open(name) : null;
  }

  historyOf(name: string, now: number, windowSeconds: number, maxPoints: number): BullQueueHistory {
    return { queue: name, ...this.history.query(name, now, windowSeconds, maxPoints) };
  }

  /** One tick: rediscover when due, then count every queue. Skipped (not queued) while one runs. */
  async tick(): Promise<void> {
    if (this.stopped || this.inFlight || !this.redis.isReady) {
      this.emit();
      return;
    }
    this.inFlight = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.sample(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`BullMQ tick timed out after ${this.options.tickTimeoutMs} ms`)), this.options.tickTimeoutMs);
        }),
      ]);
    } catch (error) {
      this.deps.logger.warn(`bullmq monitor ${this.envId}: ${this.deps.redactor.redact(error instanceof Error ? error.message : String(error))}`);
    } finally {
      clearTimeout(timer);
      this.inFlight = false;
    }
    this.emit();
  }

  private async sample(): Promise<void> {
    const now = this.deps.clock.now();
    const client = this.redis.standaloneClient;
    const gone: string[] = [];
    const isMidCycle = this.scanCursor !== '0';
    if (isMidCycle || now - this.lastDiscoveryAt >= this.options.discoveryEveryMs || this.items === null) {
      gone.push(...(await this.discover(client)));
      if (!isMidCycle) this.lastDiscoveryAt = now;
    }
    // Whether each queue still exists (its meta hash), pipelined: a deleted queue is gone, not empty.
    const exists = client.pipeline();
    for (const name of this.names) exists.exists(`${this.prefix}:${name}:meta`);
    const alive = this.names.length === 0 ? [] : ((await exists.exec()) ?? []);
    const live = this.names.filter((name, i) => {
      const isAlive = Number(alive[i]?.[1] ?? 0) > 0;
      if (!isAlive) gone.push(name);
      return isAlive;
    });
    for (const name of gone) void this.forget(name);
    this.names = live;
    const infos = await Promise.all(
      live.map(async (name): Promise<BullQueueInfo> => {
        const queue = this.open(name);
        const [counts, isPaused] = await Promise.all([queue.getJobCounts(...JOB_TYPES), queue.isPaused()]);
        const number = (type: JobType) => Number(counts[type] ?? 0);
        return {
          name,
          waiting: number('waiting'),
          active: number('active'),
          delayed: number('delayed'),
          prioritized: number('prioritized'),
          failed: number('failed'),
          completed: number('completed'),
          waitingChildren: number('waiting-children'),
          isPaused,
          isDeadLetter: isDeadLetterName(name),
        };
      }),
    );
    infos.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const at = this.deps.clock.now();
    this.history.record(at, infos, gone);
    this.items = infos;
    this.lastSuccessAt = at;
  }

  /** Whether discovery has finished one pass over the keyspace (one-shot CLI commands wait for it). */
  get hasDiscoveredQueues(): boolean {
    return this.hasCompletedScan;
  }

  private hasCompletedScan = false;

  /**
   * Bounded SCAN for `{prefix}:*:meta`: at most `maxScanSteps` steps and `maxQueues` queues.
   * Returns the known queues that are no longer there (deleted).
   */
  private async discover(client: Redis): Promise<string[]> {
    // A large keyspace is covered over several ticks (at most `maxScanSteps` SCAN calls each), so
    // one tick stays bounded and every queue is still found.
    const found = this.cycleFound;
    const head = `${this.prefix}:`;
    let cursor = this.scanCursor;
    let steps = 0;
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(this.prefix)}:*:meta`, 'COUNT', this.options.scanCount);
      cursor = next;
      for (const key of keys) {
        const name = key.slice(head.length, key.length - ':meta'.length);
        if (name !== '' && !name.includes(':')) found.add(name);
      }
      steps++;
    } while (cursor !== '0' && steps < this.options.maxScanSteps && found.size < this.options.maxQueues);
    if (cursor !== '0' && found.size < this.options.maxQueues) {
      // Not done: show what was found so far, forget nothing, go on at the next tick.
      this.scanCursor = cursor;
      this.names = [...new Set([...this.names, ...found])].sort().slice(0, this.options.maxQueues);
      return [];
    }
    this.scanCursor = '0';
    this.cycleFound = new Set();
    this.hasCompletedScan = true;
    const isTruncated = cursor !== '0' || found.size > this.options.maxQueues;
    this.truncated = isTruncated;
    const names = [...found].sort().slice(0, this.options.maxQueues);
    // A truncated scan proves nothing about the queues it did not reach.
    const vanished = isTruncated ? [] : this.names.filter((old) => !found.has(old));
    for (const old of vanished) void this.forget(old);
    this.names = isTruncated ? [...new Set([...this.names, ...names])].sort().slice(0, this.options.maxQueues) : names;
    return vanished;
  }

  private open(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.bullConnection(), prefix: this.prefix, skipMetasUpdate: true, skipVersionCheck: true });
      queue.on('error', (error) => this.deps.logger.warn(`bullmq queue ${name}: ${this.deps.redactor.redact(error.message)}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  private async forget(name: string): Promise<void> {
    const queue = this.queues.get(name);
    this.queues.delete(name);
    await queue?.close().catch(() => undefined);
  }

  /** One connection for every Queue object of this environment, a duplicate of the monitor's. */
  private bullConnection(): Redis {
    if (!this.connection) {
      this.connection = this.redis.standaloneClient.duplicate({ maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: false });
      this.connection.setMaxListeners(0);
      this.connection.on('error', () => undefined); // the monitor's own connection reports broker failures
    }
    return this.connection;
  }

  private emit(): void {
    if (this.stopped) return;
    const overview = this.snapshot();
    for (const listener of this.listeners) listener(overview);
  }
}

/** Escapes SCAN glob characters in a literal prefix. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

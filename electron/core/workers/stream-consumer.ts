import { isCluster, type RedisClient } from '../brokers/redis/redis-client';
import type { CommitStep } from './cluster-commit';
import { consumerScope } from './consumer-scope';
import type { ProcessorName, ProcessorSettings, ProcessorStatus } from '../../../shared/model/workers';
import { STREAM_PAYLOAD_FIELD } from '../../../shared/model/topology';
import type { Clock, Logger } from '../ports';
import type { PayloadKeyring } from '../payload-crypto';
import { handleBatch, type BatchParts } from './consumer-commit';
import { Retries } from './consumer-dead-letter';
import { keepPending } from './keep-pending';
import type { Processor } from './processor';
import { ProcessorStats } from './processor-stats';
import type { StreamHandler, StreamMessage } from './stream-handler';
import { withScripts, type ScriptClient, type ScriptScope } from './stream-scripts';

export interface StreamConsumerOptions {
  name: ProcessorName;
  title: string;
  stream: string;
  group: string;
  /** `host-pid`: each loop consumes as `<prefix>-<name>-<n>`. */
  consumerPrefix: string;
  /** `{namespace}watchfloor:workers:` — dedup marks and retry counters live under it. */
  keyPrefix: string;
  handler: StreamHandler;
  settings: ProcessorSettings;
  /** A new connection for one loop (it blocks on XREADGROUP); the consumer closes it. A `Cluster` when `cluster`. */
  createClient: () => RedisClient;
  /** A Redis Cluster: the commit is split by slot (cluster-commit.ts), its marks beside each stream. */
  cluster?: boolean;
  /** How long the cluster commit's written / dead-letter marks live (default: see `markTtlMs`). */
  commitMarkTtlMs?: number;
  /** Test hook (cluster): called at each step of a batch's commit. */
  onCommitStep?: (step: CommitStep) => Promise<void> | void;
  clock: Clock;
  logger: Logger;
  /** XREADGROUP BLOCK, ms. */
  blockMs?: number;
  /** Seed `max_processing_time`: entries idle this long in another consumer are taken over. */
  reclaimIdleMs?: number;
  /** How often each loop looks for such entries. */
  reclaimEveryMs?: number;
  /** Seed: duplicates of an event id within 5 minutes are skipped. */
  dedupWindowMs?: number;
  /**
   * The environment's payload keys: encrypted inputs (seed 001 AES-256-GCM envelopes) reach the
   * handler decrypted, the `data` field of every output is encrypted with the current key, and an
   * input no key opens is dead-lettered at once with why ("cannot decrypt: authentication
   * failed"), its ciphertext unchanged. Plaintext inputs are handled as they are.
   */
  payloadKeys?: PayloadKeyring | null;
  /**
   * Where a group this consumer creates begins: the stream's first entry (`true`: its whole
   * history is processed) or its end (the seed's `$`, the default: only entries added from now).
   * A group that exists already keeps its position either way.
   */
  fromStart?: boolean;
  /** Test hook: called after a batch was handled and before it is committed. */
  beforeCommit?: (messages: StreamMessage[]) => Promise<void> | void;
}

type RawEntry = [Buffer, Buffer[] | null];

const DEFAULTS = { blockMs: 1000, reclaimIdleMs: 30_000, reclaimEveryMs: 5000, dedupWindowMs: 300_000 } as const;
/** How long `prepare` waits for Redis before leaving the group to the loops (they retry until it exists). */
const PREPARE_TIMEOUT_MS = 3000;

/** Creates the consumer group unless it exists (an existing one keeps its position); resolves to whether it was created. */
export async function createGroup(redis: RedisClient, stream: string, group: string, fromStart: boolean): Promise<boolean> {
  try {
    await redis.xgroup('CREATE', stream, group, fromStart ? '0' : '$', 'MKSTREAM');
    return true;
  } catch (error) {
    if (String((error as Error).message).includes('BUSYGROUP')) return false;
    throw error;
  }
}

/**
 * One Redis Streams processor: `concurrency` loops, each with its own connection and consumer
 * name, read batches (`XREADGROUP COUNT batch`, Buffer replies), hand them to the handler, and
 * commit each batch in one script (outputs + dedup marks + one multi-id XACK). The next read is
 * sent right behind the commit on the same connection, so a batch costs one round trip.
 * Failures retry after the policy's backoff (the entry stays pending meanwhile); past
 * `maxRetries` — or at once when invalid — the entry is dead-lettered with its bytes unchanged.
 * Entries idle longer than `reclaimIdleMs` (a consumer that died) are taken over with XAUTOCLAIM.
 * This file is the loop; the commit step is `consumer-commit.ts`, retries and dead letters are
 * `consumer-dead-letter.ts`.
 */
export class StreamConsumer implements Processor {
  readonly name: ProcessorName;
  private readonly stats: ProcessorStats;
  private readonly scope: ScriptScope;
  private readonly loops: ConsumerLoop[] = [];
  private settings: ProcessorSettings;
  private state: ProcessorStatus['state'] = 'stopped';
  private isPaused = false;
  private resumeWaiters: (() => void)[] = [];

  constructor(private readonly options: StreamConsumerOptions) {
    this.name = options.name;
    this.settings = { ...options.settings };
    this.stats = new ProcessorStats(options.clock);
    this.scope = consumerScope(options, DEFAULTS);
  }

  /**
   * Creates the group before any processor of this start consumes, so what one processor writes
   * for another (an alert for the alert processor) is not missed by a group created at `$` a moment
   * later. Bounded: with Redis down the loops create the group once it is back.
   */
  async prepare(): Promise<void> {
    if (this.loops.length) return;
    const client = this.options.createClient();
    client.on('error', () => undefined);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        createGroup(client, this.options.stream, this.options.group, this.options.fromStart ?? false),
        new Promise((resolve) => (timer = setTimeout(resolve, PREPARE_TIMEOUT_MS))),
      ]).catch(() => undefined);
    } finally {
      clearTimeout(timer);
      client.disconnect(false);
    }
  }

  async start(): Promise<void> {
    if (this.loops.length) return;
    this.state = 'starting';
    this.isPaused = false;
    await this.scale(this.settings.concurrency);
  }

  async pause(): Promise<void> {
    this.isPaused = true;
  }

  async resume(): Promise<void> {
    this.isPaused = false;
    for (const wake of this.resumeWaiters.splice(0)) wake();
  }

  async stop(): Promise<void> {
    // A paused loop waits for a resume: release it first, or it never sees that it should end.
    this.isPaused = false;
    for (const wake of this.resumeWaiters.splice(0)) wake();
    await this.scale(0);
    this.state = 'stopped';
    await this.options.handler.close?.().catch(() => undefined);
  }

  async configure(settings: Partial<ProcessorSettings>): Promise<void> {
    this.settings = { ...this.settings, ...settings };
    if (this.loops.length) await this.scale(this.settings.concurrency);
  }

  status(): ProcessorStatus {
    const loopState = this.loops.some((l) => l.isFailing) ? 'failing' : this.isPaused ? 'paused' : this.loops.some((l) => l.isReady) ? 'running' : this.state;
    return {
      name: this.name,
      title: this.options.title,
      source: this.options.stream,
      group: this.options.group,
      consumer: `${this.options.consumerPrefix}-${this.name}`,
      settings: { ...this.settings },
      ...this.stats.snapshot(this.loops.length ? loopState : 'stopped'),
      ...(this.options.handler.openCircuits ? { openCircuits: this.options.handler.openCircuits() } : {}),
    };
  }

  /** Runs `n` loops: new ones start, surplus ones finish their batch and close. */
  private async scale(n: number): Promise<void> {
    while (this.loops.length < n) {
      const loop = new ConsumerLoop(this, `${this.options.consumerPrefix}-${this.name}-${this.loops.length + 1}`);
      this.loops.push(loop);
      loop.start();
    }
    const surplus = this.loops.splice(n);
    await Promise.all(surplus.map((loop) => loop.stop()));
  }

  /** For the loops: the shared parts. */
  get internals() {
    return { options: this.options, stats: this.stats, scope: this.scope, settings: () => this.settings };
  }

  /** Resolves when not paused. */
  waitWhilePaused(): Promise<void> {
    if (!this.isPaused) return Promise.resolve();
    return new Promise((resolve) => this.resumeWaiters.push(resolve));
  }

  get paused(): boolean {
    return this.isPaused;
  }
}

/** One consumer of the group: a connection, a read/handle/commit loop, and its pending retries. */
class ConsumerLoop {
  isFailing = false;
  isReady = false;
  private isRunning = false;
  private done: Promise<void> = Promise.resolve();
  private readonly redis: ScriptClient;
  /** Failed attempts waiting for their backoff, and the DLQ past the retry cap. */
  private readonly retries: Retries;
  /** What the commit step of a batch uses. */
  private readonly batchParts: BatchParts;
  private lastReclaim = 0;
  private wake: (() => void) | null = null;
  /** Resolves when stop() is called: a loop waiting out a pause must see it (fewer loops while paused). */
  private readonly stopRequested: Promise<void>;
  private requestStop: () => void = () => undefined;

  constructor(
    private readonly owner: StreamConsumer,
    private readonly consumer: string,
  ) {
    this.stopRequested = new Promise((resolve) => (this.requestStop = resolve));
    const client = owner.internals.options.createClient();
    // The commit's shape follows the profile; a client of the other kind would commit wrongly.
    if (isCluster(client) !== Boolean(owner.internals.options.cluster)) throw new Error(`worker ${owner.name}: the client is ${isCluster(client) ? 'a cluster' : 'one server'}, the consumer was set up for ${owner.internals.options.cluster ? 'a cluster' : 'one server'}`);
    this.redis = withScripts(client);
    this.redis.on('error', (error: Error) => {
      this.isFailing = true;
      owner.internals.stats.fail(`Redis: ${error.message}`);
    });
    this.redis.on('ready', () => {
      this.isReady = true;
      this.isFailing = false;
    });
    this.redis.on('close', () => {
      this.isReady = false;
    });
    const { options, stats, scope } = owner.internals;
    this.retries = new Retries(this.redis, owner.internals);
    this.batchParts = { redis: this.redis, retries: this.retries, options, stats, scope, claimTtlMs: options.reclaimIdleMs ?? DEFAULTS.reclaimIdleMs };
  }

  start(): void {
    this.isRunning = true;
    this.done = this.run();
  }

  /** Finishes the batch in hand, then closes. Retries not yet due stay pending for another consumer. */
  async stop(): Promise<void> {
    this.isRunning = false;
    this.requestStop();
    this.wake?.();
    await this.done;
    this.retries.drop();
    this.redis.disconnect(false);
  }

  private async run(): Promise<void> {
    const { settings } = this.owner.internals;
    let failures = 0;
    let commit: Promise<void> = Promise.resolve();
    /** The next batch, read without blocking while this one is handled (Redis and Node work side by side). */
    let prefetched: Promise<StreamMessage[]> | null = null;
    await this.ensureGroup();
    while (this.isRunning) {
      try {
        if (!prefetched) await Promise.race([this.owner.waitWhilePaused(), this.stopRequested]);
        if (!this.isRunning) break;
        const due = this.retries.takeDue(settings().batch);
        let batch: StreamMessage[];
        if (due.length) {
          await commit;
          batch = due;
        } else if (prefetched) {
          batch = await prefetched;
          prefetched = null;
        } else {
          const read = this.isReclaimDue() ? this.reclaim() : this.read(true);
          const [, messages] = await Promise.all([commit, read]);
          batch = messages;
        }
        failures = 0;
        this.isFailing = false;
        if (!batch.length) continue;
        // A full batch means more is waiting: ask for it now, sent ahead of this batch's commit.
        // Not when pausing, stopping or due to look for abandoned entries.
        // One commit outstanding at most: one batch in hand, one read ahead.
        await commit;
        if (batch.length >= settings().batch && this.isRunning && !this.owner.paused && !this.isReclaimDue(false)) {
          prefetched = this.read(false);
          // Dropped unawaited when a later step fails: its rejection must not go unhandled.
          prefetched.catch(() => undefined);
        }
        commit = handleBatch(this.batchParts, batch).catch((error: unknown) => this.onError(error));
      } catch (error) {
        this.onError(error);
        commit = Promise.resolve();
        prefetched = null;
        failures += 1;
        this.isFailing = true;
        if (String((error as Error).message).includes('NOGROUP')) await this.ensureGroup();
        await this.sleep(Math.min(200 * failures, 2000));
      }
    }
    // Stopping: the batch read ahead is in hand too — finish it rather than leave it to a reclaim.
    const last = await prefetched?.catch(() => []);
    await commit.catch(() => undefined);
    if (last?.length) await handleBatch(this.batchParts, last).catch((error: unknown) => this.onError(error));
  }

  private onError(error: unknown): void {
    const { stats, options } = this.owner.internals;
    const message = error instanceof Error ? error.message : String(error);
    stats.fail(message);
    if (this.isRunning) options.logger.warn(`worker ${options.name}: ${message}`);
  }

  private async ensureGroup(): Promise<void> {
    const { scope, options } = this.owner.internals;
    for (let attempt = 1; this.isRunning; attempt++) {
      try {
        await createGroup(this.redis, scope.stream, scope.group, options.fromStart ?? false);
        return;
      } catch (error) {
        this.isFailing = true;
        this.onError(error);
        await this.sleep(Math.min(200 * attempt, 2000));
      }
    }
  }

  /** Whether it is time to look for abandoned entries; `take` starts the next interval. */
  private isReclaimDue(take = true): boolean {
    const { options } = this.owner.internals;
    const now = options.clock.now();
    if (now - this.lastReclaim < (options.reclaimEveryMs ?? DEFAULTS.reclaimEveryMs)) return false;
    if (take) this.lastReclaim = now;
    return true;
  }

  /** New entries; `block` waits for some (never while a commit is queued behind it on this connection). */
  private async read(block: boolean): Promise<StreamMessage[]> {
    const { scope, settings, options } = this.owner.internals;
    const reply = (
      block
        ? await this.redis.xreadgroupBuffer('GROUP', scope.group, this.consumer, 'COUNT', settings().batch, 'BLOCK', this.blockMs(options), 'STREAMS', scope.stream, '>')
        : await this.redis.xreadgroupBuffer('GROUP', scope.group, this.consumer, 'COUNT', settings().batch, 'STREAMS', scope.stream, '>')
    ) as [Buffer, RawEntry[]][] | null;
    return (reply?.[0]?.[1] ?? []).flatMap((entry) => toMessage(entry, 0));
  }

  private blockMs(options: StreamConsumerOptions): number {
    // Wake in time for the next due retry.
    return this.retries.blockMs(options.blockMs ?? DEFAULTS.blockMs);
  }

  /** Takes over entries idle past `reclaimIdleMs` (their consumer died or hung), with their retry counts. */
  private async reclaim(): Promise<StreamMessage[]> {
    const { scope, settings, options, stats } = this.owner.internals;
    // Entries waiting here (backoff, open circuit) are not abandoned: keep other consumers off them.
    await keepPending(this.redis, scope.stream, scope.group, this.consumer, this.retries.ids());
    const reply = (await this.redis.callBuffer('XAUTOCLAIM', scope.stream, scope.group, this.consumer, options.reclaimIdleMs ?? DEFAULTS.reclaimIdleMs, '0-0', 'COUNT', settings().batch)) as [Buffer, RawEntry[], Buffer[]?];
    const entries = reply[1].filter((e) => !this.retries.has(e[0].toString()));
    // Entries deleted from the stream while pending come back with null fields: acknowledge them.
    const gone = entries.filter((e) => !e[1]).map((e) => e[0].toString());
    if (gone.length) await this.redis.xack(scope.stream, scope.group, ...gone);
    const live = entries.filter((e) => e[1]);
    if (!live.length) return [];
    const counts = await this.redis.hmget(scope.attemptsKey, ...live.map((e) => e[0].toString()));
    stats.count('reclaimed', live.length);
    return live.flatMap((entry, i) => toMessage(entry, Number(counts[i] ?? 0)));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}

/** A raw entry as a message; entries deleted while pending (null fields) yield nothing. */
function toMessage([id, fields]: RawEntry, attempts: number): StreamMessage[] {
  if (!fields) return [];
  let payload: Buffer | null = null;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i]!.length === STREAM_PAYLOAD_FIELD.length && fields[i]!.toString() === STREAM_PAYLOAD_FIELD) {
      payload = fields[i + 1]!;
      break;
    }
  }
  return [{ id: id.toString(), fields, payload, attempts }];
}

import type { Redis } from 'ioredis';
import { SecurityMetric } from '../../../../shared/schemas/security-streams';
import { SEED_RETRY_POLICIES, type RetryPolicy } from '../backoff';
import type { Outcome, StreamHandler, StreamMessage } from '../stream-handler';
import { hashIncrements, MetricsAggregate } from './metrics-aggregate';
import { METRICS_RETENTION_MS, METRICS_RETENTION_SEC, minuteHashKey, minuteOf, minutesIndexKey } from './metrics-keys';
import { parsePayload } from './parse-payload';

/** Seed 000: the consumer group of `security.metrics` that aggregates. */
export const METRICS_AGGREGATOR_GROUP = 'metrics-aggregator';

/** Samples stamped further ahead than this are skipped: a producer's broken clock must not fill the index with future minutes. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

export interface MetricsHandlerOptions {
  /** Clock (epoch ms), injected so retention is testable. */
  now?: () => number;
}

/**
 * The metrics processor (seed 000 `security.metrics`, group `metrics-aggregator`): each sample goes
 * into a log-bucket histogram per (asset, metric, minute of its timestamp) kept in Redis, so any
 * number of workers aggregate into the same windows exactly (counters only add).
 *
 * A batch is aggregated in memory, then written as ONE MULTI (HINCRBY, HINCRBYFLOAT, EXPIRE, ZADD),
 * so a batch counts entirely or not at all. Effectful: it writes itself, before the engine acks.
 * Delivery is at-least-once and seed metrics carry no id (dedupId null): a batch redelivered after
 * its MULTI but before its ack — a worker killed in between — counts its samples twice.
 */
export class MetricsHandler implements StreamHandler {
  readonly mode = 'effectful' as const;
  private readonly deadLetters: string;
  private readonly indexKey: string;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
    options: MetricsHandlerOptions = {},
  ) {
    this.deadLetters = `${namespace}security.metrics.dlq`;
    this.indexKey = minutesIndexKey(namespace);
    this.now = options.now ?? Date.now;
  }

  dedupId(_message: StreamMessage): string | null {
    return null;
  }

  /**
   * `done` for every sample counted, `invalid` for a malformed message, `skip` for a valid one
   * stamped outside the kept window (older than 2 h, or too far ahead): acknowledged, not counted.
   * When the write fails, every message that would have counted gets `retry` (nothing was counted).
   */
  async handle(messages: StreamMessage[]): Promise<Outcome[]> {
    const now = this.now();
    const oldestMinute = minuteOf(now - METRICS_RETENTION_MS);
    const aggregate = new MetricsAggregate();
    const outcomes: Outcome[] = messages.map((message) => {
      const parsed = parsePayload(message, SecurityMetric);
      if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
      const at = Date.parse(parsed.value.timestamp);
      if (minuteOf(at) < oldestMinute || at > now + MAX_FUTURE_SKEW_MS) return { kind: 'skip' };
      aggregate.addMessage(parsed.value);
      return { kind: 'done' };
    });
    if (aggregate.isEmpty) return outcomes;
    try {
      await this.write(aggregate, now);
      return outcomes;
    } catch (error) {
      const reason = `metrics write: ${(error as Error).message}`;
      return outcomes.map((outcome) => (outcome.kind === 'done' ? { kind: 'retry', error: reason } : outcome));
    }
  }

  /** Seed 000 gives no policy for metrics; the event processors' (3 retries, exponential) covers a Redis blip. */
  retryPolicy(_message: StreamMessage): RetryPolicy {
    return SEED_RETRY_POLICIES.events;
  }

  deadLetterStream(_message: StreamMessage): string {
    return this.deadLetters;
  }

  private async write(aggregate: MetricsAggregate, now: number): Promise<void> {
    const multi = this.redis.multi();
    for (const series of aggregate.series()) {
      const key = minuteHashKey(this.namespace, series.minute);
      for (const { field, by, isFloat } of hashIncrements(series)) {
        if (isFloat) multi.hincrbyfloat(key, field, by);
        else multi.hincrby(key, field, by);
      }
    }
    for (const minute of aggregate.minutes()) {
      // Relative TTL, not EXPIREAT: immune to clock skew between this worker and Redis.
      multi.expire(minuteHashKey(this.namespace, minute), METRICS_RETENTION_SEC);
      multi.zadd(this.indexKey, minute, String(minute));
    }
    multi.zremrangebyscore(this.indexKey, '-inf', `(${minuteOf(now - METRICS_RETENTION_MS)}`);
    const replies = await multi.exec();
    if (!replies) throw new Error('MULTI aborted');
    // Redis does not roll back a MULTI whose command failed (e.g. WRONGTYPE on a foreign key); surface it.
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0]!;
  }
}

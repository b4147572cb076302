import type { RuleKind } from '../../../shared/model/health-rules';
import type { EnvironmentOverview } from '../../../shared/model/overview';
import { deadLetterStreamOf } from '../../../shared/model/dead-letter';
import { CounterWindow } from './counter-window';

/** One measured value of a rule kind on one subject. */
export interface Measurement {
  subject: string;
  value: number;
}

/** The window of the processing error rate. */
export const ERROR_RATE_WINDOW_MS = 60_000;
/** The window of DLQ growth: seed 000 says "50 messages/hour". */
export const DLQ_GROWTH_WINDOW_MS = 3_600_000;

/** Measurements of every kind for one overview; null for a kind whose source could not be read this tick. */
export type MeasurementSet = Record<RuleKind, Measurement[] | null>;

/**
 * Error rate in percent: dead letters added ÷ entries read, over the same window. No reads and no
 * dead letters is "no data" (null); dead letters without reads is 100 %.
 */
export function errorRatePercent(deadLettered: number, read: number): number | null {
  if (read <= 0) return deadLettered > 0 ? 100 : null;
  return (deadLettered / read) * 100;
}

/** The subject label of a consumer group. */
export function groupSubject(stream: string, group: string): string {
  return `${stream} / ${group}`;
}

/** The subject label of a RabbitMQ queue (streams and queues may share a name). */
export function queueSubject(queue: string): string {
  return `rabbitmq:${queue}`;
}

/**
 * Turns successive overviews of one environment into measurements per rule kind. Keeps the
 * counters the windowed kinds need (DLQ growth, error rate); everything else is read off the
 * overview as it is.
 */
export class Measurer {
  private readonly dlqAdded = new Map<string, CounterWindow>();
  private readonly reads = new Map<string, CounterWindow>();
  private lastRedisAt: number | null = null;
  private lastAmqpAt: number | null = null;

  measure(overview: EnvironmentOverview): MeasurementSet {
    const streams = overview.redis.staleSince === null ? overview.redis.streams : null;
    const queues = overview.amqp.staleSince === null ? overview.amqp.queues : null;
    const now = overview.at;
    const result: MeasurementSet = { 'consumer-lag': null, 'processing-error-rate': null, 'dlq-growth': null, 'queue-depth': null };

    if (queues) {
      result['queue-depth'] = queues.map((q) => ({ subject: queueSubject(q.name), value: q.ready + (q.unacked ?? 0) }));
    }

    const isNewRedisSample = streams !== null && this.lastRedisAt !== now;
    const sinceLastMs = this.lastRedisAt === null ? 0 : now - this.lastRedisAt;
    if (streams) {
      result['consumer-lag'] = streams.flatMap((s) =>
        s.groups.filter((g) => g.lag !== null).map((g) => ({ subject: groupSubject(s.name, g.name), value: g.lag as number })),
      );
      if (isNewRedisSample) {
        for (const s of streams) {
          if (s.isDeadLetter) this.observeDeadLetters(s.name, now, s.entriesAdded ?? s.length, this.lastRedisAt !== null);
          else this.observeReads(s.name, s.groups, now, sinceLastMs);
        }
        this.lastRedisAt = now;
      }
      const seen = new Set(streams.map((s) => s.name));
      this.forgetExcept(seen);
      const byName = new Map(streams.map((s) => [s.name, s]));
      result['processing-error-rate'] = [];
      for (const s of streams) {
        if (s.isDeadLetter || s.groups.length === 0) continue;
        const dlq = byName.get(deadLetterStreamOf(s.name));
        if (!dlq) continue;
        const added = this.dlqAdded.get(dlq.name)?.increaseOver(ERROR_RATE_WINDOW_MS, now) ?? 0;
        const read = this.reads.get(s.name)?.increaseOver(ERROR_RATE_WINDOW_MS, now) ?? 0;
        const rate = errorRatePercent(added, read);
        if (rate !== null) result['processing-error-rate'].push({ subject: s.name, value: rate });
      }
    }

    if (streams || queues) {
      const growth: Measurement[] = [];
      for (const s of streams ?? []) {
        if (s.isDeadLetter) growth.push({ subject: s.name, value: this.dlqAdded.get(s.name)?.increaseOver(DLQ_GROWTH_WINDOW_MS, now) ?? 0 });
      }
      for (const q of queues ?? []) {
        if (!q.isDeadLetter) continue;
        const key = queueSubject(q.name);
        if (this.lastAmqpAt !== now) this.observeDeadLetters(key, now, q.ready + (q.unacked ?? 0), this.lastAmqpAt !== null);
        growth.push({ subject: key, value: this.dlqAdded.get(key)?.increaseOver(DLQ_GROWTH_WINDOW_MS, now) ?? 0 });
      }
      if (queues) this.lastAmqpAt = now;
      // Only complete when both parts were read: a missing part must not resolve its subjects.
      result['dlq-growth'] = streams && queues ? growth : growth.length > 0 ? growth : null;
    }
    return result;
  }

  /** A DLQ that appears while watched grew from nothing; one there from the start is the baseline. */
  private observeDeadLetters(key: string, now: number, raw: number, isWatching: boolean): void {
    const isNew = !this.dlqAdded.has(key);
    const counter = this.counter(this.dlqAdded, key, DLQ_GROWTH_WINDOW_MS);
    if (isNew && isWatching) counter.observe(now, 0);
    counter.observe(now, raw);
  }

  private observeReads(stream: string, groups: { entriesRead: number | null; readRate: number | null }[], now: number, sinceLastMs: number): void {
    const counter = this.counter(this.reads, stream, ERROR_RATE_WINDOW_MS);
    const hasCounters = groups.length > 0 && groups.every((g) => g.entriesRead !== null);
    if (hasCounters) {
      counter.observe(now, groups.reduce((sum, g) => sum + (g.entriesRead ?? 0), 0));
    } else {
      // Redis 6.2: no entries-read counter; integrate the sampled read rate instead.
      counter.add(now, (groups.reduce((sum, g) => sum + (g.readRate ?? 0), 0) * sinceLastMs) / 1000);
    }
  }

  private counter(map: Map<string, CounterWindow>, key: string, keepMs: number): CounterWindow {
    let counter = map.get(key);
    if (!counter) map.set(key, (counter = new CounterWindow(keepMs)));
    return counter;
  }

  private forgetExcept(streams: Set<string>): void {
    for (const key of this.reads.keys()) if (!streams.has(key)) this.reads.delete(key);
    for (const key of this.dlqAdded.keys()) if (!key.startsWith('rabbitmq:') && !streams.has(key)) this.dlqAdded.delete(key);
  }
}

import type { BullDeadSource } from './bull-dlq';
import type { BullOverview } from './bullmq';
import type { DeadLetterSource } from './dead-letter';
import type { EnvironmentOverview } from './overview';
import { isDeadLetterName } from './topology';

/**
 * Where the dead letters of an environment are, read from what the monitor already pushes (the
 * environment overview and the BullMQ overview): one rule for the host's `dlq.*Sources` methods,
 * the CLI and the Dead letters screen, so a DLQ is listed alike everywhere and no view polls for it.
 */

/** `x.dlq`, `x-dlq`, `x_dlq` → `x`: where a dead-letter stream, queue or BullMQ queue's messages came from by the seeds' naming. */
export function originOfDeadLetterName(name: string): string | null {
  if (!isDeadLetterName(name)) return null;
  return name.slice(0, -4) || null;
}

/** The Redis DLQ streams and their lengths; null while nothing was ever read. */
export function redisDeadLetterSources(overview: EnvironmentOverview | undefined): DeadLetterSource[] | null {
  const streams = overview?.redis.streams;
  if (!streams) return null;
  return streams.filter((s) => s.isDeadLetter).map((s) => ({ name: s.name, kind: 'redis-stream' as const, length: s.length, origin: originOfDeadLetterName(s.name) }));
}

/** A RabbitMQ dead-letter queue and its depth. */
export interface RabbitDeadSource {
  name: string;
  ready: number;
  unacked: number | null;
}

/** The RabbitMQ DLQs (by the naming rule) the monitor sees. */
export function rabbitDeadLetterSources(overview: EnvironmentOverview | undefined): RabbitDeadSource[] {
  return (overview?.amqp.queues ?? []).filter((q) => q.isDeadLetter).map((q) => ({ name: q.name, ready: q.ready, unacked: q.unacked }));
}

/** BullMQ: every queue's failed set that holds jobs, and every `{queue}-dlq` queue with jobs waiting. */
export function bullDeadLetterSources(overview: BullOverview | undefined): BullDeadSource[] {
  return (overview?.queues ?? []).flatMap((q) => {
    const origin = originOfDeadLetterName(q.name);
    const waiting = q.waiting + q.prioritized;
    return [
      ...(q.failed > 0 ? [{ queue: q.name, kind: 'failed' as const, count: q.failed, origin: null }] : []),
      ...(origin && waiting > 0 ? [{ queue: q.name, kind: 'dlq-queue' as const, count: waiting, origin }] : []),
    ];
  });
}

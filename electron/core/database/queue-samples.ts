import type { BullOverview, BullQueueHistory } from '../../../shared/model/bullmq';
import type { EnvironmentOverview, QueueHistory } from '../../../shared/model/overview';
import type { PostgresSettings } from '../environments/resolved-environment';
import type { Logger } from '../ports';
import { BucketSeries, MinuteGate, MinuteSampleTable, type StoredRange } from './minute-samples';

/** queue_samples' columns in insert order (migration 7). */
const COLUMNS = ['broker', 'queue', 'minute', 'ready', 'unacked', 'consumers', 'publish_rate', 'deliver_rate', 'ack_rate', 'waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;
type Cell = string | Date | number | null;

/** The RabbitMQ series a stored history has: counts the highest in the bucket, rates the mean. */
const RABBIT_SERIES = [
  { key: 'ready', column: 'ready', agg: 'max', label: 'ready', unit: 'messages' },
  { key: 'unacked', column: 'unacked', agg: 'max', label: 'unacked', unit: 'messages' },
  { key: 'consumers', column: 'consumers', agg: 'max', label: 'consumers', unit: 'consumers' },
  { key: 'publishRate', column: 'publish_rate', agg: 'avg', label: 'publish/s', unit: 'messages/s' },
  { key: 'deliverRate', column: 'deliver_rate', agg: 'avg', label: 'deliver/s', unit: 'messages/s' },
  { key: 'ackRate', column: 'ack_rate', agg: 'avg', label: 'ack/s', unit: 'messages/s' },
] as const;
/** The BullMQ job counts stored (waiting-children is not): the highest in the bucket. */
const BULL_SERIES = (['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const).map((key) => ({ key, column: key, agg: 'max', label: key, unit: 'jobs' as const }));

/** One row per queue of a RabbitMQ overview's list (passive declares leave unacked and rates null). */
export function rabbitSampleRows(overview: EnvironmentOverview, minute: number): Cell[][] {
  const at = new Date(minute);
  return (overview.amqp.queues ?? []).map((q) => ['rabbitmq', q.name, at, q.ready, q.unacked, q.consumers, q.publishRate, q.deliverRate, q.ackRate, null, null, null, null, null, null]);
}

/**
 * A BullMQ queue's name in queue_samples: under its key prefix (`{namespace}bull:name`), since two
 * environments' namespaces may share one database and each has its own queue of a name.
 */
export function bullSampleName(prefix: string, queue: string): string {
  return `${prefix}:${queue}`;
}

/** One row per BullMQ queue of a BullMQ overview. */
export function bullSampleRows(overview: BullOverview, minute: number): Cell[][] {
  const at = new Date(minute);
  return (overview.queues ?? []).map((q) => ['bullmq', bullSampleName(overview.prefix, q.name), at, null, null, null, null, null, null, q.waiting, q.active, q.delayed, q.prioritized, q.failed, q.completed]);
}

/**
 * Keeps a minute of each RabbitMQ and BullMQ queue's depth and rates in the environment's
 * PostgreSQL (migration 7, queue_samples) and reads it back for the queue charts' 24 h / 7 d (see
 * {@link MinuteSampleTable}). A list that is stale (the broker frozen or gone) repeats old numbers
 * and is not written.
 */
export class QueueSampleStore {
  private readonly table: MinuteSampleTable;
  private readonly rabbitGate = new MinuteGate();
  private readonly bullGate = new MinuteGate();

  constructor(settings: PostgresSettings, logger: Logger) {
    this.table = new MinuteSampleTable({ name: 'queue_samples', columns: COLUMNS, schemaVersion: 7, what: 'queue history' }, settings, logger);
  }

  /** With every environment overview: its RabbitMQ queues, once a minute. */
  observeRabbit(overview: EnvironmentOverview): void {
    const { amqp } = overview;
    if (amqp.status.state !== 'connected' || !amqp.queues || amqp.staleSince !== null) return;
    const minute = this.rabbitGate.take(overview.at);
    if (minute !== null) void this.rabbitGate.run(() => this.write(rabbitSampleRows(overview, minute)));
  }

  /** With every BullMQ overview: its queues, once a minute. */
  observeBull(overview: BullOverview): void {
    if (overview.status.state !== 'connected' || !overview.queues || overview.staleSince !== null) return;
    const minute = this.bullGate.take(overview.at);
    if (minute !== null) void this.bullGate.run(() => this.write(bullSampleRows(overview, minute)));
  }

  /** Inserts rows in {@link COLUMNS} order; a minute another console wrote is not written twice. Resolves to rows written. */
  write(rows: readonly Cell[][]): Promise<number> {
    return this.table.write(rows);
  }

  private async read<K extends string, U extends string>(
    broker: 'rabbitmq' | 'bullmq',
    { queue, stored }: { queue: string; stored: string },
    range: StoredRange,
    now: number,
    specs: readonly { key: K; column: string; agg: string; label: string; unit: U }[],
  ) {
    const { window, rows } = await this.table.buckets<Record<string, string | number | null>>(range, now, {
      where: 'broker = $1 AND queue = $2',
      params: [broker, stored],
      aggregates: specs.map((s) => `${s.agg}(${s.column}) AS ${s.column}`).join(', '),
    });
    const series = new BucketSeries(window.points);
    for (const r of rows) for (const s of specs) series.put(s.key, Number(r.b), r[s.column] ?? null);
    return { queue, gone: false, ...window, series: series.series(specs.map(({ key, label, unit }) => ({ key, label, unit }))) };
  }

  /** A RabbitMQ queue's stored history over `range` ending at `now`: ready, unacked, consumers the highest in a bucket, rates the mean. */
  rabbitHistory(queue: string, range: StoredRange, now: number): Promise<QueueHistory> {
    return this.read('rabbitmq', { queue, stored: queue }, range, now, RABBIT_SERIES);
  }

  /** A BullMQ queue's (under key prefix `prefix`) stored history over `range` ending at `now`: each job count the highest in a bucket. */
  bullHistory(prefix: string, queue: string, range: StoredRange, now: number): Promise<BullQueueHistory> {
    return this.read('bullmq', { queue, stored: bullSampleName(prefix, queue) }, range, now, BULL_SERIES);
  }

  close(): Promise<void> {
    return this.table.close();
  }
}

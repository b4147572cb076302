import type { ProcessorStatus } from '../../../shared/model/workers';
import { DeadLetterNow, RabbitConsumer, ReleaseDelivery, type HandlerContext, type OwnQueue, type Parsed, type RabbitConsumerOptions } from '../workers/rabbit/rabbit-consumer';
import { RetrySleeps } from '../workers/rabbit/retry-sleeps';
import { PgSinkHandler, type PgSinkOptions, type SinkTable } from './pg-sink';

/** A seed 002 queue's table: the sink's processor name, title and own queue beside the table's insert. */
export interface RabbitSinkTable<Row> extends SinkTable<Row> {
  name: 'rabbit-systems' | 'rabbit-metrics-store';
  title: string;
  /** The sink's own queue, bound like the seed queue it stores. */
  queue: OwnQueue;
}

/** The sink's own queue beside a seed queue: `discovery_queue` → `discovery_queue.store`. */
export function storeQueueName(seedQueue: string): string {
  return `${seedQueue}.store`;
}

export interface RabbitSinkOptions extends RabbitConsumerOptions {
  database: Omit<PgSinkOptions, 'namespace'>;
}

interface Waiting<Row> {
  value: Row;
  id: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * A seed 002 queue into a PostgreSQL table (issue 17). It consumes a durable queue of its own
 * (`<queue>.store`, bound to the seed exchange with the seed queue's routing key, dead-lettering to
 * `<queue>.store.dlq`), so the seed queue's consumer keeps every message. The deliveries of one
 * event-loop turn (up to the prefetch) are one batch: one INSERT … ON CONFLICT DO NOTHING in one
 * transaction (PgSinkHandler), and each delivery is acknowledged only after the commit. A row
 * the database refuses is dead-lettered (nack without requeue → the queue's DLX), its batch-mates
 * stored. While the database cannot be reached, the deliveries stay unacknowledged (the prefetch
 * holds the rest in the queue), spending no retries, and are stored once it is back; stopping gives
 * them back to the broker.
 */
export class RabbitSinkProcessor<Row> extends RabbitConsumer<Row> {
  readonly name: RabbitSinkTable<Row>['name'];
  readonly sink: PgSinkHandler<Row>;
  private batch: Waiting<Row>[] = [];
  private isFlushScheduled = false;
  private readonly maxBatch: number;
  private readonly waits = new RetrySleeps();
  /** Why the batches are waiting (the database is unreachable), or null. */
  private waitingFor: string | null = null;
  private isStopping = false;

  constructor(
    private readonly table: RabbitSinkTable<Row>,
    options: RabbitSinkOptions,
  ) {
    super(table.queue, table.title, options);
    this.name = table.name;
    this.maxBatch = options.settings?.batch ?? 100;
    this.sink = new PgSinkHandler(table, { ...options.database, namespace: options.namespace });
  }

  protected parse(content: Buffer): Parsed<Row> {
    return this.table.parse({ id: '', fields: [], payload: content, attempts: 0 });
  }

  protected handle(value: Row, context: HandlerContext): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.batch.push({ value, id: context.deliveryId, resolve, reject });
      if (this.batch.length >= this.maxBatch) this.flush();
      else if (!this.isFlushScheduled) {
        this.isFlushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  override async start(): Promise<void> {
    this.isStopping = false;
    await super.start();
  }

  override async stop(): Promise<void> {
    this.isStopping = true;
    // Batches waiting for the database give their deliveries back (unacked) instead of holding the stop.
    this.waits.wakeAll();
    await super.stop();
    this.waits.wakeAll();
    await this.sink.close();
  }

  override status(): ProcessorStatus {
    const status = super.status();
    if (this.waitingFor && status.state === 'running') return { ...status, state: 'failing', lastError: { message: this.waitingFor, at: this.clock.now() } };
    return status;
  }

  private flush(): void {
    this.isFlushScheduled = false;
    const batch = this.batch;
    this.batch = [];
    if (batch.length) void this.store(batch);
  }

  /** Stores a batch; rows that must wait (database unreachable) are tried again until stored or the sink stops. */
  private async store(batch: Waiting<Row>[]): Promise<void> {
    let rows = batch;
    while (rows.length) {
      const outcomes = await this.sink.store(rows.map((r) => ({ value: r.value, entryId: r.id }))).catch((error: unknown) => rows.map(() => ({ kind: 'retry' as const, error: (error as Error).message })));
      const again: Waiting<Row>[] = [];
      let untilMs = 0;
      outcomes.forEach((outcome, i) => {
        const row = rows[i]!;
        if (outcome.kind === 'done' || outcome.kind === 'skip') row.resolve();
        else if (outcome.kind === 'invalid') row.reject(new DeadLetterNow(outcome.reason));
        else if (outcome.kind === 'retry') row.reject(new Error(outcome.error));
        else {
          again.push(row);
          untilMs = outcome.untilMs;
          this.waitingFor = outcome.reason;
        }
      });
      if (!again.length) {
        this.waitingFor = null;
        return;
      }
      const isAwake = !this.isStopping && (await this.waits.sleep(Math.max(0, untilMs - this.clock.now())));
      if (!isAwake) {
        for (const row of again) row.reject(new ReleaseDelivery('stopping: given back to the broker'));
        return;
      }
      rows = again;
    }
  }
}

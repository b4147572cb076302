import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { BULLMQ_QUEUES, bullDeadLetterQueueName } from '../../../shared/schemas/bullmq-jobs';

/** Share of the demo rate that goes to BullMQ jobs (the streams carry the rest). */
const BULL_SHARE = 0.1;
const TICK_MS = 1000;

/**
 * Seed 003 jobs for the demo: the five primary queues (and `ingress-events-dlq`) under
 * `{namespace}bull`, a trickle of jobs (a fifth of them delayed), and one worker on
 * `notifications` that completes most jobs and fails a few, so every count of the BullMQ panel
 * has something in it. Only runs while the demo runs.
 */
export class BullDemo {
  private readonly queues = new Map<string, Queue>();
  private worker: Worker | null = null;
  private timer: NodeJS.Timeout | undefined;
  private counter = 0;
  private inFlight = false;
  /** The demo's own connection: BullMQ adds its scripts and listeners to the client it is given. */
  private connection: Redis | null = null;
  /** The worker's; BullMQ leaves a connection it was given open on close, so the demo closes it. */
  private workerConnection: Redis | null = null;
  produced = 0;

  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
  ) {}

  async start(rate: number): Promise<void> {
    if (!this.connection) {
      this.connection = this.client.duplicate({ enableOfflineQueue: true });
      this.connection.setMaxListeners(0);
      this.connection.on('error', () => undefined);
    }
    const connection = this.connection;
    for (const name of [...Object.keys(BULLMQ_QUEUES), bullDeadLetterQueueName('ingress-events')]) {
      if (!this.queues.has(name)) this.queues.set(name, new Queue(name, { connection, prefix: this.prefix }));
    }
    // Creates each queue's meta key, so the panel lists every seed queue at once.
    await Promise.all([...this.queues.values()].map((q) => q.waitUntilReady()));
    await this.queues.get('ingress-events-dlq')!.add('dead-letter', { reason: 'demo: exhausted 5 attempts', from: 'ingress-events' });
    if (!this.worker) this.workerConnection = this.client.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true });
    this.worker ??= new Worker(
      'notifications',
      async (job) => {
        if (Number(job.id) % 7 === 0) throw new Error('demo: SMTP 451 temporary failure');
        return { delivered: true };
      },
      { connection: this.workerConnection!, prefix: this.prefix, concurrency: 2, removeOnComplete: { count: 500 }, removeOnFail: { count: 500 } },
    );
    this.worker.on('error', () => undefined);
    clearInterval(this.timer);
    const perTick = Math.max(1, Math.round(rate * BULL_SHARE));
    this.timer = setInterval(() => void this.tick(perTick), TICK_MS);
    this.timer.unref?.();
  }

  private async tick(count: number): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      const names = Object.keys(BULLMQ_QUEUES);
      await Promise.all(
        Array.from({ length: count }, () => {
          const n = this.counter++;
          const queue = this.queues.get(names[n % names.length]!)!;
          return queue.add('demo-job', { tenantId: `tenant-${n % 3}`, n, at: Date.now() }, { delay: Math.floor(n / 5) % 4 === 0 ? 60_000 : 0, attempts: 1, removeOnComplete: { count: 500 } });
        }),
      );
      this.produced += count;
    } catch {
      // The stream demo reports broker failures; BullMQ jobs are best effort.
    } finally {
      this.inFlight = false;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const worker = this.worker;
    this.worker = null;
    await worker?.close().catch(() => undefined);
    this.workerConnection?.disconnect();
    this.workerConnection = null;
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.queues.clear();
    this.connection?.disconnect();
    this.connection = null;
  }
}

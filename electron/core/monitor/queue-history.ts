import type { QueueHistory, QueueHistorySeries, QueueInfo } from '../../../shared/model/overview';
import { HISTORY_CAPACITY, SeriesRing } from './series-ring';

const key = (queue: string, series: string) => `${queue}\u0000${series}`;

type SeriesKey = QueueHistorySeries['key'];

const SPECS: readonly { key: SeriesKey; label: string; unit: QueueHistorySeries['unit'] }[] = [
  { key: 'ready', label: 'ready', unit: 'messages' },
  { key: 'unacked', label: 'unacked', unit: 'messages' },
  { key: 'consumers', label: 'consumers', unit: 'consumers' },
  { key: 'publishRate', label: 'publish/s', unit: 'messages/s' },
  { key: 'deliverRate', label: 'deliver/s', unit: 'messages/s' },
  { key: 'ackRate', label: 'ack/s', unit: 'messages/s' },
];

/**
 * The last hour of every RabbitMQ queue of one environment (ready, unacked, consumers and the
 * publish/deliver/ack rates), sampled at each monitor tick into typed-array rings like
 * {@link StreamHistoryStore}.
 */
export class QueueHistoryStore {
  private readonly ring: SeriesRing;
  private readonly known = new Set<string>();
  private readonly goneQueues = new Set<string>();
  private ticks = 0;

  constructor(capacity = HISTORY_CAPACITY) {
    this.ring = new SeriesRing(capacity);
  }

  /**
   * Records one sample. `gone` names queues the sampler knows were deleted (missing from a complete
   * management listing, or a passive declare answered 404).
   */
  record(at: number, queues: readonly QueueInfo[], gone: readonly string[] = []): void {
    this.ring.advance(at);
    const live = new Set<string>();
    for (const queue of queues) {
      live.add(queue.name);
      this.known.add(queue.name);
      this.goneQueues.delete(queue.name);
      for (const spec of SPECS) this.ring.write(key(queue.name, spec.key), queue[spec.key]);
    }
    for (const name of gone) if (this.known.has(name)) this.goneQueues.add(name);
    // Once a minute, forget queues whose series have been empty for the whole window.
    if (++this.ticks % 60 === 0) {
      this.ring.prune((k) => live.has(k.slice(0, k.indexOf('\u0000'))));
      for (const name of this.known) {
        if (!this.ring.has(key(name, 'ready'))) {
          this.known.delete(name);
          this.goneQueues.delete(name);
        }
      }
    }
  }

  /** Whether this store has seen the queue (within the window). */
  knows(queue: string): boolean {
    return this.known.has(queue);
  }

  /** Every queue seen within the window. */
  names(): string[] {
    return [...this.known];
  }

  /** Whether the queue was deleted after it had been seen. */
  isGone(queue: string): boolean {
    return this.goneQueues.has(queue);
  }

  query(queue: string, now: number, windowSeconds: number, maxPoints: number): QueueHistory {
    const from = now - windowSeconds * 1000;
    const { stepMs, values } = this.ring.downsample(SPECS.map((s) => key(queue, s.key)), from, now, maxPoints);
    return {
      queue,
      gone: this.goneQueues.has(queue),
      from,
      stepMs,
      points: maxPoints,
      series: SPECS.map((s, i) => ({ ...s, values: values[i]! })),
    };
  }

  get bytes(): number {
    return this.ring.bytes;
  }
}

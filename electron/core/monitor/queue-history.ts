import type { QueueHistory, QueueHistorySeries, QueueInfo } from '../../../shared/model/overview';
import { EntityHistoryStore } from './entity-history';
import { HISTORY_CAPACITY } from './series-ring';

type SeriesKey = QueueHistorySeries['key'];
type Unit = QueueHistorySeries['unit'];

const SPECS: readonly { key: SeriesKey; label: string; unit: Unit }[] = [
  { key: 'ready', label: 'ready', unit: 'messages' },
  { key: 'unacked', label: 'unacked', unit: 'messages' },
  { key: 'consumers', label: 'consumers', unit: 'consumers' },
  { key: 'publishRate', label: 'publish/s', unit: 'messages/s' },
  { key: 'deliverRate', label: 'deliver/s', unit: 'messages/s' },
  { key: 'ackRate', label: 'ack/s', unit: 'messages/s' },
];

/**
 * The last hour of every RabbitMQ queue of one environment (ready, unacked, consumers and the
 * publish/deliver/ack rates), sampled at each monitor tick into typed-array rings.
 */
export class QueueHistoryStore extends EntityHistoryStore<SeriesKey, Unit> {
  constructor(capacity = HISTORY_CAPACITY) {
    super(SPECS, capacity);
  }

  /**
   * Records one sample. `gone` names queues the sampler knows were deleted (missing from a complete
   * management listing, or a passive declare answered 404).
   */
  override record(at: number, queues: readonly QueueInfo[], gone: readonly string[] = []): void {
    super.record(at, queues, gone);
  }

  override query(queue: string, now: number, windowSeconds: number, maxPoints: number): QueueHistory {
    return { queue, ...super.query(queue, now, windowSeconds, maxPoints) };
  }
}

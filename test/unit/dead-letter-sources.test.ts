import { describe, expect, it } from 'vitest';
import type { BullOverview, BullQueueInfo } from '../../shared/model/bullmq';
import { bullDeadLetterSources, originOfDeadLetterName, rabbitDeadLetterSources, redisDeadLetterSources } from '../../shared/model/dead-letter-sources';
import type { EnvironmentOverview, QueueInfo, StreamInfo } from '../../shared/model/overview';

const stream = (name: string, length: number, isDeadLetter = /(\.dlq|-dlq|_dlq)$/.test(name)): StreamInfo => ({
  name,
  length,
  groups: [],
  isDeadLetter,
  bullQueue: null,
  entriesAdded: null,
  addRate: null,
  lastEntryId: null,
});
const queue = (name: string, ready: number, unacked: number | null, isDeadLetter: boolean): QueueInfo => ({
  name,
  ready,
  unacked,
  consumers: 0,
  isDeadLetter,
  publishRate: null,
  deliverRate: null,
  ackRate: null,
});
function overview(streams: StreamInfo[] | null, queues: QueueInfo[] | null): EnvironmentOverview {
  return {
    envId: 'e',
    at: 1,
    redis: { status: { state: 'connected' } as EnvironmentOverview['redis']['status'], streams, staleSince: null, truncated: false },
    amqp: { status: { state: 'connected' } as EnvironmentOverview['amqp']['status'], source: 'management', queues, staleSince: null, note: null },
  };
}
const bullQueue = (name: string, counts: Partial<BullQueueInfo>): BullQueueInfo => ({
  name,
  waiting: 0,
  active: 0,
  delayed: 0,
  failed: 0,
  completed: 0,
  prioritized: 0,
  waitingChildren: 0,
  isPaused: false,
  isDeadLetter: /(\.dlq|-dlq|_dlq)$/.test(name),
  ...counts,
});
const bull = (queues: BullQueueInfo[] | null): BullOverview => ({ envId: 'e', at: 1, status: { state: 'connected' } as BullOverview['status'], prefix: 'bull', queues, staleSince: null, truncated: false });

describe('dead-letter sources from the pushed overviews', () => {
  it('names the origin by the seeds’ three suffixes, and nothing for other names', () => {
    expect(originOfDeadLetterName('events.raw.dlq')).toBe('events.raw');
    expect(originOfDeadLetterName('notifications-dlq')).toBe('notifications');
    expect(originOfDeadLetterName('billing_dlq')).toBe('billing');
    expect(originOfDeadLetterName('events.raw')).toBeNull();
    expect(originOfDeadLetterName('dlq')).toBeNull();
    expect(originOfDeadLetterName('.dlq')).toBeNull();
  });

  it('lists the DLQ streams with their lengths, empty ones too, and says unknown (null) before any sample', () => {
    expect(redisDeadLetterSources(undefined)).toBeNull();
    expect(redisDeadLetterSources(overview(null, null))).toBeNull();
    const list = redisDeadLetterSources(overview([stream('events.raw', 10), stream('events.raw.dlq', 3), stream('alerts.dlq', 0)], null));
    expect(list).toEqual([
      { name: 'events.raw.dlq', kind: 'redis-stream', length: 3, origin: 'events.raw' },
      { name: 'alerts.dlq', kind: 'redis-stream', length: 0, origin: 'alerts' },
    ]);
  });

  it('keeps the RabbitMQ dead-letter queues only, with ready and unacknowledged counts', () => {
    expect(rabbitDeadLetterSources(undefined)).toEqual([]);
    const list = rabbitDeadLetterSources(overview(null, [queue('alert_queue', 5, 0, false), queue('alert_queue.dlq', 2, null, true)]));
    expect(list).toEqual([{ name: 'alert_queue.dlq', ready: 2, unacked: null }]);
  });

  it('lists a BullMQ queue’s failed jobs and a -dlq queue’s waiting jobs, and no empty source', () => {
    expect(bullDeadLetterSources(undefined)).toEqual([]);
    expect(bullDeadLetterSources(bull(null))).toEqual([]);
    const list = bullDeadLetterSources(
      bull([
        bullQueue('notifications', { failed: 4, waiting: 9 }),
        bullQueue('notifications-dlq', { waiting: 2, prioritized: 1, failed: 1 }),
        bullQueue('reports-dlq', {}),
        bullQueue('quiet', { completed: 100 }),
      ]),
    );
    expect(list).toEqual([
      { queue: 'notifications', kind: 'failed', count: 4, origin: null },
      { queue: 'notifications-dlq', kind: 'failed', count: 1, origin: null },
      { queue: 'notifications-dlq', kind: 'dlq-queue', count: 3, origin: 'notifications' },
    ]);
  });
});

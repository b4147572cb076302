import { describe, expect, it } from 'vitest';
import { bullPrefix, bullQueueOfStream } from '../../shared/model/bullmq';
import { withoutBullInternals } from '../../renderer/src/features/streams/streams.logic';
import { stream } from './renderer/fixtures';

describe("BullMQ's internal streams", () => {
  it('names the queue of `{namespace}bull:<queue>:events` and nothing else', () => {
    expect(bullPrefix('prod:')).toBe('prod:bull');
    expect(bullQueueOfStream('prod:bull:ingress-events:events', 'prod:')).toBe('ingress-events');
    expect(bullQueueOfStream('bull:notifications:events', '')).toBe('notifications');
    expect(bullQueueOfStream('bull:notifications-dlq:events', '')).toBe('notifications-dlq');
    // Pipeline streams, other namespaces, other BullMQ keys and near misses are not internals.
    for (const name of ['prod:security.events', 'prod:security.events.dlq', 'bull:notifications:events', 'prod:bull:notifications:wait', 'prod:bull::events', 'prod:bull:events', 'prod:bullish:q:events', 'prod:security.bull:q:events']) {
      expect(bullQueueOfStream(name, 'prod:')).toBeNull();
    }
  });

  it('leaves them out of the stream list unless shown, and counts them', () => {
    const pipeline = stream('security.events', 3);
    const internal = stream('bull:notifications:events', 9, { bullQueue: 'notifications' });
    const all = [pipeline, internal];
    expect(withoutBullInternals(all, false)).toEqual({ streams: [pipeline], hidden: 1 });
    expect(withoutBullInternals(all, true).streams).toBe(all);
    // Nothing to leave out: the same array, so memoized rows stay.
    const only = [pipeline];
    expect(withoutBullInternals(only, false)).toEqual({ streams: only, hidden: 0 });
    expect(withoutBullInternals(only, false).streams).toBe(only);
  });
});

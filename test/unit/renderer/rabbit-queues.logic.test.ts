import { describe, expect, it } from 'vitest';
import { appendDepths, chartRows, isPurgeConfirmed, nextSort, purgeBlockedReason, sortQueues } from '../../../renderer/src/features/queues/rabbit-queues.logic';
import { queue } from './fixtures';
import { formatRate } from '../../../renderer/src/components/format';

describe('RabbitMQ queues panel logic', () => {
  const queues = [
    queue('b', 5, { publishRate: 2 }),
    queue('a', 50, { publishRate: null }),
    queue('c', 5, { publishRate: 9 }),
  ];

  it('sorts by a number, largest first, unknown rates last, ties by name', () => {
    const byReady = nextSort({ key: 'name', isDescending: false }, 'ready');
    expect(byReady).toEqual({ key: 'ready', isDescending: true });
    expect(sortQueues(queues, byReady).map((q) => q.name)).toEqual(['a', 'b', 'c']);
    expect(sortQueues(queues, { key: 'publishRate', isDescending: true }).map((q) => q.name)).toEqual(['c', 'b', 'a']);
    expect(sortQueues(queues, { key: 'publishRate', isDescending: false }).map((q) => q.name)).toEqual(['b', 'c', 'a']);
    expect(nextSort(byReady, 'ready')).toEqual({ key: 'ready', isDescending: false });
  });

  it('keeps a bounded depth history per queue and forgets queues that disappeared', () => {
    let sparks = appendDepths({}, [queue('q', 1, { unacked: 2 }), queue('gone', 3)], 3);
    for (let i = 2; i <= 5; i++) sparks = appendDepths(sparks, [queue('q', i, { unacked: null })], 3);
    expect(sparks).toEqual({ q: [3, 4, 5] });
    expect(appendDepths(sparks, null)).toBe(sparks);
  });

  it('turns a queue history into depth (ready + unacked) and rate rows', () => {
    const rows = chartRows({
      queue: 'q',
      gone: false,
      from: 0,
      stepMs: 1000,
      points: 3,
      series: [
        { key: 'ready', label: 'ready', unit: 'messages', values: [null, 3, null] },
        { key: 'unacked', label: 'unacked', unit: 'messages', values: [null, 2, null] },
        { key: 'consumers', label: 'consumers', unit: 'consumers', values: [null, 1, null] },
        { key: 'publishRate', label: 'publish/s', unit: 'messages/s', values: [null, null, null] },
        { key: 'deliverRate', label: 'deliver/s', unit: 'messages/s', values: [null, null, null] },
        { key: 'ackRate', label: 'ack/s', unit: 'messages/s', values: [null, null, null] },
      ],
    });
    // The empty bucket before the first sample is trimmed; a gap after it stays a gap.
    expect(rows.depth).toEqual([
      { at: 1500, ready: 3, unacked: 2, depth: 5 },
      { at: 2500, ready: null, unacked: null, depth: null },
    ]);
    expect(rows.isPartial).toBe(true);
    expect(rows.hasRates).toBe(false);
  });

  it('allows a purge only with the exact name, never on a read-only environment', () => {
    expect(isPurgeConfirmed('alert_queue', 'alert_queue')).toBe(true);
    expect(isPurgeConfirmed('alert_queue', 'Alert_queue')).toBe(false);
    expect(isPurgeConfirmed('alert_queue', 'alert_queue ')).toBe(false);
    expect(purgeBlockedReason({ readOnly: true, name: 'Prod' }, true, false)).toMatch(/Prod is read-only/);
    expect(purgeBlockedReason({ readOnly: false, name: 'Dev' }, false, false)).toMatch(/not connected/);
    expect(purgeBlockedReason({ readOnly: false, name: 'Dev' }, true, false)).toBeNull();
  });

  it('formats rates, with a dash when unknown', () => {
    expect([formatRate(null), formatRate(0), formatRate(1.234), formatRate(456.7)]).toEqual(['—', '0/s', '1.2/s', '457/s']);
  });
});

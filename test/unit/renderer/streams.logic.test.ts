import { describe, expect, it } from 'vitest';
import type { StreamHistory } from '../../../shared/model/overview';
import { actionBlockedReason, CONSUMER_INACTIVE_AFTER_MS, filterStreams, liveConsumers, nextStreamSort, sortStreams, streamChartRows, streamTotals, visibleBlocks } from '../../../renderer/src/features/streams/streams.logic';
import { environmentView, group, stream } from './fixtures';
import { formatAge } from '../../../renderer/src/components/format';
import { toggleSelection } from '../../../renderer/src/components/selection';

describe('Streams view logic', () => {
  const a = stream('a', 10, { addRate: 5, groups: [group('g1', { lag: 3, pending: 2, consumers: 1, oldestPendingMs: 500 }), group('g2', { lag: 40, lagEstimated: true, pending: 1, consumers: 2 })] });
  const b = stream('b', 30, { addRate: null, groups: [group('g', { lag: 7, pending: 9, consumers: 0, oldestPendingMs: 9000 })] });
  const c = stream('c', 20, { addRate: 1, groups: [] });

  it('sums a stream over its groups, with the worst lag and whether it is an estimate', () => {
    expect(streamTotals(a)).toEqual({ worstLag: 40, isLagEstimated: true, pending: 3, oldestPendingMs: 500, consumers: 3 });
    expect(streamTotals(c)).toEqual({ worstLag: null, isLagEstimated: false, pending: 0, oldestPendingMs: null, consumers: 0 });
  });

  it('sorts by any column, unknown values last in both directions, ties by name', () => {
    expect(sortStreams([c, a, b], { key: 'name', isDescending: false }).map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(sortStreams([c, a, b], { key: 'length', isDescending: true }).map((s) => s.name)).toEqual(['b', 'c', 'a']);
    expect(sortStreams([c, a, b], { key: 'lag', isDescending: true }).map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(sortStreams([c, a, b], { key: 'lag', isDescending: false }).map((s) => s.name)).toEqual(['b', 'a', 'c']);
    expect(sortStreams([c, a, b], { key: 'addRate', isDescending: true }).map((s) => s.name)).toEqual(['a', 'c', 'b']);
    expect(sortStreams([c, a, b], { key: 'oldestPending', isDescending: true }).map((s) => s.name)).toEqual(['b', 'a', 'c']);
    expect(sortStreams([c, a, b], { key: 'pending', isDescending: true }).map((s) => s.name)).toEqual(['b', 'a', 'c']);
  });

  it('flips the direction on the sorted column and starts numbers largest first', () => {
    expect(nextStreamSort({ key: 'name', isDescending: false }, 'name')).toEqual({ key: 'name', isDescending: true });
    expect(nextStreamSort({ key: 'name', isDescending: false }, 'lag')).toEqual({ key: 'lag', isDescending: true });
  });

  it('filters by name, case-insensitive, and returns the same list for an empty filter', () => {
    const list = [stream('security.events', 1), stream('security.events.dlq', 1), stream('orders', 1)];
    expect(filterStreams(list, 'DLQ').map((s) => s.name)).toEqual(['security.events.dlq']);
    expect(filterStreams(list, '  ')).toBe(list);
  });

  it('formats ages an analyst reads at a glance', () => {
    expect(formatAge(null)).toBe('—');
    expect(formatAge(250)).toBe('250 ms');
    expect(formatAge(3400)).toBe('3.4 s');
    expect(formatAge(42_000)).toBe('42 s');
    expect(formatAge(5 * 60_000)).toBe('5 min');
    expect(formatAge(2 * 3_600_000 + 10 * 60_000)).toBe('2 h 10 min');
  });

  it('turns a stream history into chart rows, cut to the first sample, with the last values', () => {
    const history: StreamHistory = {
      stream: 's',
      gone: false,
      from: 0,
      stepMs: 1000,
      points: 4,
      series: [
        { key: 'length', label: 'length', unit: 'entries', values: [null, 5, 6, 8] },
        { key: 'addRate', label: 'added/s', unit: 'entries/s', values: [null, 1, 1, 2] },
        { key: 'lag:g1', label: 'g1 lag', unit: 'entries', values: [null, 1, 2, 3] },
        { key: 'lag:g2', label: 'g2 lag', unit: 'entries', values: [null, 4, 4, null] },
        { key: 'readRate:g1', label: 'g1 read/s', unit: 'entries/s', values: [null, 0, 1, 1] },
      ],
    };
    const rows = streamChartRows(history);
    expect(rows.isPartial).toBe(true);
    expect(rows.length).toEqual([
      { at: 1500, length: 5 },
      { at: 2500, length: 6 },
      { at: 3500, length: 8 },
    ]);
    expect(rows.lagKeys).toEqual(['g1', 'g2']);
    expect(rows.rateKeys).toEqual(['added', 'g1 read']);
    expect(rows.lag[2]).toEqual({ at: 3500, g1: 3, g2: null });
    expect(rows.rates[0]).toEqual({ at: 1500, added: 1, 'g1 read': 0 });
    // The worst group's last known lag: g2's last value is older but larger.
    expect(rows.last).toEqual({ length: 8, lag: 4, rates: 2 });
  });

  it('says why actions are disabled: read-only first, then gone, then disconnected', () => {
    expect(actionBlockedReason(environmentView({ readOnly: true, name: 'Prod' }), true, false)).toMatch(/Prod is read-only/);
    expect(actionBlockedReason(environmentView(), true, true)).toMatch(/no longer exists/);
    expect(actionBlockedReason(environmentView(), false, false)).toMatch(/not connected/);
    expect(actionBlockedReason(environmentView(), true, false)).toBeNull();
  });

  it('toggles a selection without changing the old one', () => {
    const before = new Set(['1-0']);
    const after = toggleSelection(before, '2-0');
    expect([...after]).toEqual(['1-0', '2-0']);
    expect([...toggleSelection(after, '1-0')]).toEqual(['2-0']);
    expect([...before]).toEqual(['1-0']);
  });

  it('windows a long list: only blocks near the scroll box, with the space before and after', () => {
    const heights = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? 28 : 56));
    const total = heights.reduce((a, b) => a + b, 0);
    const top = visibleBlocks(heights, 0, 800, 100);
    expect(top.first).toBe(0);
    expect(top.before).toBe(0);
    const middle = visibleBlocks(heights, 20_000, 800, 100);
    const shown = heights.slice(middle.first, middle.last).reduce((a, b) => a + b, 0);
    expect(middle.before + shown + middle.after).toBe(total);
    expect(middle.before).toBeLessThanOrEqual(20_000 - 100);
    expect(middle.before + shown).toBeGreaterThanOrEqual(20_000 + 800 + 100);
    expect(middle.last - middle.first).toBeLessThan(50);
    const end = visibleBlocks(heights, total - 800, 800, 100);
    expect(end.last).toBe(1000);
    expect(end.after).toBe(0);
  });
});

describe('liveConsumers: a consumer idle for 43 minutes does not look live (issue 21.9)', () => {
  it('counts consumers that stopped reading apart', () => {
    const consumer = (name: string, idleMs: number) => ({ name, pending: 3, idleMs });
    expect(liveConsumers({ consumers: 2, consumerList: [consumer('a', 1_000), consumer('b', 43 * 60_000)] })).toEqual({ live: 1, inactive: 1 });
    expect(liveConsumers({ consumers: 1, consumerList: [consumer('b', CONSUMER_INACTIVE_AFTER_MS)] })).toEqual({ live: 0, inactive: 1 });
    // No list in the sample: every counted consumer is taken as live.
    expect(liveConsumers({ consumers: 4, consumerList: [] })).toEqual({ live: 4, inactive: 0 });
  });
});

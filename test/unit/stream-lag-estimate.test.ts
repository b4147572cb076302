import { describe, expect, it } from 'vitest';
import { estimateLag, parseGroupRow } from '../../electron/core/brokers/redis/stream-sampler';
import { compareIds } from '../../shared/model/stream-ids';

/** XINFO GROUPS rows as Redis 6.2 sends them: no `entries-read`, no `lag`. */
const redis62Row = (lastDeliveredId: string) => ['name', 'g', 'consumers', 1, 'pending', 2, 'last-delivered-id', lastDeliveredId];
/** The same on Redis 7.2. */
const redis7Row = (lastDeliveredId: string, lag: number | null) => [...redis62Row(lastDeliveredId), 'entries-read', 10, 'lag', lag];

describe('consumer-group lag on Redis 6.2 and 7', () => {
  const stream = { length: 100, firstEntryId: '1000-0', lastEntryId: '2000-0' };

  it('takes the server lag as exact when Redis 7 gives it', () => {
    const group = parseGroupRow(redis7Row('1500-0', 42));
    expect(estimateLag(group, stream)).toEqual({ lag: 42, lagEstimated: false });
  });

  it('parses a 6.2-shaped reply with lag and entries-read unknown', () => {
    const group = parseGroupRow(redis62Row('1500-0'));
    expect(group).toMatchObject({ name: 'g', consumers: 1, pending: 2, lag: null, entriesRead: null, lastDeliveredId: '1500-0' });
  });

  it('interpolates between the first and last entry and marks the value estimated', () => {
    const group = parseGroupRow(redis62Row('1500-0'));
    expect(estimateLag(group, stream)).toEqual({ lag: 50, lagEstimated: true });
    expect(estimateLag(parseGroupRow(redis62Row('1900-5')), stream)).toEqual({ lag: 10, lagEstimated: true });
  });

  it('is exact at the edges: caught up → 0, before the first entry → the whole length', () => {
    expect(estimateLag(parseGroupRow(redis62Row('2000-0')), stream)).toEqual({ lag: 0, lagEstimated: false });
    expect(estimateLag(parseGroupRow(redis62Row('0-0')), stream)).toEqual({ lag: 100, lagEstimated: false });
    expect(estimateLag(parseGroupRow(redis62Row('0-0')), { length: 0, firstEntryId: null, lastEntryId: null })).toEqual({ lag: 0, lagEstimated: false });
  });

  it('never estimates 0 for a group that is behind, nor more than the length', () => {
    expect(estimateLag(parseGroupRow(redis62Row('1999-9')), stream).lag).toBe(1);
    expect(estimateLag(parseGroupRow(redis62Row('1000-0')), stream).lag).toBe(100);
  });

  it('orders ids by time then sequence', () => {
    expect(compareIds('5-1', '5-0')).toBe(1);
    expect(compareIds('4-9', '5-0')).toBe(-1);
    expect(compareIds('10-0', '9-0')).toBe(1);
    expect(compareIds('7-3', '7-3')).toBe(0);
  });
});

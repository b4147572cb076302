import { describe, expect, it } from 'vitest';
import { agedBy, agoText, freshness, streamEntryAge, streamIdTime } from '../../../renderer/src/components/freshness';

describe('freshness (ages keep ticking, stale data is marked)', () => {
  it('grows a measured age by the time since it was received', () => {
    expect(agedBy(357, 1_000, 61_000)).toBe(60_357);
    expect(agedBy(357, 1_000, 500)).toBe(357);
    expect(agedBy(null, 1_000, 61_000)).toBeNull();
  });

  it('counts a stream entry age from its id, not from when the page loaded', () => {
    expect(streamIdTime('1700000000000-3')).toBe(1_700_000_000_000);
    expect(streamIdTime('not-an-id')).toBeNull();
    expect(streamEntryAge('1700000000000-0', 60_000, 1_700_000_060_000, 1_700_000_240_000)).toBe(240_000);
    expect(streamEntryAge('x', 60_000, 1_000, 181_000)).toBe(240_000);
  });

  it('says how long ago and marks a sample stale after three intervals (at least 10 s)', () => {
    expect(freshness(1_000, 2_000, 1000)).toEqual({ label: 'updated just now', isStale: false });
    expect(freshness(0, 9_000, 1000)).toEqual({ label: 'updated 9 s ago', isStale: false });
    expect(freshness(0, 11_000, 1000).isStale).toBe(true);
    expect(freshness(0, 20_000, 10_000).isStale).toBe(false);
    expect(freshness(0, 45 * 60_000, 1000)).toEqual({ label: 'updated 45 min ago', isStale: true });
    expect(agoText(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 5 min ago');
    expect(agoText(3_600_000)).toBe('1 h ago');
  });
});

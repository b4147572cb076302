import { describe, expect, it } from 'vitest';
import { parseStreamPosition, unreadBy } from '../../shared/model/stream-entries';
import { compareIds } from '../../shared/model/stream-ids';

describe('stream entry positions', () => {
  it('takes an entry id, a millisecond time, or a date and time', () => {
    expect(parseStreamPosition(' 1700000000000-3 ')).toBe('1700000000000-3');
    expect(parseStreamPosition('1700000000000')).toBe('1700000000000');
    expect(parseStreamPosition('2026-12-06T14:03:00Z')).toBe(String(Date.UTC(2026, 11, 6, 14, 3, 0)));
    // "2026-12-06 14:03:00" is read as local time, like the clock times the console shows.
    expect(parseStreamPosition('2026-12-06 14:03:00')).toBe(String(new Date(2026, 11, 6, 14, 3, 0).getTime()));
    expect(parseStreamPosition('')).toBeNull();
    expect(parseStreamPosition('yesterday')).toBeNull();
    expect(parseStreamPosition('17-')).toBeNull();
  });

  it('names the groups an entry has not been delivered to yet', () => {
    const groups = [
      { name: 'router', lastDeliveredId: '1700000000000-5' },
      { name: 'archiver', lastDeliveredId: '1699999999999-0' },
      { name: 'fresh', lastDeliveredId: '0-0' },
    ];
    expect(unreadBy('1700000000000-5', groups)).toEqual(['archiver', 'fresh']);
    expect(unreadBy('1700000000000-6', groups)).toEqual(['router', 'archiver', 'fresh']);
    expect(unreadBy('1699999999999-0', groups)).toEqual(['fresh']);
  });

  it('orders ids by time, then by sequence, numerically', () => {
    expect(compareIds('1700000000000-10', '1700000000000-9')).toBe(1);
    expect(compareIds('999-0', '1000-0')).toBe(-1);
    expect(compareIds('5-5', '5-5')).toBe(0);
  });
});

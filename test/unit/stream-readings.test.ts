import { describe, expect, it } from 'vitest';
import { isFullUnsupported, parseFullReply } from '../../electron/core/brokers/redis/stream-readings';

/** An `XINFO STREAM key FULL COUNT 1` reply as Redis 7.0 sends it (Redis 6.2 has no entries-added, lag, max-deleted-entry-id). */
function fullReply({ redis6 = false, maxDeleted = '0-0', lag = 3 as number | null } = {}): unknown[] {
  const group = ['name', 'g', 'last-delivered-id', '1000-2', ...(redis6 ? [] : ['entries-read', 2, 'lag', lag]), 'pel-count', 2, 'pending', [['1000-1', 'c', 1000, 1]], 'consumers', [['name', 'c', 'seen-time', 4000, 'pel-count', 2, 'pending', [['1000-1', 1000, 1]]]]];
  return [
    'length', 5, 'radix-tree-keys', 1, 'radix-tree-nodes', 2, 'last-generated-id', '1000-5',
    ...(redis6 ? [] : ['max-deleted-entry-id', maxDeleted, 'entries-added', 5, 'recorded-first-entry-id', '1000-1']),
    'entries', [['1000-1', ['k', 'v']]], 'groups', [group],
  ];
}

describe('XINFO STREAM FULL readings', () => {
  it('reads counters, groups, consumers (idle from the server clock) and the oldest pending id', () => {
    const reading = parseFullReply(fullReply(), 10_000);
    expect(reading).toMatchObject({ length: 5, entriesAdded: 5, firstEntryId: '1000-1', lastEntryId: '1000-5', lastGeneratedId: '1000-5', needsLastEntry: false });
    expect(reading.groups[0]).toMatchObject({ group: { name: 'g', consumers: 1, pending: 2, lag: 3, entriesRead: 2 }, consumers: [{ name: 'c', pending: 2, idleMs: 6000 }], oldestPendingId: '1000-1' });
    expect(parseFullReply(fullReply(), 3000).groups[0]!.consumers![0]!.idleMs).toBe(0); // never negative
  });

  it('asks for the real last entry only when a lag estimate needs it and the tail may be deleted', () => {
    expect(parseFullReply(fullReply({ lag: null }), 0).needsLastEntry).toBe(false); // nothing deleted at the tail
    expect(parseFullReply(fullReply({ lag: null, maxDeleted: '1000-5' }), 0).needsLastEntry).toBe(true);
    expect(parseFullReply(fullReply({ redis6: true }), 0).needsLastEntry).toBe(true); // Redis 6 never says
    expect(parseFullReply(fullReply({ lag: 3, maxDeleted: '1000-5' }), 0).needsLastEntry).toBe(false); // the server gave the lag
  });

  it('tells a server without FULL (Redis 5) from a missing or wrong key', () => {
    expect(isFullUnsupported(new Error("ERR Unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP."))).toBe(true);
    expect(isFullUnsupported(new Error('ERR syntax error'))).toBe(true);
    expect(isFullUnsupported(new Error('ERR no such key'))).toBe(false);
    expect(isFullUnsupported(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
  });
});

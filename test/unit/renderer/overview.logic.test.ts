import { describe, expect, it } from 'vitest';
import { HISTORY_SAMPLES, appendHistory, applyOverviews, initialOverviewState, retainOverviews } from '../../../renderer/src/stores/overview.logic';
import { group, overview, stream } from './fixtures';

describe('applyOverviews', () => {
  it('stores the latest overview per environment and marks the store loaded', () => {
    const state = applyOverviews(initialOverviewState, [overview('a', 1000, [stream('s', 5)]), overview('b', 1000)]);
    expect(Object.keys(state.byEnv).sort()).toEqual(['a', 'b']);
    expect(state.byEnv.a?.redis.streams?.[0]?.length).toBe(5);
    expect(state.isLoaded).toBe(true);
  });

  it('marks the store loaded even when the host has no environment', () => {
    expect(applyOverviews(initialOverviewState, []).isLoaded).toBe(true);
  });

  it('ignores an overview older than the one held (a slow overview.get after a tick)', () => {
    const fresh = applyOverviews(initialOverviewState, [overview('a', 2000, [stream('s', 9)])]);
    const after = applyOverviews(fresh, [overview('a', 1000, [stream('s', 1)])]);
    expect(after).toBe(fresh);
  });

  it('appends one history sample per new tick and keeps only the last 60', () => {
    let state = initialOverviewState;
    for (let tick = 1; tick <= HISTORY_SAMPLES + 5; tick++) state = applyOverviews(state, [overview('a', tick * 1000, [stream('s', tick)])]);
    const samples = state.history.a?.s ?? [];
    expect(samples).toHaveLength(HISTORY_SAMPLES);
    expect(samples[0]).toBe(6);
    expect(samples.at(-1)).toBe(HISTORY_SAMPLES + 5);
  });

  it('does not add a sample when the same tick arrives twice', () => {
    const once = applyOverviews(initialOverviewState, [overview('a', 1000, [stream('s', 3)])]);
    const twice = applyOverviews(once, [overview('a', 1000, [stream('s', 3)])]);
    expect(twice.history.a?.s).toEqual([3]);
  });

  it('keeps the objects of unchanged streams so memoized rows skip rendering', () => {
    const first = applyOverviews(initialOverviewState, [overview('a', 1000, [stream('same', 1), stream('moving', 1)])]);
    const second = applyOverviews(first, [overview('a', 2000, [stream('same', 1), stream('moving', 2)])]);
    const [same, moving] = second.byEnv.a?.redis.streams ?? [];
    expect(same).toBe(first.byEnv.a?.redis.streams?.[0]);
    expect(moving).not.toBe(first.byEnv.a?.redis.streams?.[1]);
    expect(moving?.length).toBe(2);
    expect(second.byEnv.a?.redis.status).toBe(first.byEnv.a?.redis.status);
  });

  it('reuses the whole stream list when nothing in it changed', () => {
    const first = applyOverviews(initialOverviewState, [overview('a', 1000, [stream('s', 1, { groups: [group('g', { consumers: 1, lastDeliveredId: '1-0' })] })])]);
    const second = applyOverviews(first, [overview('a', 2000, [stream('s', 1, { groups: [group('g', { consumers: 1, lastDeliveredId: '1-0' })] })])]);
    expect(second.byEnv.a?.redis.streams).toBe(first.byEnv.a?.redis.streams);
  });

  it('sees a change of rate, consumer or pending age as a change of the stream', () => {
    const base = stream('s', 1, { addRate: 1, groups: [group('g', { readRate: 2, consumerList: [{ name: 'c', pending: 1, idleMs: 5 }] })] });
    const first = applyOverviews(initialOverviewState, [overview('a', 1000, [base])]);
    const changes: Partial<typeof base>[] = [
      { addRate: 3 },
      { groups: [group('g', { readRate: 9, consumerList: [{ name: 'c', pending: 1, idleMs: 5 }] })] },
      { groups: [group('g', { readRate: 2, consumerList: [{ name: 'c', pending: 1, idleMs: 6 }] })] },
      { groups: [group('g', { readRate: 2, oldestPendingMs: 100, consumerList: [{ name: 'c', pending: 1, idleMs: 5 }] })] },
    ];
    for (const change of changes) {
      const next = applyOverviews(first, [overview('a', 2000, [{ ...base, ...change }])]);
      expect(next.byEnv.a?.redis.streams?.[0]).not.toBe(first.byEnv.a?.redis.streams?.[0]);
    }
    const same = applyOverviews(first, [overview('a', 2000, [structuredClone(base)])]);
    expect(same.byEnv.a?.redis.streams?.[0]).toBe(first.byEnv.a?.redis.streams?.[0]);
  });

  it('sees a change in a consumer group as a change of the stream', () => {
    const g = group('g', { consumers: 1, lastDeliveredId: '1-0' });
    const first = applyOverviews(initialOverviewState, [overview('a', 1000, [stream('s', 1, { groups: [g] })])]);
    const second = applyOverviews(first, [overview('a', 2000, [stream('s', 1, { groups: [{ ...g, pending: 4 }] })])]);
    expect(second.byEnv.a?.redis.streams?.[0]).not.toBe(first.byEnv.a?.redis.streams?.[0]);
    expect(second.byEnv.a?.redis.streams?.[0]?.groups[0]?.pending).toBe(4);
  });

  it('leaves other environments untouched', () => {
    const first = applyOverviews(initialOverviewState, [overview('a', 1000), overview('b', 1000)]);
    const second = applyOverviews(first, [overview('a', 2000)]);
    expect(second.byEnv.b).toBe(first.byEnv.b);
    expect(second.history.b).toBe(first.history.b);
  });

  it('adds up the dropped counts the host reports', () => {
    const first = applyOverviews(initialOverviewState, [], 3);
    expect(applyOverviews(first, [], 2).droppedTotal).toBe(5);
  });

  it('returns the same state for an empty batch once loaded', () => {
    const loaded = applyOverviews(initialOverviewState, [overview('a', 1)]);
    expect(applyOverviews(loaded, [])).toBe(loaded);
  });
});

describe('appendHistory', () => {
  it('drops streams that disappeared', () => {
    const history = appendHistory({ gone: [1, 2], kept: [5] }, [stream('kept', 6)]);
    expect(history).toEqual({ kept: [5, 6] });
  });

  it('keeps the history when the streams cannot be read', () => {
    const previous = { s: [1, 2] };
    expect(appendHistory(previous, null)).toBe(previous);
  });
});

describe('retainOverviews', () => {
  it('forgets removed environments and is a no-op otherwise', () => {
    const state = applyOverviews(initialOverviewState, [overview('a', 1), overview('b', 1)]);
    const retained = retainOverviews(state, new Set(['a']));
    expect(Object.keys(retained.byEnv)).toEqual(['a']);
    expect(Object.keys(retained.history)).toEqual(['a']);
    expect(retainOverviews(retained, new Set(['a']))).toBe(retained);
  });
});

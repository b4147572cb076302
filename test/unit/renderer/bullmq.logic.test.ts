import { describe, expect, it } from 'vitest';
import type { BullOverview, BullQueueHistory, BullQueueInfo } from '../../../shared/model/bullmq';
import { BULL_SPARKLINE_SAMPLES, applyBullOverviews, backlogOf, bullBlockedReason, bullChartRows, initialBullState, retainBull, sortBullQueues } from '../../../renderer/src/stores/bullmq.logic';
import { environmentView } from './fixtures';

const queue = (name: string, overrides: Partial<BullQueueInfo> = {}): BullQueueInfo => ({
  name, waiting: 0, active: 0, delayed: 0, prioritized: 0, failed: 0, completed: 0, waitingChildren: 0, isPaused: false, isDeadLetter: false, ...overrides,
});
const overview = (envId: string, at: number, queues: BullQueueInfo[] | null): BullOverview => ({
  envId, at, status: { state: 'connected', since: 1 }, prefix: 'bull', queues, staleSince: null, truncated: false,
});

describe('BullMQ store logic', () => {
  it('keeps the newest overview per environment and a bounded backlog sparkline per queue', () => {
    let state = applyBullOverviews(initialBullState, [overview('a', 1, [queue('q', { waiting: 2, delayed: 1 })])]);
    state = applyBullOverviews(state, [overview('a', 2, [queue('q', { waiting: 5, prioritized: 1 })])]);
    expect(state.backlog.a!.q).toEqual([3, 6]);
    // An older answer (a slow bullmq.queues) does not replace a newer push.
    const same = applyBullOverviews(state, [overview('a', 1, [queue('q')])]);
    expect(same).toBe(state);
    for (let i = 3; i < 100; i++) state = applyBullOverviews(state, [overview('a', i, [queue('q', { waiting: i })])]);
    expect(state.backlog.a!.q).toHaveLength(BULL_SPARKLINE_SAMPLES);
    expect(state.backlog.a!.q!.at(-1)).toBe(99);
    // A list that cannot be read keeps the sparkline.
    const unreadable = applyBullOverviews(state, [overview('a', 100, null)]);
    expect(unreadable.backlog).toBe(state.backlog);
    expect(retainBull(state, new Set())).toEqual(initialBullState);
  });

  it('counts the backlog as waiting + prioritized + delayed', () => {
    expect(backlogOf(queue('q', { waiting: 1, prioritized: 2, delayed: 3, active: 10 }))).toBe(6);
  });

  it('sorts by name or by a count, ties by name', () => {
    const list = [queue('b', { failed: 1 }), queue('a', { failed: 1 }), queue('c', { failed: 5 })];
    expect(sortBullQueues(list, 'failed', true).map((q) => q.name)).toEqual(['c', 'a', 'b']);
    expect(sortBullQueues(list, 'name', true).map((q) => q.name)).toEqual(['c', 'b', 'a']);
  });

  it('charts the history from the first sample and reports the last waiting count', () => {
    const history: BullQueueHistory = {
      queue: 'q', gone: false, from: 0, stepMs: 1000, points: 3,
      series: [
        { key: 'waiting', label: 'waiting', unit: 'jobs', values: [null, 4, 7] },
        { key: 'failed', label: 'failed', unit: 'jobs', values: [null, 0, 1] },
      ],
    };
    const { rows, last } = bullChartRows(history);
    expect(rows).toEqual([{ at: 1500, waiting: 4, failed: 0 }, { at: 2500, waiting: 7, failed: 1 }]);
    expect(last).toBe(7);
  });

  it('says why actions are disabled', () => {
    expect(bullBlockedReason(environmentView({ readOnly: true, name: 'Prod' }), true, false)).toMatch(/Prod is read-only/);
    expect(bullBlockedReason(environmentView(), true, true)).toMatch(/no longer exists/);
    expect(bullBlockedReason(environmentView(), false, false)).toMatch(/not connected/);
    expect(bullBlockedReason(environmentView(), true, false)).toBeNull();
  });
});

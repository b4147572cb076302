import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlertSummary } from '../../../shared/model/alerts';
import { coalescedAlertPushes } from '../../../renderer/src/stores/sync';

const alert = (id: string) => ({ id }) as AlertSummary;

describe('alert pushes coalesced (issue 19: an escalation storm must not keep the Alerts view busy)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('applies the first push at once, then the ones that follow together, spaced by what an apply cost', () => {
    const applied: [string, string[]][][] = [];
    let now = 0;
    const pushes = coalescedAlertPushes((batches) => {
      applied.push(batches.map(([envId, alerts]) => [envId, alerts.map((a) => a.id)]));
      now += 50; // this apply and its render take 50 ms
    }, { minMs: 100, maxMs: 1000, clock: () => now });
    pushes.push('e1', [alert('a')]);
    expect(applied).toEqual([[['e1', ['a']]]]);
    vi.advanceTimersByTime(0); // the render's end is timed: next apply 4 × 50 = 200 ms after the start
    pushes.push('e1', [alert('b')]);
    pushes.push('e2', [alert('c')]);
    pushes.push('e1', [alert('d')]);
    expect(applied).toHaveLength(1);
    now = 150;
    vi.advanceTimersByTime(140);
    expect(applied).toHaveLength(1);
    now = 200;
    vi.advanceTimersByTime(60);
    expect(applied[1]).toEqual([
      ['e1', ['b', 'd']],
      ['e2', ['c']],
    ]);
  });

  it('after a quiet spell a push is applied at once again; stop drops what waits', () => {
    const applied: string[] = [];
    let now = 0;
    const pushes = coalescedAlertPushes((batches) => applied.push(...batches.flatMap(([, a]) => a.map((x) => x.id))), { minMs: 100, clock: () => now });
    pushes.push('e1', [alert('a')]);
    vi.advanceTimersByTime(0);
    now = 5_000;
    pushes.push('e1', [alert('b')]);
    expect(applied).toEqual(['a', 'b']);
    pushes.push('e1', [alert('c')]);
    pushes.stop();
    now = 10_000;
    vi.runAllTimers();
    expect(applied).toEqual(['a', 'b']);
  });
});

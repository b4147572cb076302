import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyedBatcher } from '../../electron/core/monitor/push-batcher';

describe('KeyedBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('flushes at most once per interval, latest value per key, with a dropped count over the cap', () => {
    const flushes: { items: number[]; dropped: number }[] = [];
    const batcher = new KeyedBatcher<number>((items, dropped) => flushes.push({ items, dropped }), 250, 2, () => Date.now());
    for (let i = 0; i < 100; i++) {
      batcher.push('a', i);
      batcher.push('b', i);
      batcher.push(`extra-${i}`, i);
    }
    expect(flushes).toHaveLength(0);
    vi.advanceTimersByTime(0);
    expect(flushes).toEqual([{ items: [99, 99], dropped: 100 }]);
    batcher.push('a', 1);
    vi.advanceTimersByTime(100);
    expect(flushes).toHaveLength(1);
    vi.advanceTimersByTime(200);
    expect(flushes).toHaveLength(2);
    expect(flushes[1]).toEqual({ items: [1], dropped: 0 });
  });
});

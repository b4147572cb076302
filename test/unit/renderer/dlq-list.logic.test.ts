import { describe, expect, it } from 'vitest';
import {
  DLQ_ROW_HEIGHT,
  appendPage,
  describeWindow,
  emptyLoaded,
  leadingRows,
  moveCursor,
  scrollForKey,
  scrollShift,
  scrollToShow,
  shouldLoadMore,
  visibleRange,
  type LoadedEntries,
} from '../../../renderer/src/features/dead-letters/dead-letters-list.logic';

const format = (n: number) => n.toLocaleString('en-US');
const page = (from: number, n: number, isLast = false) => ({
  entries: Array.from({ length: n }, (_, i) => ({ id: `${from + i}-0` })),
  nextAfter: isLast ? null : `${from + n - 1}-0`,
});

describe('DLQ list: loading pages', () => {
  it('appends pages in order and takes the cursor and the end from the last one', () => {
    let loaded: LoadedEntries<{ id: string }> = emptyLoaded();
    expect(loaded.isStarted).toBe(false);
    loaded = appendPage(loaded, page(0, 3)).loaded;
    loaded = appendPage(loaded, page(3, 2, true)).loaded;
    expect(loaded.entries.map((e) => e.id)).toEqual(['0-0', '1-0', '2-0', '3-0', '4-0']);
    expect(loaded).toMatchObject({ dropped: 0, nextAfter: null, isStarted: true, isEnd: true });
  });

  it('skips ids already loaded (an entry shows once)', () => {
    const first = appendPage(emptyLoaded(), page(0, 3)).loaded;
    const next = appendPage(first, { entries: [{ id: '2-0' }, { id: '3-0' }], nextAfter: '3-0' }).loaded;
    expect(next.entries.map((e) => e.id)).toEqual(['0-0', '1-0', '2-0', '3-0']);
  });

  it('drops the earliest-loaded entries past the cap and counts them', () => {
    let loaded: LoadedEntries<{ id: string }> = emptyLoaded();
    for (let p = 0; p < 5; p++) loaded = appendPage(loaded, page(p * 200, 200), 500).loaded;
    expect(loaded.entries).toHaveLength(500);
    expect(loaded.dropped).toBe(500);
    expect(loaded.entries[0]!.id).toBe('500-0');
    expect(loaded.entries.at(-1)!.id).toBe('999-0');
    const step = appendPage(loaded, page(1000, 200), 500);
    expect(step.removed).toBe(200);
    expect(step.loaded.dropped).toBe(700);
  });

  it('keeps the view still when dropping: the removed rows, less the "unloaded" row that appears', () => {
    expect(leadingRows({ dropped: 0 })).toBe(0);
    expect(leadingRows({ dropped: 3 })).toBe(1);
    expect(scrollShift({ dropped: 0 }, { dropped: 200 })).toBe(199 * DLQ_ROW_HEIGHT);
    expect(scrollShift({ dropped: 200 }, { dropped: 400 })).toBe(200 * DLQ_ROW_HEIGHT);
    expect(scrollShift({ dropped: 5 }, { dropped: 5 })).toBe(0);
  });
});

describe('DLQ list: windowing', () => {
  it('renders the rows in view plus the overscan, with spacers for the rest', () => {
    expect(visibleRange(10_000, 0, 300, 1, 30, 10)).toEqual({ first: 0, last: 19, before: 0, after: (10_000 - 19) * 30, shownFirst: 0, shownLast: 9 });
    const deep = visibleRange(10_000, 30 * 5000, 300, 1, 30, 10);
    expect(deep.shownFirst).toBe(4999);
    expect(deep.first).toBe(4989);
    expect(deep.last).toBe(5019);
    expect(deep.last - deep.first).toBeLessThanOrEqual(40);
    expect(deep.before + (deep.last - deep.first) * 30 + deep.after).toBe(10_000 * 30);
  });

  it('stays inside the list at the ends and for an empty list', () => {
    expect(visibleRange(0, 500, 300)).toMatchObject({ first: 0, last: 0, before: 0, after: 0 });
    const end = visibleRange(50, 10_000, 300, 1, 30, 10);
    expect(end).toMatchObject({ first: 40, last: 50, after: 0, before: 40 * 30 });
  });

  it('fetches more only near the end, when started, not at the end, and nothing in flight or failed', () => {
    const loaded = appendPage(emptyLoaded(), page(0, 200)).loaded;
    const near = visibleRange(200, 150 * 30, 600, 1, 30, 10);
    const far = visibleRange(200, 0, 600, 1, 30, 10);
    const idle = { isLoading: false, hasError: false };
    expect(shouldLoadMore(loaded, near, idle)).toBe(true);
    expect(shouldLoadMore(loaded, far, idle)).toBe(false);
    expect(shouldLoadMore(loaded, near, { isLoading: true, hasError: false })).toBe(false);
    expect(shouldLoadMore(loaded, near, { isLoading: false, hasError: true })).toBe(false);
    expect(shouldLoadMore({ ...loaded, isEnd: true }, near, idle)).toBe(false);
    expect(shouldLoadMore(emptyLoaded(), near, idle)).toBe(false);
  });
});

describe('DLQ list: keyboard and header', () => {
  it('moves the cursor within the list and scrolls it into view', () => {
    expect(moveCursor(-1, 1, 5)).toBe(0);
    expect(moveCursor(-1, -1, 5)).toBe(4);
    expect(moveCursor(4, 1, 5)).toBe(4);
    expect(moveCursor(0, -1, 5)).toBe(0);
    expect(moveCursor(2, 1, 0)).toBe(-1);
    expect(scrollToShow(20, 0, 300, 0, 30)).toBe(20 * 30 + 30 - 300);
    expect(scrollToShow(2, 0, 300, 0, 30)).toBeNull();
    expect(scrollToShow(3, 600, 300, 0, 30)).toBe(2 * 30);
  });

  it('scrolls for Home, End, PageUp and PageDown only', () => {
    expect(scrollForKey('End', 0, 300, 3000, 30)).toBe(2700);
    expect(scrollForKey('Home', 900, 300, 3000, 30)).toBe(0);
    expect(scrollForKey('PageDown', 0, 300, 3000, 30)).toBe(240);
    expect(scrollForKey('PageDown', 2600, 300, 3000, 30)).toBe(2700);
    expect(scrollForKey('PageUp', 100, 300, 3000, 30)).toBe(0);
    expect(scrollForKey('a', 0, 300, 3000, 30)).toBeNull();
  });

  it('says which positions are shown, of how many, and how many are loaded or unloaded', () => {
    const loaded = appendPage(emptyLoaded(), page(0, 200)).loaded;
    expect(describeWindow(loaded, visibleRange(200, 0, 330, 1, 30, 10), 1_000_000, format)).toBe('showing 1–10 of 1,000,000 · 200 loaded so far');
    const dropped = { ...loaded, dropped: 400 };
    expect(describeWindow(dropped, visibleRange(200, 31 * 30, 330, 2, 30, 10), 1_000_000, format)).toBe('showing 430–440 of 1,000,000 · 200 loaded so far, 400 earlier unloaded');
    expect(describeWindow({ ...loaded, isEnd: true }, visibleRange(200, 0, 330, 1, 30, 10), null, format)).toBe('showing 1–10 · 200 loaded (all)');
    expect(describeWindow(emptyLoaded(), visibleRange(0, 0, 330), 0, format)).toBe('0 of 0');
  });
});

/**
 * The Redis DLQ entry list: pages fetched with an exclusive cursor are appended at the bottom,
 * the oldest-loaded entries are dropped from the top past a cap (so memory stays bounded however
 * far one scrolls), and only the rows in view are rendered (fixed row height, spacer rows).
 */

/** Height in px of every row of the list (header, entries and the status rows; CSS keeps it so). */
export const DLQ_ROW_HEIGHT = 30;
/** Entries asked for per `dlq.list` call. */
export const DLQ_PAGE = 200;
/** At most this many entries stay loaded; past it the earliest-loaded ones are dropped. */
export const DLQ_MAX_LOADED = 10_000;
/** Rows rendered above and below the viewport. */
export const DLQ_OVERSCAN = 10;
/** The next page is fetched when the last rendered row is this close to the end of what is loaded. */
export const DLQ_PREFETCH_ROWS = 60;

/** What of one DLQ (in one order) is loaded. */
export interface LoadedEntries<T extends { id: string }> {
  entries: readonly T[];
  /** Entries loaded earlier and dropped from the top (they come before `entries[0]`). */
  dropped: number;
  /** Cursor for the next page; null before the first page and at the end. */
  nextAfter: string | null;
  /** The first page has been loaded. */
  isStarted: boolean;
  /** The last page has been loaded (`nextAfter` was null). */
  isEnd: boolean;
}

export function emptyLoaded<T extends { id: string }>(): LoadedEntries<T> {
  return { entries: [], dropped: 0, nextAfter: null, isStarted: false, isEnd: false };
}

/**
 * Appends a page (ids already loaded are skipped: an entry shows once) and, past `max`, drops
 * the earliest-loaded entries from the top. `removed` is how many were dropped by this call.
 */
export function appendPage<T extends { id: string }>(
  loaded: LoadedEntries<T>,
  page: { entries: readonly T[]; nextAfter: string | null },
  max = DLQ_MAX_LOADED,
): { loaded: LoadedEntries<T>; removed: number } {
  const known = new Set(loaded.entries.map((e) => e.id));
  const fresh = page.entries.filter((e) => !known.has(e.id));
  const all = [...loaded.entries, ...fresh];
  const removed = Math.max(0, all.length - Math.max(1, max));
  return {
    loaded: { entries: removed > 0 ? all.slice(removed) : all, dropped: loaded.dropped + removed, nextAfter: page.nextAfter, isStarted: true, isEnd: page.nextAfter === null },
    removed,
  };
}

/** Rows above the first entry: the "earlier entries unloaded" row when some were dropped. */
export function leadingRows(loaded: { dropped: number }): number {
  return loaded.dropped > 0 ? 1 : 0;
}

/**
 * How far to move the scroll position up after `before` became `after`, so the rows in view stay
 * where they are: the removed entries' height, less the "unloaded" row when it just appeared.
 */
export function scrollShift(before: { dropped: number }, after: { dropped: number }, rowHeight = DLQ_ROW_HEIGHT): number {
  const removed = after.dropped - before.dropped;
  return (removed - (leadingRows(after) - leadingRows(before))) * rowHeight;
}

export interface RowRange {
  /** Index of the first entry rendered. */
  first: number;
  /** One past the last entry rendered. */
  last: number;
  /** Height of the spacer above the first rendered entry (below the leading rows). */
  before: number;
  /** Height of the spacer below the last rendered entry. */
  after: number;
  /** The entries actually in the viewport (no overscan): first index and one past the last. */
  shownFirst: number;
  shownLast: number;
}

/**
 * Which of `count` fixed-height entries to render for a scroll box, with `overscan` rows around.
 * `offsetRows` rows (the header, the "unloaded" row) come before the first entry.
 */
export function visibleRange(count: number, scrollTop: number, viewport: number, offsetRows = 0, rowHeight = DLQ_ROW_HEIGHT, overscan = DLQ_OVERSCAN): RowRange {
  const top = Math.max(0, scrollTop - offsetRows * rowHeight);
  const shownFirst = Math.min(count, Math.floor(top / rowHeight));
  const shownLast = Math.min(count, Math.max(shownFirst, Math.ceil(Math.max(0, scrollTop + viewport - offsetRows * rowHeight) / rowHeight)));
  const first = Math.max(0, shownFirst - overscan);
  const last = Math.min(count, shownLast + overscan);
  return { first, last, before: first * rowHeight, after: (count - last) * rowHeight, shownFirst, shownLast };
}

/** Whether to fetch the next page now: started, not at the end, nothing in flight or failed, and the view near the end. */
export function shouldLoadMore(loaded: LoadedEntries<{ id: string }>, range: RowRange, state: { isLoading: boolean; hasError: boolean }, prefetch = DLQ_PREFETCH_ROWS): boolean {
  if (!loaded.isStarted || loaded.isEnd || state.isLoading || state.hasError) return false;
  return range.last >= loaded.entries.length - prefetch;
}

/** The scroll position that keeps entry `index` in view (null: it is in view already). */
export function scrollToShow(index: number, scrollTop: number, viewport: number, offsetRows = 0, rowHeight = DLQ_ROW_HEIGHT, stickyRows = 1): number | null {
  const top = (offsetRows + index) * rowHeight;
  if (top - stickyRows * rowHeight < scrollTop) return Math.max(0, top - stickyRows * rowHeight);
  if (top + rowHeight > scrollTop + viewport) return top + rowHeight - viewport;
  return null;
}

/** The cursor's next index for j/k and the arrows; -1 when nothing is loaded. */
export function moveCursor(index: number, delta: number, count: number): number {
  if (count === 0) return -1;
  if (index < 0) return delta > 0 ? 0 : count - 1;
  return Math.min(count - 1, Math.max(0, index + delta));
}

/** The scroll position after Home/End/PageUp/PageDown (null: not a scrolling key). */
export function scrollForKey(key: string, scrollTop: number, viewport: number, scrollHeight: number, rowHeight = DLQ_ROW_HEIGHT): number | null {
  const max = Math.max(0, scrollHeight - viewport);
  const page = Math.max(rowHeight, viewport - 2 * rowHeight);
  switch (key) {
    case 'Home':
      return 0;
    case 'End':
      return max;
    case 'PageDown':
      return Math.min(max, scrollTop + page);
    case 'PageUp':
      return Math.max(0, scrollTop - page);
    default:
      return null;
  }
}

/**
 * The list header's count, positions counted from the start of the DLQ in the chosen order:
 * "showing 10,201–10,230 of 1,000,000 · 10,000 loaded, 400 earlier unloaded".
 */
export function describeWindow(loaded: LoadedEntries<{ id: string }>, range: RowRange, total: number | null, format: (n: number) => string): string {
  const of = total === null ? '' : ` of ${format(Math.max(total, loaded.dropped + loaded.entries.length))}`;
  if (loaded.entries.length === 0) return total === null ? 'nothing loaded' : `0${of}`;
  const from = loaded.dropped + Math.min(range.shownFirst, loaded.entries.length - 1) + 1;
  const to = Math.max(from, loaded.dropped + Math.min(range.shownLast, loaded.entries.length));
  const unloaded = loaded.dropped > 0 ? `, ${format(loaded.dropped)} earlier unloaded` : '';
  const end = loaded.isEnd ? ' (all)' : ' so far';
  return `showing ${format(from)}–${format(to)}${of} · ${format(loaded.entries.length)} loaded${end}${unloaded}`;
}

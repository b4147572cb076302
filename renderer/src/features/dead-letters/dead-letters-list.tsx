import { memo, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { DeadLetterEntry } from '../../../../shared/model/dead-letter';
import { streamEntryAge } from '../../components/freshness';
import { useNow } from '../../components/use-now';
import { leadingRows, moveCursor, scrollForKey, scrollShift, scrollToShow, visibleRange, type RowRange } from './dead-letters-list.logic';
import { formatAge } from '../../components/format';

const COLUMNS = 7;

/**
 * The windowed entry table of a Redis DLQ: fixed-height rows, only those in (and near) the scroll
 * box rendered between two spacer rows. `head` (the "earlier entries unloaded" row) comes first,
 * `foot` (loading / error / end) last. j/k or the arrows move the cursor, Enter opens it, x or
 * Space selects it, Home/End/PageUp/PageDown scroll.
 */
export function DeadLetterList({
  entries,
  dropped,
  selection,
  openId,
  hasDetail,
  scrollRef,
  head,
  foot,
  caption,
  onRange,
  onInspect,
  onToggle,
  onToggleAll,
}: {
  entries: readonly DeadLetterEntry[];
  /** Entries dropped above (shown as the `head` row when more than 0). */
  dropped: number;
  selection: ReadonlySet<string>;
  openId: string | null;
  hasDetail: boolean;
  scrollRef: React.RefObject<HTMLDivElement | null>;
  head: ReactNode;
  foot: ReactNode;
  /** The count line above the table, for the rows in view. */
  caption: (range: RowRange) => ReactNode;
  onRange: (range: RowRange) => void;
  onInspect: (id: string) => void;
  onToggle: (id: string) => void;
  onToggleAll: () => void;
}) {
  const [scrollTop, setScrollTop] = useState(0);
  const now = useNow(5000);
  const [cursor, setCursor] = useState<string | null>(null);
  const frame = useRef<number | null>(null);
  const box = scrollRef;
  const viewport = box.current?.clientHeight ?? 600;
  // The sticky header row, plus the "unloaded" row when shown.
  const offsetRows = 1 + leadingRows({ dropped });
  const range = visibleRange(entries.length, box.current?.scrollTop ?? scrollTop, viewport, offsetRows);
  const allSelected = useMemo(() => entries.length > 0 && entries.every((e) => selection.has(e.id)), [entries, selection]);
  const cursorIndex = useMemo(() => (cursor === null ? -1 : entries.findIndex((e) => e.id === cursor)), [entries, cursor]);

  // Entries dropped from the top: move the scroll position up by their height (before the paint)
  // so the rows in view stay where they are.
  const lastDropped = useRef(dropped);
  useLayoutEffect(() => {
    const before = lastDropped.current;
    lastDropped.current = dropped;
    const el = box.current;
    if (el === null || dropped <= before) return;
    el.scrollTop -= scrollShift({ dropped: before }, { dropped });
    setScrollTop(el.scrollTop);
  }, [dropped, box]);
  // Asks for more near the end, from where the box is scrolled now (not where it was at render).
  useLayoutEffect(() => {
    const el = box.current;
    onRange(el ? visibleRange(entries.length, el.scrollTop, el.clientHeight, offsetRows) : range);
  });

  const sync = () => {
    if (frame.current !== null) cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      if (box.current) setScrollTop(box.current.scrollTop);
    });
  };
  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    const el = event.currentTarget;
    if (event.target !== el || event.ctrlKey || event.metaKey || event.altKey) return;
    const scrolled = scrollForKey(event.key, el.scrollTop, el.clientHeight, el.scrollHeight);
    if (scrolled !== null) {
      event.preventDefault();
      el.scrollTop = scrolled;
      sync();
      return;
    }
    const delta = event.key === 'j' || event.key === 'ArrowDown' ? 1 : event.key === 'k' || event.key === 'ArrowUp' ? -1 : 0;
    if (delta !== 0) {
      event.preventDefault();
      const next = moveCursor(cursorIndex, delta, entries.length);
      if (next < 0) return;
      setCursor(entries[next]!.id);
      const to = scrollToShow(next, el.scrollTop, el.clientHeight, offsetRows - 1);
      if (to !== null) {
        el.scrollTop = to;
        sync();
      }
    } else if (event.key === 'Enter' && cursorIndex >= 0) {
      event.preventDefault();
      onInspect(entries[cursorIndex]!.id);
    } else if ((event.key === 'x' || event.key === ' ') && cursorIndex >= 0) {
      event.preventDefault();
      onToggle(entries[cursorIndex]!.id);
    }
  };

  return (
    <>
      {caption(range)}
    <div
      ref={box}
      className={hasDetail ? 'dlq-scroll has-detail' : 'dlq-scroll'}
      data-testid="dlq-scroll"
      tabIndex={0}
      aria-label="Dead letters (j/k move, Enter opens, x selects, Home/End/PageUp/PageDown scroll)"
      onScroll={sync}
      onKeyDown={onKeyDown}
    >
      <table className="data-table dlq-table" data-testid="dlq-table" aria-rowcount={dropped + entries.length}>
        <thead>
          <tr>
            <th scope="col">
              <input type="checkbox" aria-label="Select every loaded entry" data-testid="dlq-select-all" checked={allSelected} disabled={entries.length === 0} onChange={onToggleAll} />
            </th>
            <th scope="col">Age</th>
            <th scope="col">Origin</th>
            <th scope="col">Error</th>
            <th scope="col" className="num">
              Attempts
            </th>
            <th scope="col" className="num">
              Replays
            </th>
            <th scope="col">Payload</th>
          </tr>
        </thead>
        <tbody>
          {head}
          {range.before > 0 ? (
            <tr aria-hidden="true" className="dlq-spacer" style={{ height: range.before }}>
              <td colSpan={COLUMNS} />
            </tr>
          ) : null}
          {entries.slice(range.first, range.last).map((e, i) => (
            <Row key={e.id} entry={e} position={dropped + range.first + i + 1} isSelected={selection.has(e.id)} isOpen={openId === e.id} isCursor={cursor === e.id} now={now} onInspect={onInspect} onToggle={onToggle} />
          ))}
          {range.after > 0 ? (
            <tr aria-hidden="true" className="dlq-spacer" style={{ height: range.after }}>
              <td colSpan={COLUMNS} />
            </tr>
          ) : null}
          {foot}
        </tbody>
      </table>
    </div>
    </>
  );
}

/** A status row of the list (same height as an entry row). */
export function StatusRow({ testId, tone, children }: { testId: string; tone?: 'bad' | 'muted'; children: ReactNode }) {
  return (
    <tr className="dlq-status-row" data-testid={testId}>
      <td colSpan={COLUMNS} className={tone === 'bad' ? 'bad' : 'muted'}>
        {children}
      </td>
    </tr>
  );
}

const Row = memo(function Row({
  entry: e,
  position,
  isSelected,
  isOpen,
  isCursor,
  now,
  onInspect,
  onToggle,
}: {
  entry: DeadLetterEntry;
  position: number;
  isSelected: boolean;
  isOpen: boolean;
  isCursor: boolean;
  /** The client's clock: an entry's age is counted from its id, so it stays true while the page is open. */
  now: number;
  onInspect: (id: string) => void;
  onToggle: (id: string) => void;
}) {
  return (
    <tr
      data-testid={`dlq-row-${e.id}`}
      aria-rowindex={position}
      aria-selected={isCursor}
      className={`streams-row dlq-row${isOpen ? ' streams-row-selected' : ''}${isCursor ? ' is-cursor' : ''}`}
      onClick={() => onInspect(e.id)}
    >
      <td onClick={(event) => event.stopPropagation()}>
        <input type="checkbox" aria-label={`Select ${e.id}`} data-testid={`dlq-select-${e.id}`} checked={isSelected} onChange={() => onToggle(e.id)} />
      </td>
      <td className="small nowrap" title={e.id}>
        {formatAge(streamEntryAge(e.id, e.ageMs, now, now))}
      </td>
      <td className="mono small" title={e.originStream ?? undefined}>
        {e.originStream ?? '—'}
      </td>
      <td className="small bad" title={e.error ?? undefined}>
        {e.error ?? '—'}
      </td>
      <td className="num">{e.attempts ?? '—'}</td>
      <td className={e.replayCount > 0 ? 'num warn' : 'num'}>{e.replayCount}</td>
      <td className="mono small dlq-preview">{e.payload ? (e.payload.encoding === 'hex' ? `hex ${e.payload.preview.slice(0, 80)}` : e.payload.preview.slice(0, 120)) : '—'}</td>
    </tr>
  );
});

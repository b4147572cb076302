import { memo, type JSX, useMemo, useRef, useState } from 'react';
import type { StreamGroupInfo, StreamInfo } from '../../../../shared/model/overview';
import { formatAge, formatCount, formatRate } from '../../components/format';
import { Sparkline } from '../../components/sparkline';
import type { StreamHistory as Sparklines } from '../../stores/overview.logic';
import { BullInternalTag } from './bull-internals';
import { CONSUMER_INACTIVE_AFTER_MS, DEFAULT_STREAM_SORT, liveConsumers, ROW_HEIGHT, VIRTUALIZE_ABOVE, nextStreamSort, sortStreams, streamTotals, visibleBlocks, type StreamSort, type StreamSortKey } from './streams.logic';

const COLUMNS: { key: StreamSortKey; label: string; title?: string }[] = [
  { key: 'length', label: 'Length', title: 'Entries in the stream now' },
  { key: 'addRate', label: 'Added/s', title: 'Entries added per second' },
  { key: 'lag', label: 'Lag', title: 'Entries not yet delivered to the group (worst group on the stream row); ≈ = estimated (Redis < 7 or deleted entries)' },
  { key: 'pending', label: 'Pending', title: 'Delivered but not acknowledged' },
  { key: 'oldestPending', label: 'Oldest pending', title: 'Age of the oldest delivered-but-unacknowledged entry' },
  { key: 'consumers', label: 'Consumers' },
];
const EMPTY: readonly number[] = [];
/** Lag above which a group is flagged (seed 000's queue-health threshold). */
const LAG_WARN = 1000;

/** Every stream of one environment with its consumer groups under it, sortable by any column; a click opens the detail. */
export function StreamsTable({
  streams,
  sparklines,
  isStale,
  selected,
  onSelect,
}: {
  streams: readonly StreamInfo[];
  sparklines: Sparklines | undefined;
  isStale: boolean;
  selected: string | null;
  onSelect: (name: string) => void;
}) {
  const [sort, setSort] = useState<StreamSort>(DEFAULT_STREAM_SORT);
  const sorted = useMemo(() => sortStreams(streams, sort), [streams, sort]);
  const header = (key: StreamSortKey, label: string, className?: string, title?: string) => (
    <th scope="col" className={className} aria-sort={sort.key === key ? (sort.isDescending ? 'descending' : 'ascending') : 'none'} title={title}>
      <button type="button" className="streams-sort-button" data-testid={`sort-${key}`} onClick={() => setSort((s) => nextStreamSort(s, key))}>
        {label}
        {sort.key === key ? <span aria-hidden="true">{sort.isDescending ? ' ▼' : ' ▲'}</span> : null}
      </button>
    </th>
  );
  const isWindowed = sorted.length > VIRTUALIZE_ABOVE;
  const table = (rows: readonly StreamInfo[], before = 0, after = 0) => (
    <table className={isStale ? 'data-table streams-table is-stale' : 'data-table streams-table'} data-testid="streams-table">
      <thead>
        <tr>
          {header('name', 'Stream / group')}
          {COLUMNS.map((c) => header(c.key, c.label, 'num', c.title))}
          <th scope="col">Length, last minute</th>
        </tr>
      </thead>
      {before > 0 ? <Spacer height={before} /> : null}
      {rows.map((stream) => (
        <StreamRows key={stream.name} stream={stream} samples={sparklines?.[stream.name] ?? EMPTY} isSelected={stream.name === selected} onSelect={onSelect} />
      ))}
      {after > 0 ? <Spacer height={after} /> : null}
    </table>
  );
  if (!isWindowed) return table(sorted);
  return <WindowedTable streams={sorted} render={table} />;
}

/**
 * A long list renders only the streams in (and near) its scroll box: each update then costs the
 * same for 100 or 5,000 streams. Rows have a fixed height, so positions are plain arithmetic.
 */
function WindowedTable({ streams, render }: { streams: readonly StreamInfo[]; render: (rows: readonly StreamInfo[], before: number, after: number) => JSX.Element }) {
  const [scrollTop, setScrollTop] = useState(0);
  const frame = useRef<number | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const heights = useMemo(() => streams.map((s) => ROW_HEIGHT * (1 + s.groups.length)), [streams]);
  const viewport = box.current?.clientHeight ?? 800;
  const { first, last, before, after } = visibleBlocks(heights, scrollTop, viewport);
  return (
    <div
      ref={box}
      className="streams-scroll"
      data-testid="streams-scroll"
      onScroll={(e) => {
        const top = e.currentTarget.scrollTop;
        if (frame.current !== null) cancelAnimationFrame(frame.current);
        frame.current = requestAnimationFrame(() => setScrollTop(top));
      }}
    >
      {render(streams.slice(first, last), before, after)}
    </div>
  );
}

function Spacer({ height }: { height: number }) {
  return (
    <tbody aria-hidden="true">
      <tr style={{ height }} />
    </tbody>
  );
}

/** One stream: its row, then a row per consumer group (each memoized on its own, so an unchanged group does not render). */
const StreamRows = memo(function StreamRows({
  stream,
  samples,
  isSelected,
  onSelect,
}: {
  stream: StreamInfo;
  samples: readonly number[];
  isSelected: boolean;
  onSelect: (name: string) => void;
}) {
  const totals = streamTotals(stream);
  const classes = ['streams-row', stream.isDeadLetter ? 'row-dlq' : '', isSelected ? 'streams-row-selected' : ''].filter(Boolean).join(' ');
  const isDlqGrowing = stream.isDeadLetter && stream.length > 0;
  return (
    <tbody className="streams-body">
      <tr className={classes} data-testid={`streams-row-${stream.name}`} onClick={() => onSelect(stream.name)} aria-selected={isSelected}>
        <th scope="row" className="name-cell">
          <button type="button" className="streams-link-button mono" onClick={(e) => (e.stopPropagation(), onSelect(stream.name))} aria-expanded={isSelected}>
            {stream.name}
          </button>
          {stream.isDeadLetter ? (
            <span className="tag tag-dlq" title="Dead-letter stream">
              DLQ
            </span>
          ) : null}
          {stream.bullQueue !== null ? <BullInternalTag queue={stream.bullQueue} /> : null}
        </th>
        <td className={isDlqGrowing ? 'num warn' : 'num'} data-testid="streams-length">
          {formatCount(stream.length)}
        </td>
        <td className="num" data-testid="streams-rate">
          {formatRate(stream.addRate)}
        </td>
        <td className={totals.worstLag !== null && totals.worstLag > LAG_WARN ? 'num bad' : 'num'} data-testid="streams-lag">
          {stream.groups.length === 0 ? '—' : <LagText lag={totals.worstLag} isEstimated={totals.isLagEstimated} />}
        </td>
        <td className="num">{stream.groups.length === 0 ? '—' : formatCount(totals.pending)}</td>
        <td className="num">{formatAge(totals.oldestPendingMs)}</td>
        <td className="num">{stream.groups.length === 0 ? <span className="muted">no group</span> : formatCount(totals.consumers)}</td>
        <td>
          <Sparkline values={samples} label={`Length of ${stream.name} over the last minute`} />
        </td>
      </tr>
      {stream.groups.map((group) => (
        <GroupRow key={group.name} stream={stream.name} group={group} />
      ))}
    </tbody>
  );
});

const GroupRow = memo(function GroupRow({ stream, group }: { stream: string; group: StreamGroupInfo }) {
  const { live, inactive } = liveConsumers(group);
  // Entries wait and nobody reads them: no consumer, or only ones that stopped reading.
  const isIdle = live === 0 && ((group.lag ?? 0) > 0 || (group.pending > 0 && inactive > 0));
  return (
    <tr className="streams-group-row" data-testid={`streams-group-${stream}-${group.name}`}>
      <th scope="row" className="streams-group-name">
        <span aria-hidden="true">↳ </span>
        <span className="mono">{group.name}</span>
      </th>
      <td className="num muted">group</td>
      <td className="num" title="Entries read per second by the group">
        {group.readRate === null ? '—' : `${formatRate(group.readRate)} read`}
      </td>
      <td className={group.lag !== null && group.lag > LAG_WARN ? 'num bad' : 'num'} data-testid="group-lag">
        <LagText lag={group.lag} isEstimated={group.lagEstimated} />
      </td>
      <td className="num" data-testid="group-pending">
        {formatCount(group.pending)}
      </td>
      <td className="num">{formatAge(group.oldestPendingMs)}</td>
      <td className={isIdle ? 'num bad' : 'num'} title={isIdle ? (inactive > 0 ? 'Entries are waiting and no consumer has read for 5 min or more' : 'Entries are waiting and no consumer is attached') : undefined} data-testid="group-consumers">
        {formatCount(group.consumers)}
        {inactive > 0 ? <span className="muted small"> ({formatCount(inactive)} inactive)</span> : null}
      </td>
      <td className="streams-consumers small">
        {group.consumerList.length === 0
          ? null
          : group.consumerList.map((c) => (
              c.idleMs >= CONSUMER_INACTIVE_AFTER_MS ? (
                <span key={c.name} className="streams-consumer is-inactive" data-testid="consumer-inactive" title={`${c.name}: no read for ${formatAge(c.idleMs)}, most likely gone; its ${c.pending} pending entries wait until claimed (Pending → Claim idle…) or the consumer is deleted`}>
                  <span className="mono">{c.name}</span> {formatCount(c.pending)}p · inactive {formatAge(c.idleMs)}
                </span>
              ) : (
                <span key={c.name} className="streams-consumer" title={`${c.name}: ${c.pending} pending, idle ${formatAge(c.idleMs)}`}>
                  <span className="mono">{c.name}</span> {formatCount(c.pending)}p · idle {formatAge(c.idleMs)}
                </span>
              )
            ))}
      </td>
    </tr>
  );
});

function LagText({ lag, isEstimated }: { lag: number | null; isEstimated: boolean }) {
  if (lag === null) return <abbr title="The server cannot tell the lag of this group">n/a</abbr>;
  if (!isEstimated) return <>{formatCount(lag)}</>;
  return <abbr title="Estimated from entry ids: Redis < 7, or entries were deleted from the stream">≈{formatCount(lag)}</abbr>;
}

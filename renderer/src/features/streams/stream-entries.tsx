import { Fragment, useCallback, useEffect, useRef, useState } from 'react';
import type { EnvironmentView } from '../../../../shared/model/environment';
import type { StreamGroupInfo } from '../../../../shared/model/overview';
import { parseStreamPosition, STREAM_ENTRY_LIMITS, unreadBy, type StreamEntriesPage, type StreamEntry } from '../../../../shared/model/stream-entries';
import { formatAge, formatBytes, formatClock, formatCount, formatDateTime } from '../../components/format';
import { agoText } from '../../components/freshness';
import { showValue } from '../../components/payload-text';
import { useNow } from '../../components/use-now';
import { useServices } from '../../services';
import { revealStreamEntry } from '../../actions/reveal-actions';
import { RevealControl, isMaskedText } from '../../components/reveal-control';
import { emptyEntriesText, entrySummary, filterEntries, hasNewerEntries } from './stream-entries.logic';
import { LineageChain, lineageOfField } from '../dead-letters/lineage-chain';
import { REPLAY_FIELDS, REPLAY_LINEAGE_FIELD } from '../../../../shared/model/dead-letter';

const PAGE_SIZE = 50;
const FOLLOW_MS = 2000;
type Order = 'newest' | 'oldest';

/**
 * A stream's entries with their fields (RedisInsight's stream browser): newest or oldest first,
 * from a typed id or time, paged with an exclusive cursor; a row opens to every field in full
 * (up to 256 KiB each). Which groups have not been delivered an entry yet is shown beside it, so
 * "what has the router not read" is answered on the screen. Read-only: nothing here writes.
 */
export function StreamEntries({ env, stream, groups, lastEntryId, isGone }: { env: EnvironmentView; stream: string; groups: readonly StreamGroupInfo[]; lastEntryId: string | null; isGone: boolean }) {
  const { client } = useServices();
  const now = useNow(1000);
  const [order, setOrder] = useState<Order>('newest');
  const [from, setFrom] = useState<string | null>(null);
  const [fromText, setFromText] = useState('');
  const [fromError, setFromError] = useState<string | null>(null);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<StreamEntriesPage | null>(null);
  const [loadError, setLoadError] = useState<{ code: string; message: string } | null>(null);
  const [loadedAt, setLoadedAt] = useState<number | null>(null);
  const [isFollowing, setIsFollowing] = useState(false);
  const [filter, setFilter] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const after = cursors[cursors.length - 1];
  const isFirstPage = cursors.length === 1;
  const requestId = useRef(0);

  const load = useCallback(async () => {
    const id = ++requestId.current;
    const result = await client.call('streams.entries', { envId: env.id, stream, order, count: PAGE_SIZE, ...(after === undefined ? (from === null ? {} : { from }) : { after }) });
    if (id !== requestId.current) return;
    if (result.ok) {
      setPage(result.value);
      setLoadError(null);
      setLoadedAt(Date.now());
    } else {
      setLoadError({ code: result.error.code, message: result.error.message });
    }
  }, [client, env.id, stream, order, after, from]);

  useEffect(() => {
    if (!isGone) void load();
  }, [load, isGone]);

  const canFollow = isFirstPage && order === 'newest' && from === null;
  useEffect(() => {
    if (!isFollowing || !canFollow || isGone) return;
    const timer = setInterval(() => void load(), FOLLOW_MS);
    return () => clearInterval(timer);
  }, [isFollowing, canFollow, isGone, load]);

  const restart = (next: { order?: Order; from?: string | null }) => {
    if (next.order !== undefined) setOrder(next.order);
    if (next.from !== undefined) setFrom(next.from);
    setCursors([undefined]);
    setOpen(null);
  };
  const goTo = () => {
    if (fromText.trim() === '') {
      setFromError(null);
      restart({ from: null });
      return;
    }
    const position = parseStreamPosition(fromText);
    if (position === null) {
      setFromError(`"${fromText}" is not an entry id (1700000000000-0), a millisecond time or a date and time (2026-12-06 14:03).`);
      return;
    }
    setFromError(null);
    setIsFollowing(false);
    restart({ from: position });
  };

  const entries = page?.entries ?? [];
  const shown = filterEntries(entries, filter);
  const isNewer = hasNewerEntries(page, lastEntryId, isFirstPage && from === null);

  return (
    <section className="streams-entries" aria-label="Stream entries" data-testid="entries-section">
      <header className="streams-pending-header">
        <h5 className="streams-pending-title">Entries</h5>
        {page ? (
          <span className="muted small" data-testid="entries-length">
            {formatCount(page.length)} in the stream
          </span>
        ) : null}
        <select className="input" aria-label="Order" value={order} onChange={(e) => restart({ order: e.target.value as Order })} data-testid="entries-order">
          <option value="newest">Newest first</option>
          <option value="oldest">Oldest first</option>
        </select>
        <form
          className="streams-entries-goto"
          onSubmit={(e) => {
            e.preventDefault();
            goTo();
          }}
        >
          <input
            className="input mono"
            aria-label="Go to an entry id or a time"
            placeholder={order === 'newest' ? 'at or before: id or 2026-12-06 14:03' : 'at or after: id or 2026-12-06 14:03'}
            value={fromText}
            onChange={(e) => setFromText(e.target.value)}
            data-testid="entries-from"
          />
          <button type="submit" className="button button-quiet" data-testid="entries-go">
            Go
          </button>
        </form>
        <input className="input" aria-label="Filter the loaded entries" placeholder="Filter this page" value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="entries-filter" />
        <span className="spacer" />
        <label className="small" title={canFollow ? 'Reload the newest entries every 2 s' : 'Following works on the first page, newest first, without a start position'}>
          <input type="checkbox" checked={isFollowing && canFollow} disabled={!canFollow} onChange={(e) => setIsFollowing(e.target.checked)} data-testid="entries-follow" /> Follow new
        </label>
        <button type="button" className="button button-quiet" data-testid="entries-refresh" onClick={() => void load()} disabled={isGone}>
          Refresh
        </button>
        {loadedAt !== null ? (
          <span className="muted small" title={`read ${formatClock(loadedAt)}`}>
            read {agoText(now - loadedAt)}
          </span>
        ) : null}
      </header>
      {fromError ? (
        <p className="bad small" role="alert" data-testid="entries-from-error">
          {fromError}
        </p>
      ) : null}
      {from !== null ? (
        <p className="muted small" data-testid="entries-from-note">
          {order === 'newest' ? 'At or before' : 'At or after'} <span className="mono">{from}</span>
          {/^\d+$/.test(from) ? ` (${formatDateTime(Number(from))})` : ''}.{' '}
          <button type="button" className="rabbit-link-button" onClick={() => (setFromText(''), restart({ from: null }))}>
            Back to the {order === 'newest' ? 'newest' : 'oldest'} entry
          </button>
        </p>
      ) : null}
      {isNewer && !isFollowing ? (
        <p className="note small" role="status" data-testid="entries-newer">
          Newer entries have arrived since this page was read.{' '}
          <button type="button" className="rabbit-link-button" onClick={() => void load()}>
            Show them
          </button>
        </p>
      ) : null}
      {isGone ? (
        <p className="muted small">The stream no longer exists: the entries last read are shown.</p>
      ) : loadError ? (
        <p className="bad" role="alert" data-testid="entries-error">
          {loadError.code === 'NOT_FOUND' ? 'The stream no longer exists (deleted?).' : `Could not read the entries (${loadError.code}): ${loadError.message}`}
          {page ? ' The entries last read are shown.' : ''}
        </p>
      ) : null}
      {page === null ? (
        loadError || isGone ? null : <p className="empty">Reading entries…</p>
      ) : entries.length === 0 ? (
        <p className="empty" data-testid="entries-empty">
          {emptyEntriesText(stream, isFirstPage, from, order)}
        </p>
      ) : (
        <>
          {filter.trim() !== '' ? (
            <p className="muted small" data-testid="entries-filter-count">
              {formatCount(shown.length)} of the {formatCount(entries.length)} entries on this page match “{filter.trim()}” (the filter looks at this page only).
            </p>
          ) : null}
          <table className="data-table streams-entries-table" data-testid="entries-table">
            <thead>
              <tr>
                <th scope="col">Entry id</th>
                <th scope="col">Added</th>
                <th scope="col">Fields</th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col" title="Consumer groups this entry has not been delivered to yet">
                  Not yet read by
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((entry) => (
                <EntryRow key={entry.id} env={env} stream={stream} entry={entry} now={now} unread={unreadBy(entry.id, groups)} isOpen={open === entry.id} onToggle={() => setOpen(open === entry.id ? null : entry.id)} />
              ))}
            </tbody>
          </table>
        </>
      )}
      <div className="streams-pager">
        <button type="button" className="button button-quiet" data-testid="entries-first" disabled={isFirstPage} onClick={() => (setCursors([undefined]), setOpen(null))}>
          First page
        </button>
        <button type="button" className="button button-quiet" data-testid="entries-previous" disabled={isFirstPage} onClick={() => (setCursors((c) => c.slice(0, -1)), setOpen(null))}>
          Previous
        </button>
        <button
          type="button"
          className="button button-quiet"
          data-testid="entries-next"
          disabled={!page?.nextAfter}
          onClick={() => {
            if (!page?.nextAfter) return;
            setIsFollowing(false);
            setCursors((c) => [...c, page.nextAfter!]);
            setOpen(null);
          }}
        >
          {order === 'newest' ? 'Older' : 'Newer'} ›
        </button>
        <span className="muted small">page {cursors.length}</span>
      </div>
    </section>
  );
}

function EntryRow({ env, stream, entry, now, unread, isOpen, onToggle }: { env: EnvironmentView; stream: string; entry: StreamEntry; now: number; unread: string[]; isOpen: boolean; onToggle: () => void }) {
  return (
    <Fragment>
      <tr className={isOpen ? 'rabbit-row rabbit-row-selected' : 'rabbit-row'} data-testid={`entry-${entry.id}`} onClick={onToggle}>
        <th scope="row" className="mono nowrap">
          <button type="button" className="rabbit-link-button mono" aria-expanded={isOpen} onClick={(e) => (e.stopPropagation(), onToggle())}>
            {entry.id}
          </button>
        </th>
        <td className="nowrap small" title={formatDateTime(entry.at)}>
          {formatClock(entry.at)} <span className="muted">({formatAge(Math.max(0, now - entry.at))} ago)</span>
        </td>
        <td className="mono small streams-entry-fields" title={entrySummary(entry, 2000)}>
          {entrySummary(entry)}
        </td>
        <td className="num small">{formatBytes(entry.size)}</td>
        <td className="small">{unread.length === 0 ? <span className="muted">—</span> : <span className="warn">{unread.join(', ')}</span>}</td>
      </tr>
      {isOpen ? (
        <tr className="bull-job-open">
          <td colSpan={5}>
            <EntryDetail env={env} stream={stream} entry={entry} />
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

/** Every field of one entry; when a value was cut in the list, the entry is read again with the 256 KiB preview. */
function EntryDetail({ env, stream, entry }: { env: EnvironmentView; stream: string; entry: StreamEntry }) {
  const services = useServices();
  const { client } = services;
  const isCut = entry.fields.some((f) => f.truncated);
  const [whole, setWhole] = useState<StreamEntry | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!isCut) return;
    let isCancelled = false;
    void client.call('streams.entries', { envId: env.id, stream, order: 'oldest', from: entry.id, count: 1, previewBytes: STREAM_ENTRY_LIMITS.maxPreviewBytes }).then((r) => {
      if (isCancelled) return;
      if (!r.ok) setError(`${r.error.code}: ${r.error.message}`);
      else if (r.value.entries[0]?.id !== entry.id) setError('the entry is no longer in the stream (trimmed or deleted): its list preview is shown');
      else setWhole(r.value.entries[0]);
    });
    return () => {
      isCancelled = true;
    };
  }, [client, env.id, stream, entry.id, isCut]);
  const [revealed, setRevealed] = useState<StreamEntry | null>(null);
  const shown = revealed ?? whole ?? entry;
  const isMasked = shown.fields.some((f) => f.encoding === 'text' && isMaskedText(f.preview));
  // A replayed entry back in its origin: how it got here (issue 20).
  const lineage = lineageOfField(shown.fields.find((f) => f.name === REPLAY_LINEAGE_FIELD));
  const replayCount = Number(shown.fields.find((f) => f.name === REPLAY_FIELDS.count)?.preview ?? 0) || 0;
  return (
    <div className="bull-job-detail" data-testid="entry-detail">
      <p className="small muted">
        {entry.id} · added {formatDateTime(entry.at)} · {formatCount(entry.fieldCount)} field{entry.fieldCount === 1 ? '' : 's'} · {formatBytes(entry.size)}
        {isCut && !whole && !error ? ' · reading the whole values…' : ''}
      </p>
      {error ? <p className="bad small">Could not read the whole values: {error}</p> : null}
      {revealed || isMasked ? (
        <RevealControl
          env={env}
          isRevealed={revealed !== null}
          reveal={async (reason) => {
            const result = await revealStreamEntry(services, env.id, stream, entry.id, reason);
            if (result.ok) setRevealed(result.value.entry);
            return result;
          }}
        />
      ) : null}
      {entry.fieldCount > shown.fields.length ? (
        <p className="note small">
          This entry has {formatCount(entry.fieldCount)} fields; the first {formatCount(shown.fields.length)} are shown.
        </p>
      ) : null}
      {lineage ? <LineageChain lineage={lineage} current={null} replayCount={replayCount} testId="entry-lineage" /> : null}
      <dl className="streams-entry-detail">
        {shown.fields.map((f, i) => (
          <Fragment key={`${i}:${f.name}`}>
            <dt className="mono">
              {f.name}
              {f.decrypted ? <span className="tag"> decrypted</span> : null}
            </dt>
            <dd>
              {f.decryptError ? <p className="bad small">{f.decryptError}</p> : null}
              <pre className="dlq-payload" data-testid={`entry-field-${f.name}`}>
                {showValue(f)}
              </pre>
            </dd>
          </Fragment>
        ))}
      </dl>
    </div>
  );
}

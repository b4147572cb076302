import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeadLetterEntry } from '../../../../shared/model/dead-letter';
import type { EnvironmentView } from '../../../../shared/model/environment';
import type { SavedSearchView } from '../../../../shared/model/saved-searches';
import { formatBytes, formatClock, formatCount } from '../../components/format';
import { useServices } from '../../services';
import { EditReplayDialog, GroupsPanel, SearchBar, SearchProgress, download, useDlqSearch } from './dead-letters-tools';
import { DLQ_MAX_LOADED, DLQ_PAGE, appendPage, describeWindow, emptyLoaded, shouldLoadMore, type LoadedEntries, type RowRange } from './dead-letters-list.logic';
import { DeadLetterList, StatusRow } from './dead-letters-list';
import { ReplayDialog, describeReplay } from './replay-dialog';
import { toggleSelection } from '../../components/selection';
import { dryRunReplay } from '../../actions/dead-letter-actions';
import { revealDeadLetter } from '../../actions/reveal-actions';
import { RevealControl, isMaskedText } from '../../components/reveal-control';
import { useSavedDlqSearch } from '../searches/use-saved-dlq-search';
import { LineageChain } from './lineage-chain';

export function Entries({ env, source, total, saved, onOpenSaved }: { env: EnvironmentView; source: string; total: number | null; saved?: SavedSearchView | null; onOpenSaved?: (search: SavedSearchView) => void }) {
  const services = useServices();
  const { client } = services;
  const [order, setOrder] = useState<'newest' | 'oldest'>('newest');
  const [loaded, setLoaded] = useState<LoadedEntries<DeadLetterEntry>>(() => emptyLoaded());
  const [isLoading, setIsLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selection, setSelection] = useState<ReadonlySet<string>>(new Set());
  const [open, setOpen] = useState<DeadLetterEntry | null>(null);
  /** The id of the open entry when it was revealed (issue 20): shown as stored until closed. */
  const [revealedId, setRevealedId] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const [dialog, setDialog] = useState<'selected' | 'all' | 'matching' | 'edit' | null>(null);
  const search = useDlqSearch(env.id, source);
  const savedSearches = useSavedDlqSearch({ env, source, search, saved, onOpenSaved, onStart: () => setSelection(new Set()) });
  const blocked = env.readOnly ? `${env.name} is read-only: replay is not allowed here (dry runs are).` : null;
  const scroll = useRef<HTMLDivElement | null>(null);
  // The latest loaded state and in-flight call, read by fetches outside a render.
  const loadedRef = useRef(loaded);
  const inFlight = useRef(false);
  const generation = useRef(0);

  /** Fetches the next page (or, with `reset`, the first one again); one call in flight at a time. */
  const fetchPage = useCallback(
    async (reset: boolean) => {
      if (inFlight.current && !reset) return;
      const mine = reset ? ++generation.current : generation.current;
      const current = reset ? emptyLoaded<DeadLetterEntry>() : loadedRef.current;
      if (!reset && (!current.isStarted || current.isEnd)) return;
      if (reset) {
        loadedRef.current = current;
        setLoaded(current);
        if (scroll.current) scroll.current.scrollTop = 0;
      }
      inFlight.current = true;
      setIsLoading(true);
      setError(null);
      const result = await client.call('dlq.list', { envId: env.id, source, order, count: DLQ_PAGE, ...(current.nextAfter ? { after: current.nextAfter } : {}) });
      if (generation.current !== mine) return;
      inFlight.current = false;
      setIsLoading(false);
      if (!result.ok) {
        setError(`${result.error.code}: ${result.error.message}`);
        return;
      }
      const next = appendPage(current, result.value).loaded;
      loadedRef.current = next;
      setLoaded(next);
    },
    [client, env.id, source, order],
  );
  const reload = useCallback(() => void fetchPage(true), [fetchPage]);
  useEffect(reload, [reload]);

  const inspect = useCallback(
    async (id: string) => {
      const result = await client.call('dlq.show', { envId: env.id, source, id });
      setRevealedId(null);
      if (result.ok) setOpen(result.value);
      else setOutcome({ tone: 'bad', text: `${result.error.code}: ${result.error.message}` });
    },
    [client, env.id, source],
  );
  const onInspect = useCallback((id: string) => void inspect(id), [inspect]);
  const onToggle = useCallback((id: string) => setSelection((s) => toggleSelection(s, id)), []);
  const dryRun = async (ids: string[] | 'all') => {
    const result = await dryRunReplay(services, env.id, source, ids);
    // Entries that would be dead-lettered again make the verdict a warning, not an all-clear (issue 21.7).
    setOutcome(result.ok ? { tone: (result.value.check?.fails ?? 0) > 0 ? 'bad' : 'ok', text: `${formatClock(Date.now())} — dry run: ${describeReplay(result.value)}` } : { tone: 'bad', text: `${result.error.code}: ${result.error.message}` });
  };
  const entries = search.state ? search.state.matches : loaded.entries;
  const dropped = search.state ? 0 : loaded.dropped;
  const ids = [...selection];
  const exportSelected = async () => {
    const result = await client.call('dlq.export', { envId: env.id, source, ids });
    if (result.ok) {
      download(`${source}-${Date.now()}.jsonl`, result.value.lines, 'application/x-ndjson');
      setOutcome({ tone: 'ok', text: `exported ${formatCount(result.value.exported)} dead letters (JSON lines, payload bytes base64)` });
    } else setOutcome({ tone: 'bad', text: `${result.error.code}: ${result.error.message}` });
  };
  const onRange = (range: RowRange) => {
    if (!search.state && shouldLoadMore(loadedRef.current, range, { isLoading: inFlight.current, hasError: error !== null })) void fetchPage(false);
  };
  const foot = search.state ? null : error ? (
    <StatusRow testId="dlq-load-error" tone="bad">
      {error}{' '}
      <button type="button" className="button button-quiet" data-testid="dlq-retry" onClick={() => void fetchPage(!loaded.isStarted)}>
        Retry
      </button>
    </StatusRow>
  ) : isLoading ? (
    <StatusRow testId="dlq-loading">loading…</StatusRow>
  ) : loaded.isEnd && loaded.entries.length > 0 ? (
    <StatusRow testId="dlq-end">end of the DLQ — {order === 'newest' ? 'the oldest entry is the last row' : 'the newest entry is the last row'}</StatusRow>
  ) : null;
  const head =
    dropped > 0 ? (
      <StatusRow testId="dlq-unloaded">
        {formatCount(dropped)} earlier entries unloaded (only {formatCount(DLQ_MAX_LOADED)} stay in memory) —{' '}
        <button type="button" className="button button-quiet" data-testid="dlq-back-to-start" onClick={reload}>
          back to the start
        </button>
      </StatusRow>
    ) : null;

  return (
    <section className="streams-env dlq-entries" aria-label={`Dead letters of ${source}`} style={{ borderLeftColor: env.colour }}>
      <header className="streams-pending-header">
        <h3 className="streams-env-name mono">{source}</h3>
        <select className="input" aria-label="Order" data-testid="dlq-order" value={order} onChange={(e) => setOrder(e.target.value as 'newest' | 'oldest')}>
          <option value="newest">newest first</option>
          <option value="oldest">oldest first</option>
        </select>
        <button type="button" className="button button-quiet" onClick={reload} data-testid="dlq-refresh" title="Load the first page again">
          Refresh
        </button>
        <span className="spacer" />
        <button type="button" className="button button-quiet" data-testid="dlq-export" disabled={selection.size === 0} onClick={() => void exportSelected()}>
          Export {selection.size > 0 ? formatCount(selection.size) : ''}
        </button>
        <button type="button" className="button" data-testid="dlq-dry-run" disabled={selection.size === 0} onClick={() => void dryRun(ids)}>
          Dry run {selection.size > 0 ? formatCount(selection.size) : ''}
        </button>
        <span title={blocked ?? undefined} className="streams-actions">
          <button type="button" className="button button-primary" data-testid="dlq-replay" disabled={blocked !== null || selection.size === 0} onClick={() => setDialog('selected')}>
            Replay selected…
          </button>
          {search.state ? (
            <button type="button" className="button" data-testid="dlq-replay-matching" disabled={blocked !== null || search.state.isRunning || search.state.matches.length === 0} onClick={() => setDialog('matching')}>
              Replay matching…
            </button>
          ) : (
            <button type="button" className="button" data-testid="dlq-replay-all" disabled={blocked !== null || entries.length === 0} onClick={() => setDialog('all')}>
              Replay all…
            </button>
          )}
        </span>
      </header>
      <SearchBar
        key={savedSearches.barKey}
        initial={savedSearches.initial}
        isActive={search.state !== null}
        onSearch={(match) => {
          savedSearches.forget();
          setSelection(new Set());
          if (scroll.current) scroll.current.scrollTop = 0;
          void search.start(match);
        }}
        onClear={() => {
          savedSearches.forget();
          setSelection(new Set());
          search.clear();
          reload();
        }}
      />
      {savedSearches.bar}
      {search.state ? <SearchProgress state={search.state} onCancel={search.cancel} /> : null}
      <GroupsPanel envId={env.id} source={source} onPickError={(error) => (savedSearches.forget(), void search.start({ error }))} />
      {blocked ? (
        <p className="note" data-testid="dlq-blocked">
          {blocked}
        </p>
      ) : null}
      {outcome ? (
        <p className={outcome.tone === 'ok' ? 'note streams-note-ok' : 'bad'} role="status" data-testid="dlq-result">
          {outcome.text}
        </p>
      ) : null}
      {search.state ? (
        !search.state.isRunning && entries.length === 0 ? <p className="empty">Nothing matches.</p> : null
      ) : loaded.isEnd && loaded.entries.length === 0 ? (
        <p className="empty">This DLQ is empty.</p>
      ) : null}
      {entries.length > 0 || foot !== null ? (
        <DeadLetterList
          entries={entries}
          dropped={dropped}
          selection={selection}
          openId={open?.id ?? null}
          hasDetail={open !== null}
          scrollRef={scroll}
          head={head}
          foot={foot}
          caption={(range) => (
            <p className="muted small dlq-count" data-testid="dlq-count">
              {search.state ? `${formatCount(entries.length)} matching${entries.length > 0 ? ` · showing ${formatCount(range.shownFirst + 1)}–${formatCount(Math.max(range.shownFirst + 1, range.shownLast))}` : ''}` : describeWindow(loaded, range, total, formatCount)}
              {selection.size > 0 ? ` · ${formatCount(selection.size)} selected` : ''}
            </p>
          )}
          onRange={onRange}
          onInspect={onInspect}
          onToggle={onToggle}
          onToggleAll={() => setSelection(entries.length > 0 && entries.every((e) => selection.has(e.id)) ? new Set() : new Set(entries.map((e) => e.id)))}
        />
      ) : null}
      {open ? (
        <section className="streams-detail" data-testid="dlq-detail" aria-label={`Dead letter ${open.id}`}>
          <header className="streams-detail-header">
            <h4 className="streams-detail-title mono">{open.id}</h4>
            <span className="muted small">
              from {open.originStream ?? '?'} / {open.originGroup ?? '?'} (entry {open.originId ?? '?'}) · failed {open.failedAt ?? '?'} · {open.attempts ?? '?'} attempts · replayed{' '}
              {open.replayCount}×
            </span>
            <span className="spacer" />
            <button type="button" className="button" data-testid="dlq-edit" disabled={blocked !== null} title={blocked ?? 'Change the payload, then replay this one entry'} onClick={() => setDialog('edit')}>
              Edit and replay…
            </button>
            <button type="button" className="button button-quiet" aria-label="Close" onClick={() => setOpen(null)}>
              ✕
            </button>
          </header>
          <p className="bad">{open.error ?? 'No error recorded.'}</p>
          {open.lineage || open.replayCount > 0 ? <LineageChain lineage={open.lineage} current={open} replayCount={open.replayCount} testId="dlq-lineage" /> : null}
          {revealedId === open.id || isMaskedDeadLetter(open) ? (
            <RevealControl
              env={env}
              isRevealed={revealedId === open.id}
              reveal={async (reason) => {
                const result = await revealDeadLetter(services, env.id, source, open.id, reason);
                if (result.ok) {
                  setOpen(result.value.entry);
                  setRevealedId(open.id);
                }
                return result;
              }}
            />
          ) : null}
          {open.payload ? (
            <>
              <p className="muted small">
                payload {formatBytes(open.payload.size)} · {open.payload.encoding === 'hex' ? 'binary, shown as hex' : 'text'}
                {open.payload.truncated ? ' · preview cut at 256 KiB' : ''}
                {open.payload.decrypted ? (
                  <span className="tag" data-testid="dlq-decrypted" title="Shown decrypted with this environment's key; the stored bytes (and any replay) stay encrypted">
                    decrypted (AES-256-GCM)
                  </span>
                ) : null}
                {open.payload.decryptError ? <span className="bad"> · {open.payload.decryptError}</span> : null}
              </p>
              <pre className="dlq-payload" data-testid="dlq-payload">
                {open.payload.encoding === 'text' ? pretty(open.payload.preview) : open.payload.preview}
              </pre>
            </>
          ) : (
            <p className="muted">No payload field.</p>
          )}
          {Object.keys(open.fields).length > 0 ? <pre className="dlq-payload">{JSON.stringify(open.fields, null, 2)}</pre> : null}
        </section>
      ) : null}
      {dialog === 'edit' && open ? (
        <EditReplayDialog
          envId={env.id}
          source={source}
          entry={open}
          onCancel={() => setDialog(null)}
          onDone={(text) => {
            setDialog(null);
            // The replayed entry has left the DLQ: it is no longer counted in "Replay N" (issue 21.5).
            setSelection((current) => new Set([...current].filter((id) => id !== open.id)));
            setOpen(null);
            setOutcome({ tone: 'ok', text: `${formatClock(Date.now())} — ${text}` });
            search.clear();
            reload();
          }}
        />
      ) : dialog ? (
        <ReplayDialog
          envId={env.id}
          source={source}
          ids={dialog === 'all' ? 'all' : dialog === 'matching' && search.state ? { match: search.state.match, count: search.state.matches.length } : ids}
          onCancel={() => setDialog(null)}
          onDone={(text) => {
            setDialog(null);
            setSelection(new Set());
            setOutcome({ tone: 'ok', text: `${formatClock(Date.now())} — ${text}` });
            search.clear();
            reload();
          }}
        />
      ) : null}
    </section>
  );
}

/** True when the host masked something of the entry (payload, error or another field). */
function isMaskedDeadLetter(entry: DeadLetterEntry): boolean {
  return isMaskedText(entry.payload?.preview ?? '') || isMaskedText(entry.error ?? '') || Object.values(entry.fields).some(isMaskedText);
}

/** JSON pretty-printed when it parses, the text as it is otherwise. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

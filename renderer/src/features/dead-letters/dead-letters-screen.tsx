import { useCallback, useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { DeadLetterEntry } from '../../../../shared/model/dead-letter';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { formatBytes, formatClock, formatCount } from '../../components/format';
import { usePolledCall } from '../../components/use-polled-call';
import { useServices } from '../../services';
import { EditReplayDialog, GroupsPanel, SearchBar, SearchProgress, download, useDlqSearch } from './dead-letters-tools';
import { RabbitEntries } from './rabbit-dead-letters';
import { BullEntries } from './bull-dead-letters';
import type { BullDeadSource } from '../../../../shared/model/bull-dlq';
import { DLQ_MAX_LOADED, DLQ_PAGE, appendPage, describeWindow, emptyLoaded, shouldLoadMore, type LoadedEntries, type RowRange } from './dead-letters-list.logic';
import { DeadLetterList, StatusRow } from './dead-letters-list';
import { ReplayDialog, describeReplay } from './replay-dialog';
import { brokerDownText } from '../../stores/overview.logic';
import { EnvPicker, usePageEnvironment } from '../../components/env-picker';
import { toggleSelection } from '../../components/selection';

/** Dead letters of the Redis DLQ streams of one environment: browse, inspect, replay (dry run first), for the analyst. */
export function DeadLettersScreen() {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (state) => state.environments);
  const withRedis = environments.filter((env) => env.redis !== null);
  const { env, pick } = usePageEnvironment(withRedis);
  return (
    <section className="screen-section" aria-labelledby="dlq-title" data-testid="dlq-screen">
      <div className="streams-toolbar">
        <h1 id="dlq-title" className="screen-title">
          Dead letters
        </h1>
        <EnvPicker candidates={withRedis} value={env?.id ?? null} onPick={pick} testId="dlq-env" />
        {env?.readOnly ? (
          <span className="tag tag-production" title="Replay and purge are refused on this environment">
            READ-ONLY
          </span>
        ) : null}
      </div>
      {env === null ? <p className="empty">No environment with Redis.</p> : <DeadLetters key={env.id} env={env} />}
    </section>
  );
}

function DeadLetters({ env }: { env: EnvironmentView }) {
  const { stores } = useServices();
  const redisStatus = useStore(stores.overview, (state) => state.byEnv[env.id]?.redis.status);
  // Unknown is not zero (issue 21.3): with Redis down, "no dead letters" would be a false all-clear.
  const redisDown = brokerDownText('Redis', redisStatus);
  const sources = usePolledCall('dlq.sources', { envId: env.id }, env.id, 3000);
  const list = sources.state === 'ready' ? sources.value : sources.state === 'error' ? sources.last : null;
  const [source, setSource] = useState<string | null>(null);
  const [rabbitQueue, setRabbitQueue] = useState<string | null>(null);
  const [bullSource, setBullSource] = useState<BullDeadSource | null>(null);
  const bull = usePolledCall('dlq.bullSources', { envId: env.id }, `${env.id}/bull`, 3000);
  const bullList = bull.state === 'ready' ? bull.value : bull.state === 'error' ? (bull.last ?? []) : [];
  const rabbit = usePolledCall('dlq.rabbitSources', { envId: env.id }, `${env.id}/rabbit`, 3000);
  const rabbitList = env.amqp === null ? [] : rabbit.state === 'ready' ? rabbit.value : rabbit.state === 'error' ? (rabbit.last ?? []) : [];
  const current = source ?? [...(list ?? [])].sort((a, b) => b.length - a.length)[0]?.name ?? null;
  return (
    <div className="dlq-layout">
      <section className="streams-env" aria-label="Dead-letter streams" style={{ borderLeftColor: env.colour }}>
        <h3 className="streams-env-name">Dead-letter streams</h3>
        {redisDown !== null ? (
          <p className="form-error" role="status" data-testid="dlq-redis-down">
            {redisDown} is not reachable: the dead letters cannot be read, so how many there are is unknown{list !== null && list.length > 0 ? ' (the list below is from before)' : ''}.
          </p>
        ) : null}
        {sources.state === 'error' ? (
          <p className="form-error" role="alert" data-testid="dlq-sources-error">
            Could not list the dead-letter streams — {sources.code}: {sources.message}
          </p>
        ) : null}
        {list === null ? (
          sources.state === 'error' || redisDown !== null ? null : <p className="empty">Loading…</p>
        ) : list.length === 0 ? (
          redisDown !== null ? null : (
            <p className="empty">No dead-letter stream{env.namespace ? ` under ${env.namespace}` : ''}: nothing has failed (or the demo has not created the topology yet).</p>
          )
        ) : (
          <ul className="dlq-sources">
            {list.map((s) => (
              <li key={s.name}>
                <button
                  type="button"
                  className={s.name === current && !rabbitQueue ? 'button dlq-source is-current' : 'button button-quiet dlq-source'}
                  data-testid={`dlq-source-${s.name}`}
                  onClick={() => {
                    setRabbitQueue(null);
                    setBullSource(null);
                    setSource(s.name);
                  }}
                >
                  <span className="mono">{s.name}</span> <span className={s.length > 0 ? 'tag tag-dlq' : 'muted small'}>{formatCount(s.length)}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {bullList.length > 0 ? (
          <>
            <h3 className="streams-env-name">BullMQ</h3>
            <ul className="dlq-sources">
              {bullList.map((b) => (
                <li key={`${b.queue}/${b.kind}`}>
                  <button
                    type="button"
                    className={bullSource?.queue === b.queue && bullSource.kind === b.kind ? 'button dlq-source is-current' : 'button button-quiet dlq-source'}
                    data-testid={`bull-dlq-source-${b.queue}-${b.kind}`}
                    onClick={() => {
                      setRabbitQueue(null);
                      setBullSource(b);
                    }}
                  >
                    <span className="mono">{b.queue}</span> <span className="muted small">{b.kind === 'failed' ? 'failed' : 'DLQ'}</span> <span className="tag tag-dlq">{formatCount(b.count)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {rabbitList.length > 0 ? (
          <>
            <h3 className="streams-env-name">RabbitMQ dead-letter queues</h3>
            <ul className="dlq-sources">
              {rabbitList.map((q) => (
                <li key={q.name}>
                  <button type="button" className={q.name === rabbitQueue ? 'button dlq-source is-current' : 'button button-quiet dlq-source'} data-testid={`rabbit-dlq-source-${q.name}`} onClick={() => (setBullSource(null), setRabbitQueue(q.name))}>
                    <span className="mono">{q.name}</span> <span className={q.ready > 0 ? 'tag tag-dlq' : 'muted small'}>{formatCount(q.ready)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
      {bullSource ? <BullEntries key={`${bullSource.queue}/${bullSource.kind}`} env={env} source={bullSource} /> : rabbitQueue ? <RabbitEntries key={rabbitQueue} env={env} queue={rabbitQueue} /> : current ? <Entries key={current} env={env} source={current} total={list?.find((s) => s.name === current)?.length ?? null} /> : null}
    </div>
  );
}

function Entries({ env, source, total }: { env: EnvironmentView; source: string; total: number | null }) {
  const { client } = useServices();
  const [order, setOrder] = useState<'newest' | 'oldest'>('newest');
  const [loaded, setLoaded] = useState<LoadedEntries<DeadLetterEntry>>(() => emptyLoaded());
  const [isLoading, setIsLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selection, setSelection] = useState<ReadonlySet<string>>(new Set());
  const [open, setOpen] = useState<DeadLetterEntry | null>(null);
  const [outcome, setOutcome] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const [dialog, setDialog] = useState<'selected' | 'all' | 'matching' | 'edit' | null>(null);
  const search = useDlqSearch(env.id, source);
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
      if (result.ok) setOpen(result.value);
      else setOutcome({ tone: 'bad', text: `${result.error.code}: ${result.error.message}` });
    },
    [client, env.id, source],
  );
  const onInspect = useCallback((id: string) => void inspect(id), [inspect]);
  const onToggle = useCallback((id: string) => setSelection((s) => toggleSelection(s, id)), []);
  const dryRun = async (ids: string[] | 'all') => {
    const result = await client.call('dlq.replay', { envId: env.id, source, dryRun: true, ...(ids === 'all' ? { all: true } : { ids }) });
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
        isActive={search.state !== null}
        onSearch={(match) => {
          setSelection(new Set());
          if (scroll.current) scroll.current.scrollTop = 0;
          void search.start(match);
        }}
        onClear={() => {
          setSelection(new Set());
          search.clear();
          reload();
        }}
      />
      {search.state ? <SearchProgress state={search.state} onCancel={search.cancel} /> : null}
      <GroupsPanel envId={env.id} source={source} onPickError={(error) => void search.start({ error })} />
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

/** JSON pretty-printed when it parses, the text as it is otherwise. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

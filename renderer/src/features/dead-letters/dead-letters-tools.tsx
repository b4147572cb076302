import { useEffect, useRef, useState } from 'react';
import type { DeadLetterEntry, EntryVerdict } from '../../../../shared/model/dead-letter';
import type { DlqGroups, DlqMatch } from '../../../../shared/model/dlq-search';
import { ActionDialog } from '../../components/action-dialog';
import { formatCount } from '../../components/format';
import { useServices } from '../../services';
import { replayEditedDeadLetter } from '../../actions/dead-letter-actions';

/** "event.severity=critical" → a field match; anything else is payload text. */
export function parseSearch(query: string, error: string): DlqMatch | null {
  const m: DlqMatch = {};
  const q = query.trim();
  const eq = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(q);
  if (eq) m.field = { path: eq[1]!, value: eq[2]!.trim() };
  else if (q) m.text = q;
  if (error.trim()) m.error = error.trim();
  return Object.keys(m).length ? m : null;
}

export interface SearchState {
  match: DlqMatch;
  matches: DeadLetterEntry[];
  scanned: number;
  total: number;
  isRunning: boolean;
  isCancelled: boolean;
  error: string | null;
}

/**
 * Runs a search in bounded steps (5,000 entries each) until the stream is covered, 1,000 matches
 * are found or the analyst cancels; `onProgress` after every step.
 */
export function useDlqSearch(envId: string, source: string) {
  const { client } = useServices();
  const [state, setState] = useState<SearchState | null>(null);
  const run = useRef(0);
  const start = async (match: DlqMatch) => {
    const mine = ++run.current;
    let before: string | undefined;
    const acc: SearchState = { match, matches: [], scanned: 0, total: 0, isRunning: true, isCancelled: false, error: null };
    setState({ ...acc });
    for (;;) {
      const step = await client.call('dlq.search', { envId, source, match, maxScan: 5000, limit: 1000, ...(before ? { before } : {}) });
      if (run.current !== mine) return;
      if (!step.ok) {
        setState({ ...acc, isRunning: false, error: `${step.error.code}: ${step.error.message}` });
        return;
      }
      acc.matches = [...acc.matches, ...step.value.matches].slice(0, 1000);
      acc.scanned += step.value.scanned;
      acc.total = step.value.total;
      if (!step.value.before || acc.matches.length >= 1000) {
        setState({ ...acc, isRunning: false });
        return;
      }
      before = step.value.before;
      setState({ ...acc });
    }
  };
  const cancel = () => {
    run.current++;
    setState((s) => (s ? { ...s, isRunning: false, isCancelled: true } : s));
  };
  const clear = () => {
    run.current++;
    setState(null);
  };
  return { state, start, cancel, clear };
}

export function SearchBar({ onSearch, onClear, isActive, initial }: { onSearch: (match: DlqMatch) => void; onClear: () => void; isActive: boolean; initial?: DlqMatch }) {
  // A saved search applied (issue 20) fills the fields it can show (remounted with a new key).
  const [query, setQuery] = useState(() => (initial?.field ? `${initial.field.path}=${initial.field.value}` : (initial?.text ?? '')));
  const [error, setError] = useState(initial?.error ?? '');
  const match = parseSearch(query, error);
  return (
    <form
      className="dlq-search"
      onSubmit={(e) => {
        e.preventDefault();
        if (match) onSearch(match);
      }}
    >
      <input className="input mono" aria-label="Search the payload" placeholder="field.path=value or text in the payload" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="dlq-search-query" />
      <input className="input" aria-label="Error contains" placeholder="error contains" value={error} onChange={(e) => setError(e.target.value)} data-testid="dlq-search-error" />
      <button type="submit" className="button" disabled={!match} data-testid="dlq-search">
        Search
      </button>
      {isActive ? (
        <button
          type="button"
          className="button button-quiet"
          onClick={() => {
            setQuery('');
            setError('');
            onClear();
          }}
        >
          Clear search
        </button>
      ) : null}
    </form>
  );
}

export function SearchProgress({ state, onCancel }: { state: SearchState; onCancel: () => void }) {
  const pct = state.total > 0 ? Math.min(100, Math.round((state.scanned / state.total) * 100)) : 0;
  return (
    <div className="dlq-search-progress" role="status" data-testid="dlq-search-progress">
      <progress max={100} value={state.isRunning ? pct : 100} aria-label="Search progress" />
      <span className="small">
        {formatCount(state.matches.length)} matching in {formatCount(state.scanned)} of {formatCount(state.total)} entries
        {state.isRunning ? '…' : state.isCancelled ? ' (cancelled)' : state.matches.length >= 1000 ? ' (first 1,000 shown)' : ''}
      </span>
      {state.isRunning ? (
        <button type="button" className="button button-quiet" onClick={onCancel} data-testid="dlq-search-cancel">
          Cancel
        </button>
      ) : null}
      {state.error ? <span className="bad small">{state.error}</span> : null}
    </div>
  );
}

/** What failed and how often; clicking an error searches for it. */
export function GroupsPanel({ envId, source, onPickError }: { envId: string; source: string; onPickError: (error: string) => void }) {
  const { client } = useServices();
  const [groups, setGroups] = useState<DlqGroups | 'loading' | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (groups === null)
    return (
      <button
        type="button"
        className="button button-quiet"
        data-testid="dlq-groups"
        onClick={async () => {
          setGroups('loading');
          const answer = await client.call('dlq.groups', { envId, source });
          if (answer.ok) setGroups(answer.value);
          else {
            setGroups(null);
            setError(answer.error.message);
          }
        }}
      >
        What failed? {error ? <span className="bad">{error}</span> : null}
      </button>
    );
  if (groups === 'loading') return <p className="muted small">Grouping…</p>;
  return (
    <div className="dlq-groups" data-testid="dlq-groups-panel">
      <div>
        <h4 className="small">By error ({formatCount(groups.scanned)} of {formatCount(groups.total)}{groups.truncated ? ', newest' : ''})</h4>
        <ul>
          {groups.byError.slice(0, 12).map((g) => (
            <li key={g.key}>
              <button type="button" className="link-button small" title={g.example} onClick={() => onPickError(g.example.slice(0, 60))}>
                <strong>{formatCount(g.count)}</strong> {g.key}
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div>
        <h4 className="small">By origin</h4>
        <ul>
          {groups.byOrigin.slice(0, 12).map((g) => (
            <li key={g.key} className="small">
              <strong>{formatCount(g.count)}</strong> <span className="mono">{g.key}</span>
            </li>
          ))}
        </ul>
      </div>
      <button type="button" className="button button-quiet" onClick={() => setGroups(null)}>
        Hide
      </button>
    </div>
  );
}

/** Offers text as a file download. */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The payload as the editor starts it: pretty JSON when it is JSON, else as is. */
function editable(entry: DeadLetterEntry): string {
  const text = entry.payload?.preview ?? '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** Edit before replay: a JSON-checked editor, then one atomic replay of the edited entry. */
/** The target processor's verdict on the edited text, asked 300 ms after the last keystroke (null while typing or not askable). */
function usePayloadCheck(envId: string, source: string, id: string, text: string | null): EntryVerdict | null {
  const { client } = useServices();
  const [verdict, setVerdict] = useState<EntryVerdict | null>(null);
  useEffect(() => {
    setVerdict(null);
    if (text === null) return;
    let isCurrent = true;
    const timer = setTimeout(() => {
      void client.call('dlq.checkPayload', { envId, source, id, payload: text }).then((r) => {
        if (isCurrent) setVerdict(r.ok ? r.value : { verdict: 'unchecked', target: null, reason: `${r.error.code}: ${r.error.message}` });
      });
    }, 300);
    return () => {
      isCurrent = false;
      clearTimeout(timer);
    };
  }, [client, envId, source, id, text]);
  return verdict;
}

export function EditReplayDialog({ envId, source, entry, onCancel, onDone }: { envId: string; source: string; entry: DeadLetterEntry; onCancel: () => void; onDone: (text: string) => void }) {
  const services = useServices();
  const [text, setText] = useState(() => editable(entry));
  const wasJson = (() => {
    try {
      JSON.parse(entry.payload?.preview ?? '');
      return true;
    } catch {
      return false;
    }
  })();
  let jsonError: string | null = null;
  if (wasJson) {
    try {
      JSON.parse(text);
    } catch (error) {
      jsonError = (error as Error).message;
    }
  }
  const isCut = entry.payload?.truncated ?? false;
  const isBinary = entry.payload?.encoding === 'hex';
  const check = usePayloadCheck(envId, source, entry.id, jsonError || isCut || isBinary ? null : text);
  const fails = check?.verdict === 'fails';
  return (
    <ActionDialog
      title={`Edit and replay ${entry.id}`}
      confirmLabel={fails ? 'Replay anyway' : 'Replay edited'}
      isDangerous={fails}
      isReady={!jsonError && !isCut && !isBinary}
      onCancel={onCancel}
      onDone={onDone}
      run={async () => {
        const r = await replayEditedDeadLetter(services, envId, source, entry.id, wasJson ? JSON.stringify(JSON.parse(text)) : text);
        if (!r.ok) return { ok: false, text: `${r.error.code}: ${r.error.message}` };
        if (r.value.status !== 'replayed') return { ok: false, text: r.value.reason ?? r.value.status };
        return { ok: true, text: `replayed the edited entry to ${r.value.target} as ${r.value.newId}${r.value.reEncrypted ? ' (encrypted again)' : ''}` };
      }}
    >
      <p className="small">
        The entry is copied to {entry.originStream ?? 'its origin'} with this payload and removed from the DLQ in one step. The original and the change go to this console&apos;s audit log.
      </p>
      {isCut || isBinary ? <p className="bad small">{isBinary ? 'A binary payload cannot be edited here.' : 'The payload is larger than the 256 KiB preview: it cannot be edited here.'}</p> : null}
      <textarea className="input mono dlq-editor" rows={14} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} data-testid="dlq-editor" aria-label="Payload" />
      {jsonError ? (
        <p className="bad small" data-testid="dlq-editor-error">
          Not valid JSON: {jsonError}
        </p>
      ) : check ? (
        <p className={check.verdict === 'fails' ? 'bad small' : 'muted small'} data-testid="dlq-editor-check" role="status">
          {check.verdict === 'fails'
            ? `Would be dead-lettered again by ${check.target}'s processor: ${check.reason}`
            : check.verdict === 'passes'
              ? `Passes ${check.target}'s event check${check.routes.length > 0 ? ` (routes: ${check.routes.join(', ')})` : ''}.`
              : `Not checked: ${check.reason}.`}
        </p>
      ) : null}
    </ActionDialog>
  );
}

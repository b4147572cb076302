import { useEffect, useRef, useState } from 'react';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { describeSavedQuery, type SavedSearch, type SavedSearchKind, type SavedSearchQuery, type SavedSearchView } from '../../../../shared/model/saved-searches';
import { deleteSavedSearch, recordSavedSearchRun, saveSearch } from '../../actions/saved-search-actions';
import { ActionDialog } from '../../components/action-dialog';
import { formatAge, formatCount } from '../../components/format';
import { latestOf, usePolledCall } from '../../components/use-polled-call';
import { useNow } from '../../components/use-now';
import { useServices } from '../../services';
import { checkSaveName, lastRunLabel } from './saved-searches.logic';
import './saved-searches.css';

/** What a finished run of the current search found; `key` names the run (recorded once). */
export interface SavedRunResult {
  count: number;
  isComplete: boolean;
  /** The DLQ it ran on (for a saved search that names none). */
  source?: string;
  key: object;
}

/**
 * The saved searches of one environment (issue 20) beside a screen's search inputs: each with the
 * count it found last time, click to apply (the screen runs it), ✕ to delete after a confirmation,
 * and "Save search…" for what is searched now. Other consoles' changes show within 5 s (polled, like
 * the Silences screen). A finished run of an applied search records its count for everyone.
 */
export function SavedSearchBar({
  env,
  kind,
  current,
  applied,
  result,
  onApply,
  onSaved,
  openSource,
}: {
  env: EnvironmentView;
  kind: SavedSearchKind;
  /** The DLQ open now: a saved search on it does not repeat its name. */
  openSource?: string;
  /** What "Save search…" saves, or why there is nothing to save. */
  current: { query: SavedSearchQuery } | { reason: string };
  /** The saved search the screen is showing now, if any. */
  applied: SavedSearchView | null;
  /** The finished run of what the screen shows (null while running or when there is none). */
  result: SavedRunResult | null;
  onApply: (search: SavedSearchView) => void;
  /** The current search was saved as `search` (it is what the screen shows now: no need to run it again). */
  onSaved: (search: SavedSearchView) => void;
}) {
  const services = useServices();
  const [version, setVersion] = useState(0);
  const polled = usePolledCall('searches.list', { envId: env.id, kind }, `${env.id}:${kind}:${version}`, 5000);
  const searches = latestOf(polled)?.searches ?? [];
  const now = useNow(10_000);
  const [dialog, setDialog] = useState<{ kind: 'save' } | { kind: 'delete'; search: SavedSearchView } | null>(null);
  const [notice, setNotice] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const recorded = useRef(new WeakSet<object>());

  // A finished run of the applied search: its count, for every console.
  useEffect(() => {
    if (!applied || !result || recorded.current.has(result.key)) return;
    recorded.current.add(result.key);
    void recordSavedSearchRun(services, env.id, applied, { count: result.count, isComplete: result.isComplete, ...(result.source ? { source: result.source } : {}) }).then((answer) => {
      if (answer.ok) setVersion((v) => v + 1);
      else setNotice({ tone: 'bad', text: `The count was not recorded: ${answer.error.message}` });
    });
  }, [applied, result, services, env.id]);

  const blocked = env.readOnly ? `${env.name} is read-only here: saved searches can be run, not saved or deleted.` : null;
  return (
    <div className="saved-searches" data-testid="saved-searches" aria-label={`Saved searches of ${env.name}`} role="group">
      <span className="muted small">Saved:</span>
      {polled.state === 'loading' ? <span className="muted small">loading…</span> : null}
      {polled.state === 'error' ? <span className="bad small">{polled.message}</span> : null}
      {polled.state !== 'loading' && searches.length === 0 ? (
        <span className="muted small" data-testid="saved-searches-empty">
          none in {env.name} yet
        </span>
      ) : null}
      {searches.map((s) => {
        const elsewhere = s.query.kind === 'dlq' && s.query.source && s.query.source !== openSource ? s.query.source : null;
        return (
          <span key={s.name} className={applied && applied.name === s.name ? 'saved-search is-applied' : 'saved-search'} data-testid="saved-search" data-name={s.name}>
            <button type="button" className="saved-search-run" title={`${describeSavedQuery(s.query)}\nsaved by ${s.updatedBy}${s.description ? `\n${s.description}` : ''}`} onClick={() => onApply(s)} data-testid={`saved-search-run-${s.name}`}>
              <strong>{s.name}</strong>
              {elsewhere ? <span className="muted mono" title="Opens this DLQ and runs it there"> on {elsewhere}</span> : null}
              <span className="saved-search-count" data-testid={`saved-search-count-${s.name}`}>
                {lastRunLabel(s, now, formatAge, formatCount)}
              </span>
            </button>
            <button type="button" className="saved-search-delete" aria-label={`Delete saved search ${s.name}`} title={blocked ?? `Delete “${s.name}” for everyone on ${env.name}`} disabled={blocked !== null} onClick={() => setDialog({ kind: 'delete', search: s })}>
              ✕
            </button>
          </span>
        );
      })}
      <span title={blocked ?? ('reason' in current ? current.reason : undefined)}>
        <button type="button" className="button button-quiet" data-testid="saved-search-save" disabled={blocked !== null || 'reason' in current} onClick={() => setDialog({ kind: 'save' })}>
          Save search…
        </button>
      </span>
      {applied ? (
        <span className="muted small" data-testid="saved-search-applied">
          showing “{applied.name}”: {describeSavedQuery(applied.query)}
        </span>
      ) : null}
      {notice ? (
        <span className={notice.tone === 'ok' ? 'ok small' : 'bad small'} role="status" data-testid="saved-search-notice">
          {notice.text}
        </span>
      ) : null}
      {dialog?.kind === 'save' && 'query' in current ? (
        <SaveDialog
          env={env}
          query={current.query}
          searches={searches}
          result={result}
          onCancel={() => setDialog(null)}
          onDone={(saved, text) => {
            setDialog(null);
            setNotice({ tone: 'ok', text });
            const view: SavedSearchView = { ...saved, lastRun: null };
            if (result) recorded.current.add(result.key);
            onSaved(view);
            const record = result ? recordSavedSearchRun(services, env.id, saved, { count: result.count, isComplete: result.isComplete, ...(result.source ? { source: result.source } : {}) }) : Promise.resolve(null);
            void record.then(() => setVersion((v) => v + 1));
          }}
        />
      ) : null}
      {dialog?.kind === 'delete' ? (
        <ActionDialog
          title={`Delete saved search “${dialog.search.name}”?`}
          subject={`${env.name} · ${describeSavedQuery(dialog.search.query)}`}
          confirmLabel="Delete"
          isReady
          onCancel={() => setDialog(null)}
          onDone={(text) => {
            setDialog(null);
            setNotice({ tone: 'ok', text });
            setVersion((v) => v + 1);
          }}
          run={async () => {
            const answer = await deleteSavedSearch(services, env.id, dialog.search.name);
            return answer.ok ? { ok: true, text: `Deleted “${answer.value.name}” for everyone on ${env.name}.` } : { ok: false, text: `${answer.error.code}: ${answer.error.message}` };
          }}
        >
          <p className="small">It goes for every console on {env.name} (saved by {dialog.search.updatedBy}). The deletion is on the team audit log.</p>
        </ActionDialog>
      ) : null}
    </div>
  );
}

function SaveDialog({
  env,
  query,
  searches,
  result,
  onCancel,
  onDone,
}: {
  env: EnvironmentView;
  query: SavedSearchQuery;
  searches: readonly SavedSearchView[];
  result: SavedRunResult | null;
  onCancel: () => void;
  onDone: (saved: SavedSearch, text: string) => void;
}) {
  const services = useServices();
  const [name, setName] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [isThisDlqOnly, setIsThisDlqOnly] = useState(true);
  const saved = useRef<SavedSearch | null>(null);
  const check = checkSaveName(name, searches, overwrite);
  const toSave: SavedSearchQuery = query.kind === 'dlq' && !isThisDlqOnly ? { kind: 'dlq', match: query.match } : query;
  return (
    <ActionDialog
      title="Save search"
      subject={`${env.name} · ${describeSavedQuery(toSave)}`}
      confirmLabel={check.taken && overwrite ? 'Replace' : 'Save'}
      isDangerous={false}
      isReady={check.ok}
      onCancel={onCancel}
      onDone={(text) => saved.current && onDone(saved.current, text)}
      run={async () => {
        const answer = await saveSearch(services, { envId: env.id, name: name.trim(), query: toSave, overwrite });
        if (!answer.ok) return { ok: false, text: `${answer.error.code}: ${answer.error.message}` };
        saved.current = answer.value;
        return { ok: true, text: `Saved “${answer.value.name}” for everyone on ${env.name}.` };
      }}
    >
      <label className="label-text" htmlFor="saved-search-name">
        Name
      </label>
      <input id="saved-search-name" className="input" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} data-testid="saved-search-name" aria-invalid={!check.ok && name.length > 0} />
      {!check.ok && name.length > 0 ? (
        <p className="bad small" data-testid="saved-search-name-error">
          {check.message}
        </p>
      ) : null}
      {check.taken ? (
        <label className="small">
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} data-testid="saved-search-overwrite" /> replace it (its last count is forgotten)
        </label>
      ) : null}
      {query.kind === 'dlq' && query.source ? (
        <label className="small">
          <input type="checkbox" checked={isThisDlqOnly} onChange={(e) => setIsThisDlqOnly(e.target.checked)} data-testid="saved-search-this-dlq" /> only on <span className="mono">{query.source}</span> (else: on whichever DLQ is open)
        </label>
      ) : null}
      <p className="muted small">
        Shared with every console on {env.name} and the CLI ({query.kind === 'dlq' ? 'watchfloor dlq search' : 'watchfloor alerts list'} --saved NAME).
        {result ? ` This search found ${formatCount(result.count)}${result.isComplete ? '' : '+'}: saved as its last count.` : ''}
      </p>
    </ActionDialog>
  );
}

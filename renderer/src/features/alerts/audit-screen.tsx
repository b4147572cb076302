import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { toCsv, toJsonl } from '../../../../shared/model/audit';
import { setAnalystName } from '../../actions/alert-actions';
import { formatDateTime } from '../../components/format';
import { usePolledCall } from '../../components/use-polled-call';
import { useServices } from '../../services';
import { EnvPicker, usePageEnvironment } from '../../components/env-picker';

type Row = { at: number; who: string; action: string; target: string; reason?: string; before?: unknown; after?: unknown; env?: string; seq?: number };

const COLUMNS = ['at', 'who', 'env', 'action', 'target', 'reason', 'before', 'after'];

/** Offers rows as a file download (CSV or JSON lines). */
function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Every action any console took on an environment (its team audit stream), and this console's own hash-chained log. */
export function AuditScreen() {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (s) => s.environments);
  const withRedis = environments.filter((e) => e.redis !== null);
  const [tab, setTab] = useState<'team' | 'local'>('team');
  const { env, pick } = usePageEnvironment(withRedis);
  const [text, setText] = useState('');
  return (
    <section className="screen-section" aria-labelledby="audit-title" data-testid="audit-screen">
      <div className="streams-toolbar">
        <h1 id="audit-title" className="screen-title">
          Audit log
        </h1>
        <div role="tablist" className="audit-tabs">
          <button type="button" role="tab" aria-selected={tab === 'team'} className={tab === 'team' ? 'button is-current' : 'button button-quiet'} onClick={() => setTab('team')} data-testid="audit-tab-team">
            Team (every console)
          </button>
          <button type="button" role="tab" aria-selected={tab === 'local'} className={tab === 'local' ? 'button is-current' : 'button button-quiet'} onClick={() => setTab('local')} data-testid="audit-tab-local">
            This console
          </button>
        </div>
        {tab === 'team' ? <EnvPicker candidates={withRedis} value={env?.id ?? null} onPick={pick} testId="audit-env" /> : null}
        <AnalystName />
        <input className="input" type="search" placeholder="Filter: who, action, alert, reason" aria-label="Filter the audit log" value={text} onChange={(e) => setText(e.target.value)} data-testid="audit-filter" />
      </div>
      {tab === 'team' ? env ? <TeamAudit key={env.id} envId={env.id} envName={env.name} text={text} /> : <p className="empty">No environment with Redis.</p> : <LocalAudit text={text} />}
    </section>
  );
}

/** Who this console's actions are recorded as, and the analyst name to set. */
function AnalystName() {
  const services = useServices();
  const { client } = services;
  const [who, setWho] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [isEditing, setIsEditing] = useState(false);
  useEffect(() => {
    void client.call('settings.get', {}).then((answer) => answer.ok && setWho(answer.value.who));
  }, [client]);
  if (!isEditing)
    return (
      <span className="small muted" data-testid="audit-who">
        Your actions are recorded as <strong>{who ?? '…'}</strong>{' '}
        <button type="button" className="button button-quiet" onClick={() => setIsEditing(true)}>
          Set name
        </button>
      </span>
    );
  return (
    <form
      className="alert-inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const answer = await setAnalystName(services, name);
        if (answer.ok) {
          setWho(answer.value.who);
          setIsEditing(false);
        }
      }}
    >
      <input className="input" placeholder="Your name" aria-label="Analyst name" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} autoFocus />
      <button type="submit" className="button">
        Save
      </button>
    </form>
  );
}

function TeamAudit({ envId, envName, text }: { envId: string; envName: string; text: string }) {
  const answer = usePolledCall('audit.team', { envId, count: 2000 }, envId, 2000);
  const rows: Row[] = useMemo(() => (answer.state === 'ready' ? answer.value : answer.state === 'error' ? answer.last ?? [] : []).map((e) => ({ at: e.at, who: e.who, env: envName, action: e.what, target: e.alertId || (e.target ?? ''), reason: e.reason, before: e.before, after: e.after })), [answer, envName]);
  return <AuditTable rows={rows} text={text} error={answer.state === 'error' ? answer.message : null} fileName={`watchfloor-audit-${envName}`} />;
}

/** The on-demand full check: the poll only hashes what was appended since the last check (issue 19). */
function FullVerify() {
  const { client } = useServices();
  const [outcome, setOutcome] = useState<{ state: 'idle' | 'running' } | { state: 'done'; ok: boolean; text: string }>({ state: 'idle' });
  const run = async () => {
    setOutcome({ state: 'running' });
    const answer = await client.call('audit.local', { count: 1, fullVerify: true });
    if (!answer.ok) setOutcome({ state: 'done', ok: false, text: `Could not verify: ${answer.error.message}` });
    else {
      const v = answer.value.verification;
      setOutcome({ state: 'done', ok: v.ok, text: v.ok ? `Whole chain re-hashed at ${formatDateTime(Date.now())}: ${v.entries} entries, intact.` : `Whole chain re-hashed: BROKEN — ${v.message}` });
    }
  };
  return (
    <p className="small">
      <button type="button" className="button" disabled={outcome.state === 'running'} onClick={() => void run()} data-testid="audit-verify-full">
        {outcome.state === 'running' ? 'Verifying the whole chain…' : 'Verify the whole chain'}
      </button>{' '}
      {outcome.state === 'done' ? (
        <span className={outcome.ok ? 'ok' : 'bad'} data-testid="audit-verify-full-result">
          {outcome.text}
        </span>
      ) : (
        <span className="muted">Every 2 s only the entries appended since the last check are hashed; the whole chain was checked when this console started.</span>
      )}
    </p>
  );
}

function LocalAudit({ text }: { text: string }) {
  const answer = usePolledCall('audit.local', { count: 2000 }, 'local', 2000);
  const value = answer.state === 'ready' ? answer.value : answer.state === 'error' ? answer.last : null;
  const rows: Row[] = useMemo(() => (value?.entries ?? []).map((e) => ({ seq: e.seq, at: e.at, who: e.who, env: e.envName, action: e.action, target: e.target, reason: e.reason, before: e.before, after: e.after })), [value]);
  return (
    <>
      {value ? (
        <p className={value.verification.ok ? 'ok small' : 'bad small'} role={value.verification.ok ? 'status' : 'alert'} data-testid="audit-verification">
          {value.verification.ok ? `Hash chain verified: ${value.verification.entries} entries, none edited, removed or reordered.` : `Hash chain BROKEN — ${value.verification.message}`}
        </p>
      ) : null}
      <FullVerify />
      <AuditTable rows={rows} text={text} error={answer.state === 'error' ? answer.message : null} fileName="watchfloor-audit-this-console" />
    </>
  );
}

function AuditTable({ rows, text, error, fileName }: { rows: Row[]; text: string; error: string | null; fileName: string }) {
  const needle = text.trim().toLowerCase();
  const shown = needle ? rows.filter((r) => `${r.who} ${r.action} ${r.target} ${r.reason ?? ''} ${r.env ?? ''}`.toLowerCase().includes(needle)) : rows;
  const forExport = shown.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  return (
    <>
      <div className="audit-actions">
        <span className="muted small" data-testid="audit-count">
          {shown.length} of {rows.length} entries (newest first)
        </span>
        <button type="button" className="button" disabled={!shown.length} onClick={() => download(`${fileName}.csv`, toCsv(forExport, COLUMNS), 'text/csv')} data-testid="audit-export-csv">
          Export CSV
        </button>
        <button type="button" className="button" disabled={!shown.length} onClick={() => download(`${fileName}.jsonl`, toJsonl(forExport), 'application/x-ndjson')}>
          Export JSONL
        </button>
      </div>
      {error ? (
        <p className="bad small" role="alert">
          {error}
        </p>
      ) : null}
      {shown.length === 0 ? (
        <p className="empty">{rows.length ? 'Nothing matches the filter.' : 'No actions recorded yet.'}</p>
      ) : (
        <div className="audit-scroll">
          <table className="data-table audit-table" data-testid="audit-table">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Environment</th>
                <th>Action</th>
                <th>On</th>
                <th>Reason</th>
                <th>Before → after</th>
              </tr>
            </thead>
            <tbody>
              {shown.slice(0, 1000).map((r, i) => (
                <tr key={`${r.at}-${i}`}>
                  <td className="mono small nowrap">{formatDateTime(r.at)}</td>
                  <td className="small">{r.who}</td>
                  <td className="small">{r.env}</td>
                  <td className="small">{r.action}</td>
                  <td className="mono small">{r.target}</td>
                  <td className="small">{r.reason ?? ''}</td>
                  <td className="mono small">{change(r.before, r.after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** "status open → acknowledged, version 1 → 2" from two summaries. */
function change(before: unknown, after: unknown): string {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  return Object.keys(a)
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `${k} ${b[k] === undefined ? '∅' : String(b[k])} → ${a[k] === undefined ? '∅' : String(a[k])}`)
    .join(', ');
}

import { useEffect, useState } from 'react';
import type { EvidenceItem } from '../../../../shared/contract/method-groups/alerts';
import type { ResultOf } from '../../../../shared/contract/methods';
import type { AlertSummary } from '../../../../shared/model/alerts';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { actOnAlert } from '../../actions/alert-actions';
import { shortcutHint } from '../../actions/commands';
import { formatAge, formatClock } from '../../components/format';
import { useServices } from '../../services';
import { slaCountdown } from '../../stores/alerts.logic';
import { SilencedBanner, SilenceLikeThisButton } from '../silences/silence-banner';

type Detail = ResultOf<'alerts.get'>;

/** One alert: what it is, its escalation schedule, its timeline, notes, assignee and evidence. */
export function AlertDetail({
  summary,
  env,
  now,
  onClose,
  onAction,
  onNotice,
}: {
  summary: AlertSummary;
  env: EnvironmentView | undefined;
  now: number;
  onClose: () => void;
  onAction: (action: 'ack' | 'escalate' | 'resolve') => void;
  onNotice: (notice: { tone: 'ok' | 'bad'; text: string }) => void;
}) {
  const services = useServices();
  const { client, commands } = services;
  const hint = (id: 'alerts.ack' | 'alerts.escalate' | 'alerts.resolve' | 'alerts.back') => shortcutHint(commands.get(id));
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [evidence, setEvidence] = useState<ResultOf<'alerts.evidence'> | 'loading' | null>(null);
  const [note, setNote] = useState('');
  const [assignee, setAssignee] = useState('');
  // Reloaded whenever the alert's version changes, on this console or another.
  useEffect(() => {
    let isCurrent = true;
    void client.call('alerts.get', { envId: summary.envId, id: summary.id }).then((answer) => {
      if (!isCurrent) return;
      if (answer.ok) {
        setDetail(answer.value);
        setError(null);
      } else setError(answer.error.message);
    });
    return () => {
      isCurrent = false;
    };
  }, [client, summary.envId, summary.id, summary.version]);
  const readOnly = env?.readOnly ?? false;
  const act = async (action: 'note' | 'assign' | 'snooze' | 'reopen', extra: { reason?: string; assignee?: string; snoozedUntil?: number }) => {
    const answer = await actOnAlert(services, summary, { action, ...extra });
    onNotice(answer.ok ? { tone: 'ok', text: `${summary.title}: ${action === 'note' ? 'note added' : action === 'assign' ? `assigned to ${extra.assignee || 'nobody'}` : action === 'snooze' ? 'snoozed' : 'reopened'}` } : { tone: 'bad', text: answer.error.message });
    return answer.ok;
  };
  const a = detail?.alert;
  const sla = slaCountdown(summary, now);
  return (
    <aside className="alert-detail" aria-label="Alert" data-testid="alert-detail">
      <div className="alert-detail-head">
        <span className={`sev-badge sev-${summary.severity}`}>{summary.severity}</span>
        <h2 className="alert-detail-title">{summary.title}</h2>
        <button type="button" className="button button-quiet" onClick={onClose} aria-label={`Close (${hint('alerts.back')})`}>
          ✕
        </button>
      </div>
      <p className="small">
        <span className={`alert-status alert-status-${summary.status}`} data-testid="alert-detail-status">
          {summary.status}
        </span>{' '}
        · level {summary.level} · {env?.name ?? summary.envId} · version {summary.version} · last change by {summary.updatedBy}
        {sla ? (
          <>
            {' '}
            · SLA <span className={sla.isOverdue ? 'bad' : ''}>{sla.text}</span>
          </>
        ) : null}
      </p>
      <SilencedBanner alert={summary} now={now} />
      <div className="alert-detail-actions">
        {readOnly ? (
          <span className="muted small">{env?.name} is read-only: alerts can be viewed, not changed.</span>
        ) : (
          <>
            <button type="button" className="button" disabled={summary.status !== 'open'} onClick={() => onAction('ack')} data-testid="alert-ack">
              Acknowledge <kbd>{hint('alerts.ack')}</kbd>
            </button>
            <button type="button" className="button" disabled={summary.status === 'resolved' || summary.level >= 3} onClick={() => onAction('escalate')}>
              Escalate <kbd>{hint('alerts.escalate')}</kbd>
            </button>
            {summary.status === 'resolved' ? (
              <button type="button" className="button" onClick={() => void act('reopen', {})}>
                Reopen
              </button>
            ) : (
              <button type="button" className="button" onClick={() => onAction('resolve')} data-testid="alert-resolve">
                Resolve <kbd>{hint('alerts.resolve')}</kbd>
              </button>
            )}
            {summary.status !== 'resolved' ? (
              <select className="input" aria-label="Snooze" value="" onChange={(e) => e.target.value && void act('snooze', { snoozedUntil: Date.now() + Number(e.target.value) })}>
                <option value="">Snooze…</option>
                <option value={15 * 60_000}>15 min</option>
                <option value={60 * 60_000}>1 hour</option>
                <option value={4 * 60 * 60_000}>4 hours</option>
              </select>
            ) : null}
            <SilenceLikeThisButton alert={summary} />
          </>
        )}
      </div>
      {error ? (
        <p className="bad small" role="alert">
          {error}
        </p>
      ) : null}
      {!a ? (
        <p className="empty">Loading…</p>
      ) : (
        <>
          <p className="alert-message">{a.message}</p>
          <h3 className="alert-detail-section">Escalation</h3>
          {detail.next ? (
            <p className="small" data-testid="alert-next">
              Level {detail.next.level} {detail.next.dueAt <= now ? 'is due now' : `in ${formatAge(detail.next.dueAt - now)} (${formatClock(detail.next.dueAt)})`} → {detail.next.step.recipients.join(', ')} via {detail.next.step.methods.join(', ')}
              {detail.next.level === 2 ? ' — unless acknowledged before then' : ' — unless resolved before then'}
            </p>
          ) : (
            <p className="small muted" data-testid="alert-next">
              No further escalation{a.status === 'resolved' ? ': resolved' : ''}.
            </p>
          )}
          <ol className="escalation-steps small">
            {detail.steps.map((s) => (
              <li key={s.level} className={s.level <= a.level ? 'is-done' : ''}>
                L{s.level}: {s.recipients.join(', ')} via {s.methods.join(', ')}
              </li>
            ))}
          </ol>
          <h3 className="alert-detail-section">Timeline</h3>
          <ol className="alert-timeline small" data-testid="alert-timeline">
            {[...a.timeline].reverse().map((t, i) => (
              <li key={i}>
                <span className="mono muted">{formatClock(t.at)}</span> <strong>{t.what}</strong> by {t.who}
                {t.detail ? <span className="muted"> — {t.detail}</span> : null}
              </li>
            ))}
          </ol>
          <h3 className="alert-detail-section">Notes</h3>
          {a.notes.length === 0 ? <p className="muted small">No notes.</p> : null}
          <ul className="alert-notes small">
            {a.notes.map((n, i) => (
              <li key={i}>
                <span className="mono muted">{formatClock(n.at)}</span> {n.who}: {n.text}
              </li>
            ))}
          </ul>
          {!readOnly ? (
            <form
              className="alert-inline-form"
              onSubmit={async (e) => {
                e.preventDefault();
                if (note.trim() && (await act('note', { reason: note.trim() }))) setNote('');
              }}
            >
              <input className="input" placeholder="Add a note" aria-label="Note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={4000} />
              <button type="submit" className="button" disabled={!note.trim()}>
                Add
              </button>
            </form>
          ) : null}
          <h3 className="alert-detail-section">Assignee</h3>
          {!readOnly ? (
            <form
              className="alert-inline-form"
              onSubmit={async (e) => {
                e.preventDefault();
                if (await act('assign', { assignee: assignee.trim() })) setAssignee('');
              }}
            >
              <span className="small">{a.assignee ?? 'nobody'}</span>
              <input className="input" placeholder="Assign to" aria-label="Assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)} maxLength={200} />
              <button type="submit" className="button">
                {assignee.trim() ? 'Assign' : 'Unassign'}
              </button>
            </form>
          ) : (
            <p className="small">{a.assignee ?? 'nobody'}</p>
          )}
          <h3 className="alert-detail-section">Evidence</h3>
          <p className="small muted">
            Correlation id <span className="mono">{a.correlationId ?? '—'}</span>
            {typeof a.metadata.event_id === 'string' ? (
              <>
                {' '}
                · event <span className="mono">{a.metadata.event_id}</span>
              </>
            ) : null}
          </p>
          {evidence === null ? (
            <button
              type="button"
              className="button"
              data-testid="alert-evidence"
              disabled={!a.correlationId && typeof a.metadata.event_id !== 'string'}
              onClick={async () => {
                setEvidence('loading');
                const answer = await client.call('alerts.evidence', { envId: summary.envId, id: summary.id });
                if (answer.ok) setEvidence(answer.value);
                else {
                  setEvidence(null);
                  onNotice({ tone: 'bad', text: answer.error.message });
                }
              }}
            >
              Find the triggering event and related entries
            </button>
          ) : evidence === 'loading' ? (
            <p className="small muted">Searching the streams…</p>
          ) : (
            <EvidenceList result={evidence} />
          )}
          <h3 className="alert-detail-section">Metadata</h3>
          <pre className="payload small">{JSON.stringify({ id: a.id, rule_id: a.ruleId, organization_id: a.organizationId, asset_id: a.assetId, ...a.metadata }, null, 2)}</pre>
        </>
      )}
    </aside>
  );
}

function EvidenceList({ result }: { result: { items: EvidenceItem[]; scannedPerStream: number; streams: number } }) {
  return (
    <div data-testid="alert-evidence-list">
      <p className="small muted">
        {result.items.length} entr{result.items.length === 1 ? 'y' : 'ies'} found in the newest {result.scannedPerStream.toLocaleString()} entries of {result.streams} streams.
      </p>
      <ul className="evidence-list">
        {result.items.map((item) => (
          <li key={`${item.stream}/${item.id}`}>
            <p className="small">
              {item.isTrigger ? <span className="tag">triggering event</span> : null} {item.isDeadLetter ? <span className="tag tag-dlq">DLQ</span> : null} <span className="mono">{item.stream}</span> <span className="mono muted">{item.id}</span>
            </p>
            <pre className="payload small">
              {item.preview}
              {item.truncated ? '\n… (cut)' : ''}
            </pre>
          </li>
        ))}
      </ul>
    </div>
  );
}

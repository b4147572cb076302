import { useState } from 'react';
import type { Resolution } from '../../../../shared/contract/method-groups/alerts';
import type { AlertSummary } from '../../../../shared/model/alerts';
import { actOnAlert, bulkActOnAlerts } from '../../actions/alert-actions';
import { ActionDialog } from '../../components/action-dialog';
import { useServices } from '../../services';

export type PendingAction = { kind: 'resolve'; alert: AlertSummary } | { kind: 'escalate'; alert: AlertSummary } | { kind: 'bulk'; action: 'ack' | 'resolve'; alerts: AlertSummary[] };

function ResolutionFields({ resolution, setResolution, reason, setReason }: { resolution: Resolution; setResolution: (r: Resolution) => void; reason: string; setReason: (r: string) => void }) {
  return (
    <>
      <label className="field">
        <span>How was it resolved?</span>
        <select className="input" value={resolution} onChange={(e) => setResolution(e.target.value as Resolution)} data-testid="resolve-resolution" autoFocus>
          <option value="fixed">Fixed / handled</option>
          <option value="false_positive">False positive</option>
          <option value="duplicate">Duplicate</option>
          <option value="other">Other</option>
        </select>
      </label>
      <label className="field">
        <span>Reason{resolution === 'false_positive' ? ' (required for a false positive)' : ' (optional)'}</span>
        <input className="input" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={4000} data-testid="resolve-reason" />
      </label>
    </>
  );
}

export function ResolveDialog({ alert, onClose, onDone }: { alert: AlertSummary; onClose: () => void; onDone: (text: string) => void }) {
  const services = useServices();
  const [resolution, setResolution] = useState<Resolution>('fixed');
  const [reason, setReason] = useState('');
  return (
    <ActionDialog
      title={`Resolve "${alert.title}"`}
      confirmLabel="Resolve"
      isDangerous={false}
      isReady={resolution !== 'false_positive' || reason.trim().length > 0}
      onCancel={onClose}
      onDone={onDone}
      run={async () => {
        const answer = await actOnAlert(services, alert, { action: 'resolve', resolution, ...(reason.trim() ? { reason: reason.trim() } : {}) });
        return answer.ok ? { ok: true, text: `${alert.title}: resolved` } : { ok: false, text: answer.error.message };
      }}
    >
      <p className="small">Resolving cancels every escalation still pending for this alert.</p>
      <ResolutionFields resolution={resolution} setResolution={setResolution} reason={reason} setReason={setReason} />
    </ActionDialog>
  );
}

export function EscalateDialog({ alert, onClose, onDone }: { alert: AlertSummary; onClose: () => void; onDone: (text: string) => void }) {
  const services = useServices();
  const [reason, setReason] = useState('');
  return (
    <ActionDialog
      title={`Escalate "${alert.title}" to level ${alert.level + 1}`}
      confirmLabel={`Escalate to level ${alert.level + 1}`}
      isReady
      onCancel={onClose}
      onDone={onDone}
      run={async () => {
        const answer = await actOnAlert(services, alert, { action: 'escalate', ...(reason.trim() ? { reason: reason.trim() } : {}) });
        return answer.ok ? { ok: true, text: `${alert.title}: escalated to level ${answer.value.level}` } : { ok: false, text: answer.error.message };
      }}
    >
      <p className="small">This notifies the next level's people now (the notification carries the dedup key {alert.id}:L{alert.level + 1}).</p>
      <label className="field">
        <span>Reason (optional)</span>
        <input className="input" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={4000} autoFocus />
      </label>
    </ActionDialog>
  );
}

export function BulkDialog({ action, alerts, onClose, onDone }: { action: 'ack' | 'resolve'; alerts: AlertSummary[]; onClose: () => void; onDone: (text: string) => void }) {
  const services = useServices();
  const [resolution, setResolution] = useState<Resolution>('fixed');
  const [reason, setReason] = useState('');
  const eligible = alerts.filter((a) => (action === 'ack' ? a.status === 'open' : a.status !== 'resolved'));
  const verb = action === 'ack' ? 'Acknowledge' : 'Resolve';
  return (
    <ActionDialog
      title={`${verb} ${eligible.length} alert${eligible.length === 1 ? '' : 's'}`}
      confirmLabel={`${verb} ${eligible.length}`}
      isDangerous={false}
      isReady={eligible.length > 0 && reason.trim().length > 0}
      onCancel={onClose}
      onDone={onDone}
      run={async () => {
        const outcome = await bulkActOnAlerts(services, eligible, { action, reason: reason.trim(), ...(action === 'resolve' ? { resolution } : {}) });
        if (!outcome.ok) return { ok: false, text: outcome.done ? `${outcome.message} (after ${outcome.done} changed)` : outcome.message };
        const { done, failed } = outcome;
        const text = `${verb === 'Acknowledge' ? 'Acknowledged' : 'Resolved'} ${done}${failed.length ? `; ${failed.length} not changed (${failed[0]}${failed.length > 1 ? ', …' : ''})` : ''}`;
        return failed.length && !done ? { ok: false, text } : { ok: true, text };
      }}
    >
      {eligible.length < alerts.length ? <p className="small muted">{alerts.length - eligible.length} of the selection are already {action === 'ack' ? 'acknowledged or resolved' : 'resolved'} and are left as they are.</p> : null}
      {action === 'resolve' ? <ResolutionFields resolution={resolution} setResolution={setResolution} reason={reason} setReason={setReason} /> : null}
      {action === 'ack' ? (
        <label className="field">
          <span>Reason — required for a bulk acknowledgment, recorded with each one</span>
          <input className="input" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={4000} autoFocus data-testid="bulk-reason" />
        </label>
      ) : null}
    </ActionDialog>
  );
}

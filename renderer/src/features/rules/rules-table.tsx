import { useEffect, useState } from 'react';
import type { Result } from '../../../../shared/contract';
import { RULE_UNITS, type HealthRule, type RulesState } from '../../../../shared/model/health-rules';
import { Severity } from '../../../../shared/schemas/security-streams';
import { useServices } from '../../services';
import { resetRules, saveRules } from '../../actions/rule-actions';
import { isDirty, parseDrafts, toDrafts, type DraftErrors, type RuleDraft } from '../../stores/rules.logic';

const KIND_LABELS: Record<HealthRule['kind'], string> = {
  'consumer-lag': 'Consumer lag',
  'processing-error-rate': 'Processing error rate',
  'dlq-growth': 'DLQ growth (last hour)',
  'queue-depth': 'RabbitMQ queue depth',
};

/** The editable rules of one environment, with Save and Reset to defaults. */
export function RulesTable({ envId, rules }: { envId: string; rules: readonly HealthRule[] }) {
  const services = useServices();
  const [drafts, setDrafts] = useState<RuleDraft[]>(() => toDrafts(rules));
  const [errors, setErrors] = useState<DraftErrors>({});
  const [status, setStatus] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const [isBusy, setBusy] = useState(false);
  const dirty = isDirty(drafts, rules);
  const savedJson = JSON.stringify(rules);

  // Saved or reset: the form shows what is stored now.
  useEffect(() => {
    setDrafts(toDrafts(JSON.parse(savedJson) as HealthRule[]));
    setErrors({});
  }, [savedJson]);

  const change = (id: string, patch: Partial<RuleDraft>) => {
    const next = drafts.map((draft) => (draft.id === id ? { ...draft, ...patch } : draft));
    setDrafts(next);
    setErrors(parseDrafts(next).errors);
    setStatus(null);
  };

  const run = async (call: () => Promise<Result<RulesState>>, done: string) => {
    setBusy(true);
    const answer = await call();
    setBusy(false);
    setStatus(answer.ok ? { tone: 'ok', text: done } : { tone: 'bad', text: answer.error.message });
  };

  const save = () => {
    const parsed = parseDrafts(drafts);
    setErrors(parsed.errors);
    if (!parsed.rules) {
      setStatus({ tone: 'bad', text: 'Fix the highlighted values first.' });
      return;
    }
    const rulesToSave = parsed.rules;
    void run(() => saveRules(services, envId, rulesToSave), 'Saved.');
  };

  const hasErrors = Object.keys(errors).length > 0;
  return (
    <div className="rules-editor">
      <table className="data-table rules-table">
        <thead>
          <tr>
            <th scope="col">On</th>
            <th scope="col">Rule</th>
            <th scope="col">Fires when above</th>
            <th scope="col">For (seconds)</th>
            <th scope="col">Severity</th>
          </tr>
        </thead>
        <tbody>
          {drafts.map((draft) => {
            const error = errors[draft.id] ?? {};
            return (
              <tr key={draft.id} data-testid={`rule-row-${draft.id}`} className={draft.enabled ? undefined : 'rule-disabled'}>
                <td>
                  <input
                    type="checkbox"
                    checked={draft.enabled}
                    aria-label={`Enable ${draft.id}`}
                    data-testid={`rule-enabled-${draft.id}`}
                    onChange={(event) => change(draft.id, { enabled: event.target.checked })}
                  />
                </td>
                <td>
                  <div>{KIND_LABELS[draft.kind]}</div>
                  <div className="muted small mono">{draft.id}</div>
                </td>
                <td>
                  <input
                    className={error.threshold ? 'input input-rule input-invalid' : 'input input-rule'}
                    inputMode="decimal"
                    value={draft.threshold}
                    aria-label={`Threshold of ${draft.id}`}
                    aria-invalid={error.threshold ? true : undefined}
                    data-testid={`rule-threshold-${draft.id}`}
                    onChange={(event) => change(draft.id, { threshold: event.target.value })}
                  />{' '}
                  <span className="muted small">{RULE_UNITS[draft.kind]}</span>
                  {error.threshold ? <div className="field-error">{error.threshold}</div> : null}
                </td>
                <td>
                  <input
                    className={error.forSeconds ? 'input input-rule input-invalid' : 'input input-rule'}
                    inputMode="numeric"
                    value={draft.forSeconds}
                    aria-label={`Seconds ${draft.id} must hold before firing`}
                    aria-invalid={error.forSeconds ? true : undefined}
                    data-testid={`rule-for-${draft.id}`}
                    onChange={(event) => change(draft.id, { forSeconds: event.target.value })}
                  />
                  {error.forSeconds ? <div className="field-error">{error.forSeconds}</div> : null}
                </td>
                <td>
                  <select
                    value={draft.severity}
                    aria-label={`Severity of ${draft.id}`}
                    data-testid={`rule-severity-${draft.id}`}
                    onChange={(event) => change(draft.id, { severity: Severity.parse(event.target.value) })}
                  >
                    {Severity.options.map((severity) => (
                      <option key={severity} value={severity}>
                        {severity}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="rules-actions">
        <button type="button" className="button button-primary" data-testid="rules-save" disabled={isBusy || !dirty || hasErrors} onClick={save}>
          Save
        </button>
        <button
          type="button"
          className="button"
          data-testid="rules-reset"
          disabled={isBusy}
          onClick={() => void run(() => resetRules(services, envId), 'Back to the seed defaults.')}
        >
          Reset to defaults
        </button>
        {dirty ? <span className="muted small">unsaved changes</span> : null}
        {status ? (
          <span className={status.tone === 'ok' ? 'rules-status-ok' : 'bad'} role="status" data-testid="rules-status">
            {status.text}
          </span>
        ) : null}
      </div>
    </div>
  );
}

import { useId, useState } from 'react';
import { MASK_KINDS, type MaskKind } from '../../../../shared/model/masking';
import { addMaskRule, maskingRulesOf, removeMaskRule, type MaskingFormValues } from './environment-form-masking.logic';

// Layout kept here: styles.css has other work in progress.
const LIST_STYLE = { listStyle: 'none', margin: '6px 0 10px', padding: 0, display: 'flex', flexWrap: 'wrap', gap: '6px 14px' } as const;
const RULE_STYLE = { display: 'inline-flex', alignItems: 'center', gap: 6 } as const;
const ADD_STYLE = { display: 'flex', alignItems: 'flex-end', gap: 8, flexWrap: 'wrap' } as const;

const KIND_LABELS: Record<'path' | MaskKind, string> = { path: 'a field path (masked whole)', email: 'e-mail addresses', token: 'tokens (Bearer, JWT, API keys)', ip: 'IP addresses' };

/**
 * The masked fields of an environment (issue 20): the rules in force, the seed defaults on or off,
 * one's own paths and value kinds added and removed — what `env add --mask` does.
 */
export function MaskingFields({ values, onChange }: { values: MaskingFormValues; onChange: (values: MaskingFormValues) => void }) {
  const [kind, setKind] = useState<'path' | MaskKind>('path');
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const kindId = useId();
  const pathId = useId();
  const rules = maskingRulesOf(values);
  const add = () => {
    const added = addMaskRule(values, kind, path);
    if ('error' in added) {
      setError(added.error);
      return;
    }
    setError(null);
    setPath('');
    onChange(added.values);
  };
  return (
    <fieldset className="fieldset" data-testid="env-masking">
      <legend>Masked fields</legend>
      <p className="field-hint">
        Masked in the host before a payload reaches a window, the CLI or a search result, for every role. Operators and admins can reveal one message with a reason (both audit logs); replays and exports keep the
        original bytes.
      </p>
      <label className="check">
        <input
          type="checkbox"
          data-testid="env-mask-defaults"
          checked={values.useDefaults}
          onChange={(e) => {
            setError(null);
            onChange({ ...values, useDefaults: e.target.checked, isEdited: true });
          }}
        />
        <span>Mask the seed defaults (credentials, passwords, keys, tokens, e-mail addresses, IPs in free-form parts)</span>
      </label>
      {rules.length === 0 ? (
        <p className="warn small" data-testid="env-mask-none">
          Nothing is masked: every payload is shown as stored.
        </p>
      ) : (
        <ul style={LIST_STYLE} data-testid="env-mask-rules">
          {rules.map((r) => (
            <li key={`${r.kind}:${r.rule}`} style={RULE_STYLE} data-testid={`env-mask-rule-${r.rule}`}>
              <span className="mono small">{r.rule}</span> <span className="muted small">{r.kind === 'path' ? 'path' : 'value kind'}</span>
              {r.isDefault ? (
                <span className="tag small">default</span>
              ) : (
                <button type="button" className="button button-quiet small" aria-label={`Remove ${r.rule}`} data-testid={`env-mask-remove-${r.rule}`} onClick={() => onChange(removeMaskRule(values, r.kind, r.rule))}>
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <div style={ADD_STYLE}>
        <div className="field">
          <label htmlFor={kindId} className="label-text">
            Mask
          </label>
          <select id={kindId} className="input" data-testid="env-mask-kind" value={kind} onChange={(e) => setKind(e.target.value as 'path' | MaskKind)}>
            {(['path', ...MASK_KINDS] as const).map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={pathId} className="label-text">
            {kind === 'path' ? 'Path' : 'Only under (optional path)'}
          </label>
          <input
            id={pathId}
            className="input mono"
            data-testid="env-mask-path"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
            placeholder={kind === 'path' ? '**.card_number, details.*.ip' : 'anywhere; or **.details.**'}
            spellCheck={false}
          />
        </div>
        <button type="button" className="button" data-testid="env-mask-add" onClick={add}>
          Add
        </button>
      </div>
      <span className="field-hint">Paths are keys, * (one level) and ** (any levels) joined by dots.</span>
      {error ? (
        <p className="bad small" role="alert" data-testid="env-mask-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

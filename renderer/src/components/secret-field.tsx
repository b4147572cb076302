import { useId } from 'react';

const UNCHANGED = '•••• (unchanged)';

/**
 * A write-only secret (password, key, webhook URL): empty by default, never prefilled — the
 * renderer never receives the stored value. When one is stored the placeholder says so and
 * leaving the field empty keeps it; the "clear" box removes it.
 */
export function SecretField(props: {
  label: string;
  testId: string;
  value: string;
  onChange: (value: string) => void;
  hasStored: boolean;
  isClearing: boolean;
  onClearingChange: (value: boolean) => void;
  /** Shown while nothing is stored (or it is being cleared). */
  placeholder?: string;
  /** Text of the clear box; "clear stored password" unless the secret is not a password. */
  clearLabel?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="label-text">
        {props.label}
      </label>
      <div className="password-row">
        <input
          id={id}
          className="input"
          type="password"
          data-testid={props.testId}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          placeholder={props.hasStored && !props.isClearing ? UNCHANGED : props.placeholder}
          autoComplete="new-password"
          spellCheck={false}
        />
        {props.hasStored ? (
          <label className="check">
            <input type="checkbox" data-testid={`${props.testId}-clear`} checked={props.isClearing} disabled={props.value !== ''} onChange={(e) => props.onClearingChange(e.target.checked)} />
            <span>{props.clearLabel ?? 'clear stored password'}</span>
          </label>
        ) : null}
      </div>
    </div>
  );
}

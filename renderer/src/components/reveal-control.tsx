import { useState } from 'react';
import type { Result } from '../../../shared/contract';
import type { EnvironmentView } from '../../../shared/model/environment';
import { MASK_MARK } from '../../../shared/model/masking';

/** True when a text the host sent holds a masked value. */
export const isMaskedText = (text: string) => text.includes(MASK_MARK);

/**
 * "Reveal" on a detail whose payload the host masked (issue 20): operators and admins give a
 * reason and get the message as stored in place; a viewer is told who may. The reveal itself is an
 * action (renderer/src/actions/reveal-actions.ts) passed in as `reveal`.
 */
export function RevealControl({ env, isRevealed, reveal }: { env: EnvironmentView; isRevealed: boolean; reveal: (reason: string) => Promise<Result<unknown>> }) {
  const [isAsking, setIsAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const role = env.effectiveRole ?? env.role;
  if (isRevealed) {
    return (
      <p className="note small" data-testid="reveal-done">
        Revealed — your reason is in the audit logs. Closing this detail masks it again.
      </p>
    );
  }
  if (role === 'viewer') {
    return (
      <p className="muted small" data-testid="reveal-viewer">
        Some fields are masked. An operator or admin can reveal them, with a reason.
      </p>
    );
  }
  if (!isAsking) {
    return (
      <p className="muted small">
        Some fields are masked.{' '}
        <button type="button" className="button" data-testid="reveal" onClick={() => setIsAsking(true)}>
          Reveal…
        </button>
      </p>
    );
  }
  const submit = async () => {
    setIsBusy(true);
    setError(null);
    const result = await reveal(reason);
    setIsBusy(false);
    if (!result.ok) setError(`${result.error.code}: ${result.error.message}`);
  };
  return (
    <form
      className="reveal-form"
      data-testid="reveal-form"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <label className="small">
        Why do you need to see the masked fields? (written to both audit logs)
        <input type="text" data-testid="reveal-reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} autoFocus />
      </label>
      <button type="submit" className="button button-primary" data-testid="reveal-confirm" disabled={isBusy || reason.trim().length < 3}>
        Reveal
      </button>
      <button type="button" className="button button-quiet" onClick={() => setIsAsking(false)}>
        Cancel
      </button>
      {error ? <p className="bad small">{error}</p> : null}
    </form>
  );
}

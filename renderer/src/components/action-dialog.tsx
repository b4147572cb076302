import { useState, type ReactNode } from 'react';

/** A confirmation dialog: what the action does, its fields, Cancel and the action's button; the host's error is shown in it. */
export function ActionDialog({
  title,
  children,
  confirmLabel,
  isReady,
  run,
  onCancel,
  onDone,
  isDangerous = true,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  isReady: boolean;
  run: () => Promise<{ ok: true; text: string } | { ok: false; text: string }>;
  onCancel: () => void;
  onDone: (text: string) => void;
  /** Destructive actions get the red button; reversible ones (pause, promote) the primary one. */
  isDangerous?: boolean;
}) {
  const [isBusy, setIsBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="action-dialog-backdrop" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div className="action-dialog" role="dialog" aria-modal="true" aria-labelledby="action-dialog-title" data-testid="action-dialog">
        <h3 id="action-dialog-title" className="action-dialog-title">
          {title}
        </h3>
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            if (!isReady || isBusy) return;
            setIsBusy(true);
            setError(null);
            const result = await run();
            setIsBusy(false);
            if (result.ok) onDone(result.text);
            else setError(result.text);
          }}
        >
          {children}
          {error ? (
            <p className="bad" role="alert" data-testid="action-error">
              {error}
            </p>
          ) : null}
          <div className="action-dialog-actions">
            <button type="button" className="button" onClick={onCancel} data-testid="action-cancel">
              Cancel
            </button>
            <button type="submit" className={isDangerous ? 'button button-danger' : 'button button-primary'} data-testid="action-confirm" disabled={!isReady || isBusy}>
              {isBusy ? 'Working…' : confirmLabel}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}


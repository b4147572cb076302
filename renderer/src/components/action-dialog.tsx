import { useEffect, useRef, useState, type ReactNode } from 'react';

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
  subject,
}: {
  title: string;
  /** What it acts on, named in full: "Local · security.events / event-processors". */
  subject?: string;
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
  const box = useRef<HTMLDivElement>(null);
  useModalFocus(box, onCancel);
  return (
    <div className="action-dialog-backdrop">
      <div ref={box} className="action-dialog" role="dialog" aria-modal="true" aria-labelledby="action-dialog-title" data-testid="action-dialog" tabIndex={-1}>
        <h3 id="action-dialog-title" className="action-dialog-title">
          {title}
        </h3>
        {subject ? (
          <p className="action-dialog-subject mono small" data-testid="action-subject">
            {subject}
          </p>
        ) : null}
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


const FOCUSABLE = 'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

/**
 * A modal takes the focus when it opens (its first field, else Cancel — never the confirm button,
 * so a stray Enter cannot run a destructive action), keeps Tab inside, closes on Escape wherever
 * the focus is, and gives the focus back to where it was.
 */
export function useModalFocus(box: React.RefObject<HTMLElement | null>, onClose: () => void): void {
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const element = box.current;
    if (element) {
      const field = element.querySelector<HTMLElement>('input:not([disabled]), select:not([disabled]), textarea:not([disabled])');
      (field ?? element.querySelector<HTMLElement>('[data-testid="action-cancel"]') ?? element).focus();
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        close.current();
        return;
      }
      if (event.key !== 'Tab' || !box.current) return;
      const items = [...box.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
      if (items.length === 0) return;
      const first = items[0]!;
      const last = items[items.length - 1]!;
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      } else if (!box.current.contains(document.activeElement)) {
        event.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      if (before && document.contains(before)) before.focus();
    };
  }, [box]);
}

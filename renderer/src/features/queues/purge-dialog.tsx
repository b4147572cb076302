import { useRef, useState } from 'react';
import { useModalFocus } from '../../components/action-dialog';
import { useServices } from '../../services';
import { purgeQueue } from '../../actions/queue-actions';
import { isPurgeConfirmed } from './rabbit-queues.logic';

/**
 * Purge with typed confirmation: the analyst types the queue name; the button stays disabled until
 * it matches exactly. The core checks the same (and refuses read-only environments) whatever the UI does.
 */
export function PurgeDialog({
  envId,
  envName,
  queue,
  ready,
  onDone,
  onCancel,
}: {
  envId: string;
  envName: string;
  queue: string;
  ready: number | null;
  onDone: (purged: number) => void;
  onCancel: () => void;
}) {
  const services = useServices();
  const [typed, setTyped] = useState('');
  const [isBusy, setIsBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLDivElement>(null);
  useModalFocus(box, onCancel);
  const isConfirmed = isPurgeConfirmed(queue, typed);
  const purge = async () => {
    setIsBusy(true);
    setError(null);
    const result = await purgeQueue(services, envId, queue, typed);
    setIsBusy(false);
    if (result.ok) onDone(result.value.purged);
    else setError(`${result.error.code}: ${result.error.message}`);
  };
  return (
    <div className="rabbit-dialog-backdrop">
      <div ref={box} tabIndex={-1} className="rabbit-dialog" role="dialog" aria-modal="true" aria-labelledby="purge-title" data-testid="purge-dialog">
        <h3 id="purge-title" className="rabbit-dialog-title">
          Purge {queue}?
        </h3>
        <p>
          This deletes {ready === null ? 'every ready message' : `the ${ready.toLocaleString('en-US')} ready message${ready === 1 ? '' : 's'}`} of{' '}
          <span className="mono">{queue}</span> on <strong>{envName}</strong>. Unacknowledged messages stay. It cannot be undone.
        </p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (isConfirmed && !isBusy) void purge();
          }}
        >
          <label className="label-text" htmlFor="purge-confirm-input">
            Type the queue name to confirm
          </label>
          <input
            id="purge-confirm-input"
            ref={input}
            className="input mono purge-input"
            data-testid="purge-confirm-input"
            value={typed}
            autoComplete="off"
            spellCheck={false}
            placeholder={queue}
            onChange={(e) => setTyped(e.target.value)}
          />
          {error ? (
            <p className="bad" role="alert" data-testid="purge-error">
              {error}
            </p>
          ) : null}
          <div className="rabbit-dialog-actions">
            <button type="button" className="button" onClick={onCancel}>
              Cancel
            </button>
            <button type="submit" className="button button-danger" data-testid="purge-confirm" disabled={!isConfirmed || isBusy} title={isConfirmed ? undefined : 'Type the exact queue name first'}>
              {isBusy ? 'Purging…' : 'Purge queue'}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

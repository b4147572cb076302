import { ActionDialog } from '../../components/action-dialog';
import { formatCount } from '../../components/format';
import type { Backlog } from '../../stores/workers.logic';

/** "Event processor: 9,200 in security.events (lag + pending)", the parts a start begins with. */
function partsText(backlog: Backlog, max = 3): string {
  const shown = backlog.parts.slice(0, max).map((p) => `${p.title} ${formatCount(p.waiting)} in ${p.source}${p.basis === 'history' ? ' (whole history)' : ''}`);
  const more = backlog.parts.length - shown.length;
  return [...shown, ...(more > 0 ? [`${more} more`] : [])].join(', ');
}

/** Beside "Start all": how much is waiting for the stopped processors, so a start surprises nobody. */
export function BacklogNote({ backlog, envId }: { backlog: Backlog; envId: string }) {
  if (backlog.total === 0 && backlog.unknown.length === 0) return null;
  return (
    <p className="note" data-testid={`workers-backlog-${envId}`}>
      {backlog.total > 0 ? (
        <>
          <strong>{formatCount(backlog.total)} waiting</strong> for the stopped processors: {partsText(backlog)}.
        </>
      ) : null}
      {backlog.unknown.length > 0 ? <span className="muted"> Not known for {backlog.unknown.join(', ')} (its broker has not been read yet).</span> : null}
    </p>
  );
}

/**
 * Asked before a start that begins with a large backlog: the processors work through it at once,
 * so its alerts and notifications arrive together.
 */
export function StartBacklogDialog({ envName, backlog, run, onCancel, onDone }: { envName: string; backlog: Backlog; run: () => Promise<{ ok: true; text: string } | { ok: false; text: string }>; onCancel: () => void; onDone: (text: string) => void }) {
  return (
    <ActionDialog title={`Start all on ${envName} with ${formatCount(backlog.total)} entries waiting?`} subject={partsText(backlog, 6)} confirmLabel="Start all" isDangerous={false} isReady run={run} onCancel={onCancel} onDone={onDone}>
      <p className="small" data-testid="workers-backlog-warning">
        The processors work through this backlog as fast as they can: the events in it become alerts and notifications now, together, and the alert count climbs accordingly.
        Existing consumer groups keep their place, so nothing is skipped; to go slower, start one processor from its row or lower its concurrency first.
      </p>
    </ActionDialog>
  );
}

import { agedBy, agoText } from '../../components/freshness';
import { useNow } from '../../components/use-now';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ActionDialog } from '../../components/action-dialog';
import type { EnvironmentView } from '../../../../shared/model/environment';
import type { PendingPage, StreamGroupInfo } from '../../../../shared/model/overview';
import { formatAge, formatClock, formatCount } from '../../components/format';
import { useServices } from '../../services';
import { ackEntries, claimEntries, deleteConsumer, moveToDeadLetter } from '../../actions/stream-actions';
import { deadLetterStreamOf } from './streams.logic';
import { toggleSelection } from '../../components/selection';

const PAGE_SIZE = 50;
type Action = 'ack' | 'claim' | 'dlq' | 'delete-consumer';

/**
 * The pending-entries list of one group, paged with an exclusive cursor, with the operator actions:
 * acknowledge the selected entries, claim idle entries to a consumer, move over-delivered entries
 * to the DLQ, delete a dead consumer. Each asks for confirmation; the core refuses them on
 * read-only environments whatever the UI does.
 */
export function PendingEntries({ env, stream, groups, blocked }: { env: EnvironmentView; stream: string; groups: readonly StreamGroupInfo[]; blocked: string | null }) {
  const { client } = useServices();
  const [groupName, setGroupName] = useState(() => [...groups].sort((a, b) => b.pending - a.pending)[0]!.name);
  const group = groups.find((g) => g.name === groupName) ?? groups[0]!;
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<PendingPage | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loadedAt, setLoadedAt] = useState<number | null>(null);
  // Idle times keep growing between loads (issue 21.4): shown as of now, not as of the load.
  const now = useNow(1000);
  const [selection, setSelection] = useState<ReadonlySet<string>>(new Set());
  const [action, setAction] = useState<Action | null>(null);
  const [outcome, setOutcome] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const after = cursors[cursors.length - 1];
  const requestId = useRef(0);

  const load = useCallback(async () => {
    const id = ++requestId.current;
    const result = await client.call('streams.pending', { envId: env.id, stream, group: group.name, ...(after === undefined ? {} : { after }), count: PAGE_SIZE });
    if (id !== requestId.current) return;
    if (result.ok) {
      setPage(result.value);
      setLoadError(null);
      setLoadedAt(Date.now());
      const ids = new Set(result.value.entries.map((e) => e.id));
      setSelection((current) => new Set([...current].filter((x) => ids.has(x))));
    } else {
      setLoadError(`${result.error.code}: ${result.error.message}`);
    }
  }, [client, env.id, stream, group.name, after]);

  useEffect(() => {
    void load();
  }, [load]);

  const done = (text: string) => {
    setAction(null);
    setOutcome({ tone: 'ok', text: `${formatClock(Date.now())} — ${text}` });
    setCursors([undefined]);
    void load();
  };
  const isBlocked = blocked !== null;
  const entries = page?.entries ?? [];
  const isAllSelected = entries.length > 0 && entries.every((e) => selection.has(e.id));

  return (
    <section className="streams-pending" aria-label="Pending entries" data-testid="pending-section">
      <header className="streams-pending-header">
        <h5 className="streams-pending-title">Pending entries</h5>
        <label className="small">
          Group{' '}
          <select
            className="input"
            data-testid="pending-group"
            value={group.name}
            onChange={(e) => {
              setGroupName(e.target.value);
              setCursors([undefined]);
              setSelection(new Set());
            }}
          >
            {groups.map((g) => (
              <option key={g.name} value={g.name}>
                {g.name} ({formatCount(g.pending)} pending)
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button button-quiet" data-testid="pending-refresh" onClick={() => void load()}>
          Refresh
        </button>
        {loadedAt !== null ? <span className="muted small" title={`loaded ${formatClock(loadedAt)}; idle times count on from then`}>loaded {agoText(now - loadedAt)}</span> : null}
        <span className="spacer" />
        <span title={blocked ?? undefined} className="streams-actions">
          <button type="button" className="button" data-testid="action-ack" disabled={isBlocked || selection.size === 0} onClick={() => setAction('ack')}>
            Acknowledge {selection.size > 0 ? formatCount(selection.size) : ''} selected…
          </button>
          <button type="button" className="button" data-testid="action-claim" disabled={isBlocked || group.pending === 0} onClick={() => setAction('claim')}>
            Claim idle…
          </button>
          <button type="button" className="button" data-testid="action-dlq" disabled={isBlocked || group.pending === 0} onClick={() => setAction('dlq')}>
            Move to DLQ…
          </button>
          <button type="button" className="button button-danger" data-testid="action-delete-consumer" disabled={isBlocked || group.consumerList.length === 0} onClick={() => setAction('delete-consumer')}>
            Delete consumer…
          </button>
        </span>
      </header>
      {blocked ? (
        <p className="note" data-testid="actions-blocked">
          {blocked}
        </p>
      ) : null}
      {outcome ? (
        <p className={outcome.tone === 'ok' ? 'note streams-note-ok' : 'bad'} role="status" data-testid="action-result">
          {outcome.text}
        </p>
      ) : null}
      {loadError ? (
        <p className="bad" role="alert">
          Could not read the pending entries: {loadError}
        </p>
      ) : null}
      {page && entries.length === 0 ? (
        <p className="empty" data-testid="pending-empty">
          {cursors.length > 1 ? 'No more pending entries.' : `Nothing pending in ${group.name}: every delivered entry was acknowledged.`}
        </p>
      ) : null}
      {entries.length > 0 ? (
        <table className="data-table streams-pending-table" data-testid="pending-table">
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select every entry of this page"
                  checked={isAllSelected}
                  onChange={() => setSelection(isAllSelected ? new Set() : new Set(entries.map((e) => e.id)))}
                />
              </th>
              <th scope="col">Entry id</th>
              <th scope="col">Consumer</th>
              <th scope="col" className="num" title="Times the entry was delivered">
                Deliveries
              </th>
              <th scope="col" className="num" title="Time since the entry was last delivered">
                Idle
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id} data-testid={`pending-row-${entry.id}`} className={selection.has(entry.id) ? 'streams-row-selected' : undefined}>
                <td>
                  <input type="checkbox" aria-label={`Select ${entry.id}`} data-testid={`pending-select-${entry.id}`} checked={selection.has(entry.id)} onChange={() => setSelection((s) => toggleSelection(s, entry.id))} />
                </td>
                <td className="mono">{entry.id}</td>
                <td className="mono">{entry.consumer}</td>
                <td className={entry.deliveries > 3 ? 'num warn' : 'num'}>{formatCount(entry.deliveries)}</td>
                <td className="num">{formatAge(loadedAt === null ? entry.idleMs : agedBy(entry.idleMs, loadedAt, now))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="streams-pager">
        <button type="button" className="button button-quiet" data-testid="pending-first" disabled={cursors.length <= 1} onClick={() => setCursors([undefined])}>
          First page
        </button>
        <button type="button" className="button button-quiet" data-testid="pending-previous" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous
        </button>
        <button
          type="button"
          className="button button-quiet"
          data-testid="pending-next"
          disabled={!page?.nextAfter}
          onClick={() => page?.nextAfter && setCursors((c) => [...c, page.nextAfter!])}
        >
          Next {PAGE_SIZE}
        </button>
        <span className="muted small">page {cursors.length}</span>
      </div>
      {action === 'ack' ? (
        <AckDialog envId={env.id} stream={stream} group={group.name} ids={[...selection]} onCancel={() => setAction(null)} onDone={done} />
      ) : action === 'claim' ? (
        <ClaimDialog envId={env.id} stream={stream} group={group} onCancel={() => setAction(null)} onDone={done} />
      ) : action === 'dlq' ? (
        <DeadLetterDialog envId={env.id} stream={stream} group={group.name} onCancel={() => setAction(null)} onDone={done} />
      ) : action === 'delete-consumer' ? (
        <DeleteConsumerDialog envId={env.id} stream={stream} group={group} onCancel={() => setAction(null)} onDone={done} />
      ) : null}
    </section>
  );
}

interface DialogProps {
  envId: string;
  stream: string;
  onCancel: () => void;
  onDone: (text: string) => void;
}

const failure = (error: { code: string; message: string }) => ({ ok: false as const, text: `${error.code}: ${error.message}` });

function AckDialog({ envId, stream, group, ids, onCancel, onDone }: DialogProps & { group: string; ids: string[] }) {
  const services = useServices();
  return (
    <ActionDialog
      title={`Acknowledge ${formatCount(ids.length)} entr${ids.length === 1 ? 'y' : 'ies'}?`}
      subject={`${stream} / ${group}`}
      confirmLabel="Acknowledge"
      isReady={ids.length > 0}
      onCancel={onCancel}
      onDone={onDone}
      run={async () => {
        const r = await ackEntries(services, envId, stream, group, ids);
        return r.ok ? { ok: true, text: `acknowledged ${formatCount(r.value.acknowledged)} of ${formatCount(ids.length)} selected entries in ${group}` } : failure(r.error);
      }}
    >
      <p>
        Group <span className="mono">{group}</span> will treat {ids.length === 1 ? 'this entry' : 'these entries'} as processed: nobody will receive them again. Use it for entries you
        know were handled (or are to be dropped).
      </p>
    </ActionDialog>
  );
}

function ClaimDialog({ envId, stream, group, onCancel, onDone }: DialogProps & { group: StreamGroupInfo }) {
  const services = useServices();
  const [consumer, setConsumer] = useState(group.consumerList.find((c) => c.idleMs < 60_000)?.name ?? group.consumerList[0]?.name ?? '');
  const [idleSeconds, setIdleSeconds] = useState('60');
  const seconds = Number(idleSeconds);
  const isValid = consumer.trim() !== '' && Number.isFinite(seconds) && seconds >= 0;
  return (
    <ActionDialog
      title={`Claim idle entries of ${group.name}`}
      subject={`${stream} / ${group.name}`}
      confirmLabel="Claim"
      isReady={isValid}
      onCancel={onCancel}
      onDone={onDone}
      run={async () => {
        const r = await claimEntries(services, envId, stream, group.name, consumer.trim(), Math.round(seconds * 1000));
        if (!r.ok) return failure(r.error);
        const deleted = r.value.deletedIds.length;
        return { ok: true, text: `claimed ${formatCount(r.value.claimed)} entries to ${consumer.trim()}${deleted > 0 ? `; ${deleted} pending entries no longer existed in the stream and were dropped from the pending list` : ''}` };
      }}
    >
      <p>Entries pending longer than the idle time move to the consumer you name (it is created if it does not exist). Their delivery counts stay as they are: claiming changes the owner, it is not a delivery.</p>
      <label className="label-text" htmlFor="claim-consumer">
        To consumer
      </label>
      <input id="claim-consumer" className="input mono" data-testid="claim-consumer" value={consumer} list="claim-consumers" onChange={(e) => setConsumer(e.target.value)} />
      <datalist id="claim-consumers">
        {group.consumerList.map((c) => (
          <option key={c.name} value={c.name} />
        ))}
      </datalist>
      <label className="label-text" htmlFor="claim-idle">
        Idle longer than (seconds)
      </label>
      <input id="claim-idle" className="input" data-testid="claim-idle" inputMode="decimal" value={idleSeconds} onChange={(e) => setIdleSeconds(e.target.value)} />
    </ActionDialog>
  );
}

function DeadLetterDialog({ envId, stream, group, onCancel, onDone }: DialogProps & { group: string }) {
  const services = useServices();
  const [minDeliveries, setMinDeliveries] = useState('3');
  const n = Number(minDeliveries);
  const isValid = Number.isInteger(n) && n >= 1;
  return (
    <ActionDialog
      title={`Move over-delivered entries of ${group} to the DLQ`}
      subject={`${stream} / ${group}`}
      confirmLabel="Move to DLQ"
      isReady={isValid}
      onCancel={onCancel}
      onDone={onDone}
      run={async () => {
        const r = await moveToDeadLetter(services, envId, stream, group, n);
        return r.ok ? { ok: true, text: `moved ${formatCount(r.value.moved)} of ${formatCount(r.value.scanned)} pending entries to ${r.value.deadLetterStream}` } : failure(r.error);
      }}
    >
      <p>
        Each pending entry delivered more than N times is copied to <span className="mono">{deadLetterStreamOf(stream)}</span> in the workers&apos; dead-letter format (origin, group,
        id, deliveries, payload unchanged), then acknowledged in <span className="mono">{group}</span>. Copy first, acknowledge after: nothing is lost if it stops halfway.
      </p>
      <label className="label-text" htmlFor="dlq-min">
        Delivered more than (times)
      </label>
      <input id="dlq-min" className="input" data-testid="dlq-min-deliveries" inputMode="numeric" value={minDeliveries} onChange={(e) => setMinDeliveries(e.target.value)} />
    </ActionDialog>
  );
}

function DeleteConsumerDialog({ envId, stream, group, onCancel, onDone }: DialogProps & { group: StreamGroupInfo }) {
  const services = useServices();
  const candidates = [...group.consumerList].sort((a, b) => b.idleMs - a.idleMs);
  const [consumer, setConsumer] = useState(candidates[0]?.name ?? '');
  const [isForced, setIsForced] = useState(false);
  const [typed, setTyped] = useState('');
  const chosen = group.consumerList.find((c) => c.name === consumer);
  const hasPending = (chosen?.pending ?? 0) > 0;
  return (
    <ActionDialog
      title={`Delete a consumer of ${group.name}`}
      subject={`${stream} / ${group.name}`}
      confirmLabel="Delete consumer"
      isReady={chosen !== undefined && (!hasPending || isForced) && typed === consumer}
      onCancel={onCancel}
      onDone={onDone}
      run={async () => {
        const r = await deleteConsumer(services, envId, { stream, group: group.name, consumer }, isForced, typed);
        return r.ok ? { ok: true, text: `deleted consumer ${consumer}${r.value.droppedPending > 0 ? ` (${formatCount(r.value.droppedPending)} pending entries no longer tracked)` : ''}` } : failure(r.error);
      }}
    >
      <p>For a consumer that died and will not come back (most idle first).</p>
      <label className="label-text" htmlFor="delete-consumer">
        Consumer
      </label>
      <select id="delete-consumer" className="input mono" data-testid="delete-consumer-name" value={consumer} onChange={(e) => setConsumer(e.target.value)}>
        {candidates.map((c) => (
          <option key={c.name} value={c.name}>
            {c.name} — idle {formatAge(c.idleMs)}, {formatCount(c.pending)} pending
          </option>
        ))}
      </select>
      {hasPending ? (
        <label className="streams-force">
          <input type="checkbox" checked={isForced} data-testid="delete-consumer-force" onChange={(e) => setIsForced(e.target.checked)} /> It still has {formatCount(chosen!.pending)} pending
          entries: delete anyway (they would no longer be tracked — claim them first if they must be processed)
        </label>
      ) : null}
      <label className="label-text" htmlFor="delete-consumer-confirm">
        Type the consumer name to confirm
      </label>
      <input id="delete-consumer-confirm" className="input mono" data-testid="delete-consumer-confirm" value={typed} autoComplete="off" spellCheck={false} placeholder={consumer} onChange={(e) => setTyped(e.target.value)} />
    </ActionDialog>
  );
}

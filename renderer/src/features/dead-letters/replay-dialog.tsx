import { useEffect, useRef, useState } from 'react';
import { describeCheck, type ReplayOutcome } from '../../../../shared/model/dead-letter';
import type { DlqMatch } from '../../../../shared/model/dlq-search';
import { BULK_REPLAY_CONFIRM_ABOVE } from '../../../../shared/contract/method-groups/confirm';
import { ActionDialog } from '../../components/action-dialog';
import { formatCount } from '../../components/format';
import { dryRunReplay, replayDeadLetters } from '../../actions/dead-letter-actions';
import { useServices } from '../../services';
import { JobPreview, jobSelection, runReplayJob, useJobOptions } from './replay-jobs-dialog';

/** Describes a replay outcome in one line: what happened, where to, what failed, and for a dry run what would fail again. */
export function describeReplay(outcome: ReplayOutcome, withCheck = true): string {
  const verb = outcome.dryRun ? 'would replay' : 'replayed';
  const targets = Object.entries(outcome.targets)
    .map(([target, n]) => `${formatCount(n)} → ${target}`)
    .join(', ');
  const failed = outcome.failed.length > 0 ? `; ${formatCount(outcome.failed.length)} refused (${outcome.failed[0]!.reason}${outcome.failed.length > 1 ? ', …' : ''})` : '';
  const skipped = outcome.skipped > 0 ? `; ${formatCount(outcome.skipped)} already gone` : '';
  const check = outcome.check && withCheck ? describeCheck(outcome.check, formatCount) : '';
  return `${verb} ${formatCount(outcome.replayed)} of ${formatCount(outcome.matched)}${targets ? ` (${targets})` : ''}${skipped}${failed}${check ? `; ${check}` : ''}`;
}

type Ids = string[] | 'all' | { match: DlqMatch; count: number };

/** The dry run a replay dialog runs as it opens (and again when the target changes): the verdict before anything moves. */
function useVerdict(envId: string, source: string, ids: Ids, target: string, isForced: boolean) {
  const services = useServices();
  const [verdict, setVerdict] = useState<{ state: 'checking' } | { state: 'done'; outcome: ReplayOutcome } | { state: 'error'; text: string }>({ state: 'checking' });
  // The parent builds `ids` anew on each render: the dry run reruns only when what it names changes.
  const key = JSON.stringify(ids);
  const latest = useRef(ids);
  latest.current = ids;
  useEffect(() => {
    const ids = latest.current;
    let isCurrent = true;
    setVerdict({ state: 'checking' });
    const timer = setTimeout(() => {
      void dryRunReplay(services, envId, source, ids, { force: isForced, target }).then((r) => {
        if (isCurrent) setVerdict(r.ok ? { state: 'done', outcome: r.value } : { state: 'error', text: `${r.error.code}: ${r.error.message}` });
      });
    }, 250);
    return () => {
      isCurrent = false;
      clearTimeout(timer);
    };
  }, [services, envId, source, key, target, isForced]);
  return verdict;
}

/** The replay confirmation: target, loop guard, typed confirmation for bulk, and the dry run's event check shown before the button is pressed. */
export function ReplayDialog({ envId, source, ids, onCancel, onDone }: { envId: string; source: string; ids: Ids; onCancel: () => void; onDone: (text: string) => void }) {
  const services = useServices();
  const [target, setTarget] = useState('');
  const [isForced, setIsForced] = useState(false);
  const [typed, setTyped] = useState('');
  const verdict = useVerdict(envId, source, ids, target, isForced);
  const isBulk = ids === 'all' || !Array.isArray(ids) || ids.length > BULK_REPLAY_CONFIRM_ABOVE;
  const n = ids === 'all' ? 0 : Array.isArray(ids) ? ids.length : ids.count;
  const count = ids === 'all' ? 'every entry' : Array.isArray(ids) ? `${formatCount(n)} entr${n === 1 ? 'y' : 'ies'}` : `every entry matching the search (${formatCount(n)} found)`;
  const fails = verdict.state === 'done' ? (verdict.outcome.check?.fails ?? 0) : 0;
  const job = useJobOptions();
  const jobRequest = { envId, source, selection: jobSelection(ids), target, force: isForced };
  return (
    <ActionDialog
      title={`Replay ${count} of ${source}?`}
      confirmLabel={job.isJob ? (fails > 0 ? 'Start the job anyway' : 'Start the job') : fails > 0 ? `Replay anyway` : 'Replay'}
      isDangerous={fails > 0}
      isReady={(!isBulk || typed === source) && (!job.isJob || job.pace !== null)}
      onCancel={onCancel}
      onDone={onDone}
      run={async () => {
        if (job.isJob && job.pace) return runReplayJob(services, jobRequest, job.pace, isBulk ? typed : null);
        const r = await replayDeadLetters(services, envId, source, ids, { force: isForced, target }, isBulk ? typed : null);
        return r.ok ? { ok: true, text: describeReplay(r.value) } : { ok: false, text: `${r.error.code}: ${r.error.message}` };
      }}
    >
      <p>
        Each entry is copied back to the stream it came from (or the target below) with its payload bytes unchanged and a replay count, then removed from the DLQ — one entry
        at a time, atomically: nothing is lost if it stops halfway. Entries already replayed 3 times are refused unless forced.
      </p>
      <Verdict verdict={verdict} />
      <label className="label-text" htmlFor="dlq-target">
        Target stream (empty: each entry&apos;s origin)
      </label>
      <input id="dlq-target" className="input mono" data-testid="dlq-target" value={target} onChange={(e) => setTarget(e.target.value)} placeholder="origin" />
      {isBulk ? (
        <>
          <label className="label-text" htmlFor="dlq-replay-confirm">
            More than {BULK_REPLAY_CONFIRM_ABOVE} entries: type the DLQ name to confirm
          </label>
          <input id="dlq-replay-confirm" className="input mono" data-testid="dlq-replay-confirm" value={typed} autoComplete="off" spellCheck={false} placeholder={source} onChange={(e) => setTyped(e.target.value)} />
        </>
      ) : null}
      <label className="streams-force">
        <input type="checkbox" checked={isForced} data-testid="dlq-force" onChange={(e) => setIsForced(e.target.checked)} /> Replay entries past the loop guard too
      </label>
      {job.fields}
      {job.isJob ? <JobPreview request={jobRequest} /> : null}
    </ActionDialog>
  );
}

function Verdict({ verdict }: { verdict: ReturnType<typeof useVerdict> }) {
  if (verdict.state === 'checking') return <p className="muted small" data-testid="dlq-verdict">Checking the entries against the target&apos;s processor (dry run)…</p>;
  if (verdict.state === 'error') return <p className="bad small" data-testid="dlq-verdict">Dry run failed — {verdict.text}</p>;
  const check = verdict.outcome.check;
  const fails = check?.fails ?? 0;
  return (
    <div className={fails > 0 ? 'form-error' : 'note streams-note-ok'} data-testid="dlq-verdict" role={fails > 0 ? 'alert' : 'status'}>
      <p>
        {fails > 0 ? <strong>{formatCount(fails)} of these would be dead-lettered again by the target&apos;s processor: </strong> : null}
        dry run {describeReplay(verdict.outcome, false)}
        {check && check.passes > 0 ? `; ${formatCount(check.passes)} pass the event check` : ''}
        {check && check.unchecked > 0 ? `; ${formatCount(check.unchecked)} not checked (no pipeline processor reads the target)` : ''}
      </p>
      {check && check.failures.length > 0 ? (
        <ul className="small mono dlq-verdict-failures">
          {check.failures.slice(0, 5).map((f) => (
            <li key={f.id}>
              {f.id}: {f.reason}
            </li>
          ))}
          {check.fails > 5 ? <li>… and {formatCount(check.fails - 5)} more</li> : null}
        </ul>
      ) : null}
    </div>
  );
}

import { useCallback, useEffect, useState } from 'react';
import type { ResultOf } from '../../../../shared/contract/methods';
import type { EnvironmentView } from '../../../../shared/model/environment';
import type { RabbitDeadLetter, RabbitReplayOutcome } from '../../../../shared/model/rabbit-dlq';
import { describeCheck } from '../../../../shared/model/dead-letter';
import { BULK_REPLAY_CONFIRM_ABOVE } from '../../../../shared/contract/method-groups/confirm';
import { dryRunRabbitReplay, replayRabbitDeadLetters } from '../../actions/dead-letter-actions';
import { ActionDialog } from '../../components/action-dialog';
import { formatCount, formatDateTime } from '../../components/format';
import { useServices } from '../../services';
import { revealRabbitDeadLetter } from '../../actions/reveal-actions';
import { RevealControl, isMaskedText } from '../../components/reveal-control';
import { JobPreview, runReplayJob, useJobOptions } from './replay-jobs-dialog';
import { LineageChain } from './lineage-chain';

/** True when the host masked something of a browsed message (payload, consumer error, a header). */
const isMaskedRabbit = (m: RabbitDeadLetter) => isMaskedText(m.payload.preview) || isMaskedText(m.consumerError ?? '') || Object.values(m.headers).some(isMaskedText);

export function describeRabbitReplay(o: RabbitReplayOutcome): string {
  const targets = Object.entries(o.targets)
    .map(([t, n]) => `${formatCount(n)} → ${t}`)
    .join(', ');
  return `${o.dryRun ? 'would replay' : 'replayed'} ${formatCount(o.replayed)} of ${formatCount(o.matched)}${targets ? ` (${targets})` : ''}${o.failed.length ? `; ${o.failed.length} not replayed (${o.failed[0]!.reason})` : ''}${o.unknown ? `; OUTCOME UNKNOWN for ${o.unknown}: check the target before replaying again` : ''}${o.check ? `. Check: ${describeCheck(o.check, formatCount)}` : ''}`;
}

/** The head of a RabbitMQ dead-letter queue, browsed without consuming, and replay with confirms. */
export function RabbitEntries({ env, queue }: { env: EnvironmentView; queue: string }) {
  const services = useServices();
  const { client } = services;
  const [browse, setBrowse] = useState<ResultOf<'dlq.rabbitBrowse'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [dialog, setDialog] = useState(false);
  /** The open message as stored, after a reveal (issue 20): shown until another is opened or the head is browsed again. */
  const [revealed, setRevealed] = useState<{ position: number; message: RabbitDeadLetter } | null>(null);
  const blocked = env.readOnly ? `${env.name} is read-only: replay is not allowed here (dry runs are).` : null;
  const load = useCallback(async () => {
    const answer = await client.call('dlq.rabbitBrowse', { envId: env.id, queue, count: 50 });
    if (answer.ok) {
      setBrowse(answer.value);
      setRevealed(null);
      setError(null);
    } else setError(`${answer.error.code}: ${answer.error.message}`);
  }, [client, env.id, queue]);
  useEffect(() => {
    void load();
  }, [load]);
  const dryRun = async () => {
    const r = await dryRunRabbitReplay(services, env.id, queue, Math.max(1, browse?.messageCount ?? 1));
    setOutcome(r.ok ? { tone: 'ok', text: `dry run: ${describeRabbitReplay(r.value)}` } : { tone: 'bad', text: `${r.error.code}: ${r.error.message}` });
  };
  const browsed = open !== null ? browse?.messages.find((m) => m.position === open) : undefined;
  const message = revealed && revealed.position === open ? revealed.message : browsed;
  return (
    <section className="streams-env dlq-entries" aria-label={`Dead letters of ${queue}`} style={{ borderLeftColor: env.colour }} data-testid="rabbit-dlq">
      <header className="streams-pending-header">
        <h3 className="streams-env-name mono">{queue}</h3>
        <span className="muted small">{browse ? `${formatCount(browse.messageCount)} messages` : ''}</span>
        <button type="button" className="button button-quiet" onClick={() => void load()} data-testid="rabbit-dlq-refresh">
          Look again
        </button>
        <span className="spacer" />
        <button type="button" className="button" onClick={() => void dryRun()} data-testid="rabbit-dlq-dry-run">
          Dry run
        </button>
        <span title={blocked ?? undefined}>
          <button type="button" className="button button-primary" disabled={blocked !== null || !browse?.messageCount} onClick={() => setDialog(true)} data-testid="rabbit-dlq-replay">
            Replay…
          </button>
        </span>
      </header>
      {browse ? (
        <p className="note small" data-testid="rabbit-dlq-note">
          {browse.note}
        </p>
      ) : null}
      {outcome ? (
        <p className={outcome.tone === 'ok' ? 'note streams-note-ok' : 'bad'} role="status" data-testid="rabbit-dlq-result">
          {outcome.text}
        </p>
      ) : null}
      {error ? <p className="bad">{error}</p> : null}
      {browse && browse.messages.length === 0 ? <p className="empty">This dead-letter queue is empty.</p> : null}
      {browse && browse.messages.length > 0 ? (
        <table className="data-table" data-testid="rabbit-dlq-table">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Died in</th>
              <th>Reason</th>
              <th className="num">Deaths</th>
              <th className="num">Replays</th>
              <th>Payload</th>
            </tr>
          </thead>
          <tbody>
            {browse.messages.map((m) => (
              <tr key={m.position} className={open === m.position ? 'streams-row-selected streams-row' : 'streams-row'} onClick={() => {
                  setOpen(m.position);
                  if (revealed?.position !== m.position) setRevealed(null);
                }} data-testid={`rabbit-dlq-row-${m.position}`}>
                <td className="num">{m.position}</td>
                <td className="mono small">{m.originQueue ?? '—'}</td>
                <td className="small" data-testid="rabbit-dlq-reason">
                  <span className="bad" title={m.reasonText ?? undefined}>
                    {m.reason ?? '—'}
                  </span>
                  {m.consumerError ? <span className="muted"> — {m.consumerError.length > 90 ? `${m.consumerError.slice(0, 89)}…` : m.consumerError}</span> : null}
                </td>
                <td className="num">{m.deaths}</td>
                <td className={m.replayCount > 0 ? 'num warn' : 'num'}>{m.replayCount}</td>
                <td className="mono small dlq-preview">{m.payload.encoding === 'hex' ? `hex ${m.payload.preview.slice(0, 80)}` : m.payload.preview.slice(0, 120)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {message ? (
        <section className="streams-detail" data-testid="rabbit-dlq-detail">
          <h4 className="streams-detail-title mono">
            #{message.position} {message.messageId ?? ''}
          </h4>
          {browsed && (revealed?.position === open || isMaskedRabbit(browsed)) ? (
            <RevealControl
              env={env}
              isRevealed={revealed?.position === open}
              reveal={async (reason) => {
                const result = await revealRabbitDeadLetter(services, env.id, queue, browsed.position, browsed.messageId, reason);
                // Shown in the place it was opened from; the answer names where it is now when the head moved.
                if (result.ok) setRevealed({ position: browsed.position, message: result.value.message });
                return result;
              }}
            />
          ) : null}
          {revealed?.position === open && revealed.message.position !== revealed.position ? (
            <p className="warn small" data-testid="rabbit-dlq-moved">
              The head moved since you looked: this message is now #{revealed.message.position}. Look again to see the queue as it is.
            </p>
          ) : null}
          <p className="bad" data-testid="rabbit-dlq-why">
            {message.reasonText ?? 'No x-death header: this message was put here directly, not dead-lettered by RabbitMQ.'}
            {message.diedAt ? ` — ${formatDateTime(message.diedAt)}` : ''}
          </p>
          {message.consumerError ? (
            <p className="small" data-testid="rabbit-dlq-consumer-error">
              The consumer said{message.attempts !== null ? ` (after ${message.attempts} ${message.attempts === 1 ? 'attempt' : 'attempts'})` : ''}: <span className="mono">{message.consumerError}</span>
            </p>
          ) : message.reason === 'rejected' ? (
            <p className="small muted" data-testid="rabbit-dlq-consumer-error">
              The consumer gave no reason (a nack carries none): its log has it — for Watchfloor's own workers, the Workers view shows the last error.
            </p>
          ) : null}
          <p className="small">x-death chain (newest first):</p>
          <ol className="small">
            {message.xDeath.map((d, i) => (
              <li key={i}>
                {d.reason} in <span className="mono">{d.queue}</span> ×{d.count} (exchange {d.exchange || 'default'}, routing keys {d.routingKeys.join(', ') || '—'})
                {d.time ? ` at ${new Date(d.time).toISOString()}` : ''}
              </li>
            ))}
          </ol>
          {message.lineage || message.replayCount > 0 ? (
            <LineageChain
              lineage={message.lineage}
              current={{ error: message.consumerError ?? message.reasonText, attempts: message.attempts, failedAt: message.diedAt ? new Date(message.diedAt).toISOString() : null, originGroup: null, originStream: message.originQueue, originId: message.messageId }}
              replayCount={message.replayCount}
              testId="rabbit-dlq-lineage"
            />
          ) : null}
          <pre className="dlq-payload" data-testid="rabbit-dlq-payload">
            {message.payload.preview}
          </pre>
        </section>
      ) : null}
      {dialog && browse ? (
        <RabbitReplayDialog
          envId={env.id}
          queue={queue}
          available={browse.messageCount}
          onCancel={() => setDialog(false)}
          onDone={(text) => {
            setDialog(false);
            setOutcome({ tone: 'ok', text });
            void load();
          }}
        />
      ) : null}
    </section>
  );
}

function RabbitReplayDialog({ envId, queue, available, onCancel, onDone }: { envId: string; queue: string; available: number; onCancel: () => void; onDone: (text: string) => void }) {
  const services = useServices();
  const [count, setCount] = useState(String(Math.min(available, 100)));
  const [typed, setTyped] = useState('');
  const job = useJobOptions();
  const n = Number(count);
  const isBulk = n > BULK_REPLAY_CONFIRM_ABOVE;
  // A one-shot replay holds its window of messages in this console; a job moves any number in batches.
  const max = job.isJob ? 1_000_000 : 10_000;
  const isValid = Number.isInteger(n) && n >= 1 && n <= max;
  const jobRequest = { envId, broker: 'rabbitmq' as const, source: queue, selection: { kind: 'count' as const, count: isValid ? n : 1 } };
  return (
    <ActionDialog
      title={`Replay from ${queue}?`}
      confirmLabel={job.isJob ? 'Start the job' : 'Replay'}
      isDangerous={false}
      isReady={isValid && (!isBulk || typed === queue) && (!job.isJob || job.pace !== null)}
      onCancel={onCancel}
      onDone={onDone}
      run={async () => {
        if (job.isJob && job.pace) return runReplayJob(services, jobRequest, job.pace, isBulk ? typed : null);
        const r = await replayRabbitDeadLetters(services, envId, queue, n, isBulk ? typed : null);
        return r.ok ? { ok: r.value.unknown === 0, text: describeRabbitReplay(r.value) } : { ok: false, text: `${r.error.code}: ${r.error.message}` };
      }}
    >
      <p className="small">
        {job.isJob
          ? 'The job takes the messages from the head of the queue in batches; each batch — copies to the queue each died in, and the removal of their dead letters — is one AMQP transaction, so a console closed or killed mid-batch moves all of it or none, and the next console goes on. A refused message stays in the queue.'
          : 'Messages are taken from the head of the queue and published back to the queue each died in (from its x-death header), with publisher confirms. A dead letter is removed only after the broker confirmed its copy; an unroutable one stays.'}
      </p>
      <label className="label-text" htmlFor="rabbit-replay-count">
        How many (from the head; {formatCount(available)} now{job.isJob ? '' : '; up to 10,000 at once — more as a job'})
      </label>
      <input id="rabbit-replay-count" className="input" inputMode="numeric" value={count} onChange={(e) => setCount(e.target.value)} data-testid="rabbit-replay-count" />
      {!isValid ? <p className="bad small">A whole number from 1 to {formatCount(max)}.</p> : null}
      {job.fields}
      {job.isJob && isValid ? <JobPreview request={jobRequest} /> : null}
      {isBulk ? (
        <>
          <label className="label-text" htmlFor="rabbit-replay-confirm">
            More than {BULK_REPLAY_CONFIRM_ABOVE}: type the queue name to confirm
          </label>
          <input id="rabbit-replay-confirm" className="input mono" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder={queue} />
        </>
      ) : null}
    </ActionDialog>
  );
}

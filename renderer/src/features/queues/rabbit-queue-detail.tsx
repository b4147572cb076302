import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EnvironmentView } from '../../../../shared/model/environment';
import type { QueueInfo } from '../../../../shared/model/overview';
import { formatClock, formatCount, formatRate } from '../../components/format';
import { StoredHistory, TimeWindowSelector, formatDayClock, useTimeWindow, type StoredRange } from '../../components/time-range';
import { PurgeDialog } from './purge-dialog';
import { STATS_LAG_NOTE, chartRows, depthOf, purgeBlockedReason } from './rabbit-queues.logic';
import { latestOf, usePolledCall } from '../../components/use-polled-call';

const AXIS = { stroke: '#a9b6c4', fontSize: 11 };
const TOOLTIP_STYLE = { background: '#131a22', border: '1px solid #2c3a4a', color: '#eef3f8' };

interface RabbitQueueDetailProps {
  env: EnvironmentView;
  queue: string;
  live: QueueInfo | null;
  isConnected: boolean;
  /** The queue list comes from the management API (which reports rates), not a passive declare. */
  hasManagement: boolean;
  onClose: () => void;
}

/**
 * One queue: depth and rate charts over 15 min / 1 h (refreshed while open) and, when the
 * environment has a database, 24 h / 7 d from it; its numbers now, and purge.
 */
export function RabbitQueueDetail({ env, queue, live, isConnected, hasManagement, onClose }: RabbitQueueDetailProps) {
  const range = useTimeWindow(env);
  const { windowSeconds, liveWindow } = range;
  const [isPurgeOpen, setIsPurgeOpen] = useState(false);
  const [purged, setPurged] = useState<{ count: number; at: number } | null>(null);
  // The live history is always polled (it also tells a queue deleted while open); a stored range is shown from its own poll.
  const history = usePolledCall('queues.history', { envId: env.id, queue, windowSeconds: liveWindow, maxPoints: 180 }, `${env.id}\u0000${queue}\u0000${liveWindow}`);
  const current = latestOf(history);
  const isGone = current?.gone ?? false;
  const rows = useMemo(() => (current ? chartRows(current) : null), [current]);
  const blocked = purgeBlockedReason(env, isConnected, isGone);
  const isDeadLetter = live?.isDeadLetter ?? /(\.dlq|-dlq|_dlq)$/.test(queue);

  return (
    <section className="rabbit-detail" data-testid="rabbit-detail" aria-label={`Queue ${queue}`}>
      <header className="rabbit-detail-header">
        <h4 className="rabbit-detail-title mono">{queue}</h4>
        {isDeadLetter ? <span className="tag tag-dlq">DLQ</span> : null}
        {live ? (
          <span className="muted small" data-testid="rabbit-detail-now">
            depth {formatCount(depthOf(live))} · ready {formatCount(live.ready)} · unacked {live.unacked === null ? '—' : formatCount(live.unacked)} · consumers{' '}
            {formatCount(live.consumers)} · publish {formatRate(live.publishRate)} · deliver {formatRate(live.deliverRate)} · ack {formatRate(live.ackRate)}
          </span>
        ) : null}
        <span className="spacer" />
        <TimeWindowSelector state={range} className="rabbit-segmented" testIdPrefix="rabbit-" />
        <span title={blocked ?? undefined}>
          <button type="button" className="button button-danger" data-testid="purge-open" disabled={blocked !== null} onClick={() => setIsPurgeOpen(true)}>
            Purge…
          </button>
        </span>
        <button type="button" className="button button-quiet" onClick={onClose} aria-label="Close queue detail">
          ✕
        </button>
      </header>
      {blocked && env.readOnly ? (
        <p className="note" data-testid="purge-blocked">
          {blocked}
        </p>
      ) : null}
      {purged ? (
        <p className="note rabbit-note-ok" role="status" data-testid="purge-result">
          Purged {formatCount(purged.count)} message{purged.count === 1 ? '' : 's'} at {formatClock(purged.at)}.
        </p>
      ) : null}
      {isGone ? (
        <p className="banner banner-bad" role="status" data-testid="queue-gone">
          This queue was deleted while you were watching it. Its history up to the deletion is shown; nothing new will arrive.
        </p>
      ) : null}
      {range.stored ? (
        <StoredRabbitHistory env={env} queue={queue} range={range.stored} hasManagement={hasManagement} />
      ) : (
        <>
          {history.state === 'loading' ? <p className="empty">Loading history…</p> : null}
          {history.state === 'error' && !current ? (
            <p className="empty">{history.code === 'NOT_FOUND' ? 'No history yet: the queue has not been sampled.' : `History unavailable: ${history.message}`}</p>
          ) : null}
          {rows?.isPartial ? (
            <p className="muted small" data-testid="rabbit-history-since">
              History since {formatClock(rows.depth[0]!.at)} (this console has not watched the queue for the whole {windowSeconds === 3600 ? 'hour' : '15 minutes'} yet).
            </p>
          ) : null}
          {rows ? <RabbitCharts rows={rows} formatAt={formatClock} ratesNote={rows.hasRates ? STATS_LAG_NOTE : noRatesText(hasManagement)} /> : null}
        </>
      )}
      {isPurgeOpen ? (
        <PurgeDialog
          envId={env.id}
          envName={env.name}
          queue={queue}
          ready={live?.ready ?? null}
          onCancel={() => setIsPurgeOpen(false)}
          onDone={(count) => {
            setIsPurgeOpen(false);
            setPurged({ count, at: Date.now() });
          }}
        />
      ) : null}
    </section>
  );
}

type RabbitRows = ReturnType<typeof chartRows>;

const rabbitFirstAt = (rows: RabbitRows) => (rows.isPartial ? rows.depth[0]!.at : null);

/** A queue's stored history (24 h / 7 d) from the environment's database, refreshed every minute. */
function StoredRabbitHistory({ env, queue, range, hasManagement }: { env: EnvironmentView; queue: string; range: StoredRange; hasManagement: boolean }) {
  return (
    <StoredHistory
      method="queues.storedHistory"
      params={{ envId: env.id, queue, range }}
      toRows={chartRows}
      firstAt={rabbitFirstAt}
      noun="queue"
      aggregation="depth, ready and unacked: the highest in the bucket; rates: the mean"
      testIdPrefix="rabbit-"
    >
      {(rows) => <RabbitCharts rows={rows} formatAt={formatDayClock} ratesNote={rows.hasRates ? 'RabbitMQ management statistics, as the console sampled them' : storedNoRatesText(hasManagement)} />}
    </StoredHistory>
  );
}

/** Depth (ready + unacked) and the publish / deliver / ack rates of a history (live or stored). */
function RabbitCharts({ rows, formatAt, ratesNote }: { rows: RabbitRows; formatAt: (epochMs: number) => string; ratesNote: string }) {
  const lastDepth = [...rows.depth].reverse().find((r) => r.depth !== null)?.depth ?? null;
  return (
    <div className="rabbit-charts">
      <figure className="rabbit-chart" data-testid="rabbit-chart-depth" data-last={lastDepth === null ? '' : String(lastDepth)}>
        <figcaption className="rabbit-chart-title">Depth (ready + unacked)</figcaption>
        <ResponsiveContainer width="100%" height={190}>
          <LineChart data={rows.depth} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#2c3a4a" strokeDasharray="3 3" />
            <XAxis dataKey="at" type="number" domain={['dataMin', 'dataMax']} tickFormatter={formatAt} tick={AXIS} stroke={AXIS.stroke} minTickGap={40} />
            <YAxis tick={AXIS} stroke={AXIS.stroke} allowDecimals={false} width={52} />
            <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(v) => formatAt(Number(v))} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Line type="linear" dataKey="depth" name="depth" stroke="#58a6ff" dot={rows.depth.length < 4} isAnimationActive={false} strokeWidth={2} />
            <Line type="linear" dataKey="ready" name="ready" stroke="#3fcf5e" dot={rows.depth.length < 4} isAnimationActive={false} strokeWidth={1} />
            <Line type="linear" dataKey="unacked" name="unacked" stroke="#f0b429" dot={rows.depth.length < 4} isAnimationActive={false} strokeWidth={1} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <figure className="rabbit-chart" data-testid="rabbit-chart-rates">
        <figcaption className="rabbit-chart-title">
          Rates (messages/s) <span className="muted small">— {ratesNote}</span>
        </figcaption>
        <ResponsiveContainer width="100%" height={190}>
          <LineChart data={rows.rates} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#2c3a4a" strokeDasharray="3 3" />
            <XAxis dataKey="at" type="number" domain={['dataMin', 'dataMax']} tickFormatter={formatAt} tick={AXIS} stroke={AXIS.stroke} minTickGap={40} />
            <YAxis tick={AXIS} stroke={AXIS.stroke} width={52} tickFormatter={(v: number) => (Math.abs(v) < 10 && !Number.isInteger(v) ? v.toFixed(1) : String(Math.round(v)))} />
            <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(v) => formatAt(Number(v))} formatter={(v) => (typeof v === 'number' ? v.toFixed(1) : String(v))} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Line type="linear" dataKey="publish" name="publish/s" stroke="#58a6ff" dot={rows.depth.length < 4} isAnimationActive={false} strokeWidth={2} />
            <Line type="linear" dataKey="deliver" name="deliver/s" stroke="#d2a8ff" dot={rows.depth.length < 4} isAnimationActive={false} strokeWidth={1.5} />
            <Line type="linear" dataKey="ack" name="ack/s" stroke="#3fcf5e" dot={rows.depth.length < 4} isAnimationActive={false} strokeWidth={1.5} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}

/** Why a stored range has no rates: none were reported while it was sampled, or there is no management API. */
function storedNoRatesText(hasManagement: boolean): string {
  return hasManagement ? 'no rates stored: the management API reported none for this queue in this range' : 'no rates: they need the management API';
}

/**
 * Why the rate chart is empty: without the management API there are none; with it, RabbitMQ
 * reports a queue's rates only once messages have moved through it (about every 5 s).
 */
export function noRatesText(hasManagement: boolean): string {
  return hasManagement ? 'no rates yet: the management API reports them once messages move through this queue' : 'no rates: they need the management API';
}

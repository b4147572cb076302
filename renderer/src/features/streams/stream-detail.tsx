import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EnvironmentView } from '../../../../shared/model/environment';
import type { StreamHistory, StreamInfo } from '../../../../shared/model/overview';
import { formatClock, formatCount, formatRate } from '../../components/format';
import { StoredHistory, TimeWindowSelector, formatDayClock, useTimeWindow, type StoredRange } from '../../components/time-range';
import { usePolledCall, type PolledState } from '../../components/use-polled-call';
import { PendingEntries } from './pending-entries';
import { StreamEntries } from './stream-entries';
import { actionBlockedReason, streamChartRows, streamTotals, type MultiPoint, type StreamChartRows } from './streams.logic';

const AXIS = { stroke: '#a9b6c4', fontSize: 11 };
const TOOLTIP_STYLE = { background: '#131a22', border: '1px solid #2c3a4a', color: '#eef3f8' };
const LINE_COLOURS = ['#58a6ff', '#f0b429', '#3fcf5e', '#d2a8ff', '#ff7b72', '#79c0ff', '#ffa657', '#a5d6ff'];
const MAX_POINTS = 180;

/**
 * One stream: length, lag per group and in/out rates over 15 min / 1 h (refreshed while open), its
 * pending entries per group and the operator actions. A stream deleted while open says so.
 */
export function StreamDetail({
  env,
  stream,
  live,
  isListed,
  isConnected,
  onClose,
}: {
  env: EnvironmentView;
  stream: string;
  /** The stream in the latest overview; null when it is not in the list (deleted, or the list could not be read). */
  live: StreamInfo | null;
  /** True when the latest overview has a stream list (so a missing stream means deleted). */
  isListed: boolean;
  isConnected: boolean;
  onClose: () => void;
}) {
  const range = useTimeWindow(env);
  const { stored, liveWindow } = range;
  // The live hour is always polled (it also tells a stream deleted while open); a stored range is shown from its own poll.
  const history = usePolledCall('streams.history', { envId: env.id, stream, windowSeconds: liveWindow, maxPoints: MAX_POINTS }, `${env.id}\u0000${stream}\u0000${liveWindow}`);
  const current = history.state === 'ready' ? history.value : history.state === 'error' ? history.last : null;
  const isGone = (current?.gone ?? false) || (isListed && isConnected && live === null);
  const rows = useMemo(() => (current ? streamChartRows(current) : null), [current]);
  const blocked = actionBlockedReason(env, isConnected, isGone);
  const totals = live ? streamTotals(live) : null;

  return (
    <section className="streams-detail" data-testid="stream-detail" aria-label={`Stream ${stream}`}>
      <header className="streams-detail-header">
        <h4 className="streams-detail-title mono">{stream}</h4>
        {live?.isDeadLetter ? <span className="tag tag-dlq">DLQ</span> : null}
        {live && totals ? (
          <span className="muted small" data-testid="stream-detail-now">
            length {formatCount(live.length)} · added {formatRate(live.addRate)} · {live.groups.length} group{live.groups.length === 1 ? '' : 's'} · worst lag{' '}
            {totals.worstLag === null ? 'n/a' : `${totals.isLagEstimated ? '≈' : ''}${formatCount(totals.worstLag)}`} · pending {formatCount(totals.pending)}
          </span>
        ) : null}
        <span className="spacer" />
        <TimeWindowSelector state={range} className="streams-segmented" />
        <button type="button" className="button button-quiet" onClick={onClose} aria-label="Close stream detail" data-testid="stream-detail-close">
          ✕
        </button>
      </header>
      {isGone ? (
        <p className="banner banner-bad" role="status" data-testid="stream-gone">
          This stream was deleted while you were watching it. Its history up to the deletion is shown; nothing new will arrive.
        </p>
      ) : null}
      {stored ? (
        <StoredStreamHistory env={env} stream={stream} range={stored} />
      ) : (
        <HistoryCharts history={history} current={current} rows={rows} windowSeconds={range.windowSeconds} />
      )}
      {live && live.groups.length > 0 && !isGone ? (
        <PendingEntries env={env} stream={stream} groups={live.groups} blocked={blocked} />
      ) : live && live.groups.length === 0 ? (
        <p className="muted small">No consumer group reads this stream: nothing is pending, and there are no operator actions.</p>
      ) : null}
      <StreamEntries env={env} stream={stream} groups={live?.groups ?? []} lastEntryId={live?.lastEntryId ?? null} isGone={isGone} />
    </section>
  );
}

const streamFirstAt = (rows: StreamChartRows) => (rows.isPartial ? rows.length[0]!.at : null);

/** A stream's stored history (24 h / 7 d) from the environment's database, refreshed every minute. */
function StoredStreamHistory({ env, stream, range }: { env: EnvironmentView; stream: string; range: StoredRange }) {
  return (
    <StoredHistory
      method="streams.storedHistory"
      params={{ envId: env.id, stream, range }}
      toRows={streamChartRows}
      firstAt={streamFirstAt}
      noun="stream"
      aggregation="length and lag: the highest in the bucket; rates: the mean"
      testIdPrefix="stream-"
    >
      {(rows) => <StreamCharts rows={rows} formatAt={formatDayClock} />}
    </StoredHistory>
  );
}

/** The three charts of the live history, with its loading, error and partial states. */
function HistoryCharts({ history, current, rows, windowSeconds }: { history: PolledState<StreamHistory>; current: StreamHistory | null; rows: StreamChartRows | null; windowSeconds: number }) {
  return (
    <>
      {history.state === 'loading' ? <p className="empty">Loading history…</p> : null}
      {history.state === 'error' && !current ? (
        <p className="empty" data-testid="stream-history-error">
          {history.code === 'NOT_FOUND' ? 'No history yet: the stream has not been sampled.' : `History unavailable: ${history.message}`}
        </p>
      ) : null}
      {rows?.isPartial ? (
        <p className="muted small">
          History since {formatClock(rows.length[0]!.at)} (this console has not watched the stream for the whole {windowSeconds === 3600 ? 'hour' : '15 minutes'} yet).
        </p>
      ) : null}
      {rows ? <StreamCharts rows={rows} formatAt={formatClock} /> : null}
    </>
  );
}

/** Length, lag per group and in/out rates of a history (live or stored). */
function StreamCharts({ rows, formatAt }: { rows: StreamChartRows; formatAt: (epochMs: number) => string }) {
  return (
    <div className="streams-charts">
      <Chart title="Length (entries)" testId="chart-length" last={rows.last.length} data={rows.length} keys={['length']} isInteger formatAt={formatAt} />
      <Chart
        title="Lag per group (entries not yet delivered)"
        testId="chart-lag"
        last={rows.last.lag}
        data={rows.lag}
        keys={rows.lagKeys}
        isInteger
        emptyText="No consumer group on this stream."
        formatAt={formatAt}
      />
      <Chart title="In / out (entries/s): added, and read per group" testId="chart-rates" last={rows.last.rates} data={rows.rates} keys={rows.rateKeys} formatAt={formatAt} />
    </div>
  );
}

function Chart({
  title,
  testId,
  last,
  data,
  keys,
  isInteger = false,
  emptyText,
  formatAt = formatClock,
}: {
  title: string;
  testId: string;
  last: number | null;
  data: readonly MultiPoint[] | readonly { at: number; length: number | null }[];
  keys: readonly string[];
  isInteger?: boolean;
  emptyText?: string;
  formatAt?: (epochMs: number) => string;
}) {
  return (
    <figure className="streams-chart" data-testid={testId} data-last={last === null ? '' : String(Math.round(last * 100) / 100)}>
      <figcaption className="streams-chart-title">
        {title}
        {last !== null ? <span className="muted small"> — now {isInteger ? formatCount(last) : last.toFixed(1)}</span> : null}
      </figcaption>
      {keys.length === 0 ? (
        <p className="empty">{emptyText ?? 'No data.'}</p>
      ) : (
        <ResponsiveContainer width="100%" height={180}>
          <LineChart data={data as MultiPoint[]} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#2c3a4a" strokeDasharray="3 3" />
            <XAxis dataKey="at" type="number" domain={['dataMin', 'dataMax']} tickFormatter={formatAt} tick={AXIS} stroke={AXIS.stroke} minTickGap={40} />
            <YAxis
              tick={AXIS}
              stroke={AXIS.stroke}
              width={56}
              allowDecimals={!isInteger}
              tickFormatter={(v: number) => (Math.abs(v) < 10 && !Number.isInteger(v) ? v.toFixed(1) : formatCount(v))}
            />
            <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(v) => formatAt(Number(v))} formatter={(v) => (typeof v === 'number' ? (isInteger ? formatCount(v) : v.toFixed(1)) : String(v))} />
            {keys.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
            {keys.map((key, i) => (
              <Line key={key} type="linear" dataKey={key} name={key} stroke={LINE_COLOURS[i % LINE_COLOURS.length]} dot={data.length < 4} isAnimationActive={false} strokeWidth={i === 0 ? 2 : 1.5} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}

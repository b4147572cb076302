import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { StoredHistory, formatDayClock, type StoredRange } from '../../components/time-range';
import { bullChartRows } from '../../stores/bullmq.logic';

const SERIES = [
  { key: 'waiting', colour: '#58a6ff' },
  { key: 'active', colour: '#3fcf5e' },
  { key: 'delayed', colour: '#f0b429' },
  { key: 'failed', colour: '#ff7b72' },
] as const;
const AXIS = { stroke: '#a9b6c4', fontSize: 11 };
const TOOLTIP_STYLE = { background: '#131a22', border: '1px solid #2c3a4a', color: '#eef3f8' };

/** The chart of a BullMQ queue's jobs by state (live or stored); `data-last` is the last waiting count. */
export function BullChart({ chart, formatAt }: { chart: ReturnType<typeof bullChartRows>; formatAt: (epochMs: number) => string }) {
  return (
    <figure className="rabbit-chart" data-testid="bull-chart" data-last={chart.last === null ? '' : String(chart.last)}>
      <figcaption className="rabbit-chart-title">Jobs by state</figcaption>
      <ResponsiveContainer width="100%" height={190}>
        <LineChart data={chart.rows} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#2c3a4a" strokeDasharray="3 3" />
          <XAxis dataKey="at" type="number" domain={['dataMin', 'dataMax']} tickFormatter={formatAt} tick={AXIS} stroke={AXIS.stroke} minTickGap={40} />
          <YAxis tick={AXIS} stroke={AXIS.stroke} allowDecimals={false} width={52} />
          <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(v) => formatAt(Number(v))} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {SERIES.map((s) => (
            <Line key={s.key} type="linear" dataKey={s.key} name={s.key} stroke={s.colour} dot={chart.rows.length < 4} isAnimationActive={false} strokeWidth={s.key === 'waiting' ? 2 : 1.5} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** The first bucket drawn when the chart starts after the range's start (the database has nothing earlier). */
const bullFirstAt = (chart: ReturnType<typeof bullChartRows>, history: { points: number }) => (chart.rows.length < history.points ? chart.rows[0]!.at : null);

/** A BullMQ queue's stored job counts (24 h / 7 d) from the environment's database, refreshed every minute. */
export function StoredBullHistory({ env, queue, range }: { env: EnvironmentView; queue: string; range: StoredRange }) {
  return (
    <StoredHistory
      method="bullmq.storedHistory"
      params={{ envId: env.id, queue, range }}
      toRows={bullChartRows}
      firstAt={bullFirstAt}
      noun="queue"
      aggregation="each job count: the highest in the bucket"
      testIdPrefix="bull-"
    >
      {(chart) => <BullChart chart={chart} formatAt={formatDayClock} />}
    </StoredHistory>
  );
}

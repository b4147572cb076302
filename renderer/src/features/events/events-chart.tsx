import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount, formatDateTime } from '../../components/format';
import { HOUR_MS, hourLabel } from './events.logic';

const AXIS = { stroke: '#a9b6c4', fontSize: 11 };
const TOOLTIP_STYLE = { background: '#131a22', border: '1px solid #2c3a4a', color: '#eef3f8' };

/** Stored events an hour over the range (events.hourly), with the total. */
export function EventsChart({ bars, total, range, rangeLabel }: { bars: { hour: number; count: number }[]; total: number; range: { since: number; until: number }; rangeLabel: string }) {
  const span = range.until - range.since;
  return (
    <figure className="events-chart" data-testid="events-chart" aria-label={`Stored events an hour ${rangeLabel}`}>
      <figcaption className="events-chart-title">
        <strong data-testid="events-total">{formatCount(total)}</strong> stored event{total === 1 ? '' : 's'} {rangeLabel} · one bar an hour
      </figcaption>
      <ResponsiveContainer width="100%" height={170}>
        <BarChart data={bars} margin={{ top: 6, right: 12, bottom: 0, left: 0 }} barCategoryGap={bars.length > 200 ? 0 : 1}>
          <CartesianGrid stroke="#2c3a4a" strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="hour"
            type="number"
            scale="time"
            domain={[bars[0]?.hour ?? range.since, (bars[bars.length - 1]?.hour ?? range.until) + HOUR_MS]}
            tickFormatter={(v: number) => hourLabel(v, span)}
            tick={AXIS}
            stroke={AXIS.stroke}
            minTickGap={40}
          />
          <YAxis allowDecimals={false} tick={AXIS} stroke={AXIS.stroke} width={44} tickFormatter={(v: number) => formatCount(v)} />
          <Tooltip contentStyle={TOOLTIP_STYLE} cursor={{ fill: 'rgba(88, 166, 255, 0.12)' }} labelFormatter={(v) => `${formatDateTime(Number(v))} – +1 h`} formatter={(v) => [formatCount(Number(v)), 'events']} />
          <Bar dataKey="count" name="events" fill="#58a6ff" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

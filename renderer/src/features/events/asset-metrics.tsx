import { useEffect, useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AssetMetrics, AssetMetricSeries } from '../../../../shared/contract/method-groups/events';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { formatCount, formatDateTime } from '../../components/format';
import { formatDayClock } from '../../components/time-range';
import { useServices } from '../../services';
import { formatMetric, metricRows } from './asset-metrics.logic';

const AXIS = { stroke: '#a9b6c4', fontSize: 11 };
const TOOLTIP_STYLE = { background: '#131a22', border: '1px solid #2c3a4a', color: '#eef3f8' };

type AssetMetricsState = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; metrics: AssetMetrics };

/** "14:05" within a day's range, "Mon 14:05" over days. */
const axisTime = (epochMs: number, span: number) => (span <= 86_400_001 ? formatDayClock(epochMs).split(' ')[1]! : formatDayClock(epochMs));

/** The newest bucket that has a sample, or null. */
function latestOf(series: AssetMetricSeries): number | null {
  for (let i = series.avg.length - 1; i >= 0; i--) if (series.avg[i] !== null) return series.avg[i]!;
  return null;
}

/**
 * The stored metric samples of the asset the Events view is filtered to (issue 17: metric charts
 * past the live hour), from the `metrics` table the metrics-store sink fills: one small chart a
 * field, the bucket's mean as a line and its highest as a faint one.
 */
export function AssetMetricsPanel({ env, asset, range, rangeLabel }: { env: EnvironmentView; asset: string; range: { since: number; until: number }; rangeLabel: string }) {
  const { client } = useServices();
  const [state, setState] = useState<AssetMetricsState>({ state: 'loading' });
  useEffect(() => {
    let isCurrent = true;
    setState({ state: 'loading' });
    void client.call('events.assetMetrics', { envId: env.id, asset, since: range.since, until: range.until }).then((r) => {
      if (!isCurrent) return;
      setState(r.ok ? { state: 'ready', metrics: r.value } : { state: 'error', message: r.error.message });
    });
    return () => {
      isCurrent = false;
    };
  }, [client, env.id, asset, range.since, range.until]);

  const span = range.until - range.since;
  const stepWords = state.state === 'ready' ? (state.metrics.stepMs >= 3_600_000 ? `${state.metrics.stepMs / 3_600_000} h` : `${state.metrics.stepMs / 60_000} min`) : '';
  return (
    <section className="asset-metrics" aria-label={`Stored metrics of ${asset}`} data-testid="asset-metrics">
      <h2 className="asset-metrics-title">
        Metrics of <span className="mono">{asset}</span> {rangeLabel}
        {state.state === 'ready' && state.metrics.series.length ? <span className="muted small"> · mean a {stepWords} bucket, highest faint · from the metrics table</span> : null}
      </h2>
      {state.state === 'loading' ? (
        <p className="muted small" role="status">
          Loading stored metrics…
        </p>
      ) : state.state === 'error' ? (
        <p className="bad small" role="alert" data-testid="asset-metrics-error">
          Could not read the stored metrics: {state.message}
        </p>
      ) : state.metrics.series.length === 0 ? (
        <p className="muted small" data-testid="asset-metrics-empty">
          No metric samples stored for this asset {rangeLabel}. The metrics-store sink (Workers view) stores what arrives on security.metrics.
        </p>
      ) : (
        <>
          <div className="asset-metrics-grid">
            {state.metrics.series.map((series) => (
              <MetricChart key={`${series.metricType}/${series.name}`} metrics={state.metrics} series={series} span={span} />
            ))}
          </div>
          {state.metrics.omitted ? (
            <p className="muted small" data-testid="asset-metrics-omitted">
              {state.metrics.omitted} more field{state.metrics.omitted === 1 ? '' : 's'} with fewer samples not charted.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

function MetricChart({ metrics, series, span }: { metrics: AssetMetrics; series: AssetMetricSeries; span: number }) {
  const rows = useMemo(() => metricRows(metrics, series), [metrics, series]);
  const latest = latestOf(series);
  return (
    <figure className="asset-metric" data-testid={`asset-metric-${series.metricType}-${series.name}`}>
      <figcaption className="asset-metric-caption">
        <span className="mono">{series.name}</span> <span className="muted small">{series.metricType}</span>
        <span className="spacer" />
        {latest !== null ? <strong data-testid="asset-metric-latest">{formatMetric(latest)}</strong> : null}
        <span className="muted small"> {formatCount(series.samples)} samples</span>
      </figcaption>
      <ResponsiveContainer width="100%" height={110}>
        <LineChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#2c3a4a" strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="at" type="number" scale="time" domain={[metrics.from, metrics.from + metrics.points * metrics.stepMs]} tickFormatter={(v: number) => axisTime(v, span)} tick={AXIS} stroke={AXIS.stroke} minTickGap={50} />
          <YAxis tick={AXIS} stroke={AXIS.stroke} width={44} tickFormatter={(v: number) => formatMetric(v)} />
          <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(v) => formatDateTime(Number(v))} formatter={(v, name) => [v === null || v === undefined ? '—' : formatMetric(Number(v)), name === 'max' ? 'highest' : 'mean']} />
          <Line dataKey="max" stroke="#58a6ff" strokeOpacity={0.35} dot={rows.length < 3} isAnimationActive={false} connectNulls={false} />
          <Line dataKey="avg" stroke="#58a6ff" strokeWidth={1.6} dot={rows.length < 3} isAnimationActive={false} connectNulls={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

import { describe, expect, it } from 'vitest';
import { BRIDGED_GAP, formatMetric, metricRows } from '../../../renderer/src/features/events/asset-metrics.logic';

const metrics = { asset: 'a', from: 1_000, stepMs: 10, points: 12, series: [], omitted: 0 };
const series = (avg: (number | null)[]) => ({ metricType: 'system', name: 'cpu', avg, max: avg.map((v) => (v === null ? null : v + 1)), samples: avg.filter((v) => v !== null).length });

describe('an asset metric chart’s rows', () => {
  it('bridges short gaps, breaks the line at a long one, and leaves out leading and trailing empty buckets', () => {
    const rows = metricRows(metrics, series([null, 1, null, 2, null, null, null, null, 3, 4, null, null]));
    expect(BRIDGED_GAP).toBe(3);
    expect(rows).toEqual([
      { at: 1_010, avg: 1, max: 2 },
      { at: 1_030, avg: 2, max: 3 },
      { at: 1_040, avg: null, max: null },
      { at: 1_080, avg: 3, max: 4 },
      { at: 1_090, avg: 4, max: 5 },
    ]);
  });
  it('has no rows without samples', () => {
    expect(metricRows(metrics, series(Array(12).fill(null)))).toEqual([]);
  });
  it('formats values with up to two decimals, thousands grouped', () => {
    expect(formatMetric(40)).toBe('40');
    expect(formatMetric(12.3456)).toBe('12.35');
    expect(formatMetric(12_345.6)).toBe(formatMetricExpected());
  });
});

function formatMetricExpected(): string {
  return (12_346).toLocaleString('en-US');
}

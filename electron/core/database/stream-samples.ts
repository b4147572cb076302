import type { EnvironmentOverview, StreamHistory } from '../../../shared/model/overview';
import type { PostgresSettings } from '../environments/resolved-environment';
import type { Logger } from '../ports';
import { BucketSeries, MinuteGate, MinuteSampleTable, type StoredRange } from './minute-samples';

export { STORED_RANGES, type StoredRange } from './minute-samples';

/** Rows of one write: stream, group ('' for the stream itself), minute, length, lag, rate. */
type SampleRow = [string, string, Date, number | null, number | null, number | null];

/** One minute's rows from an overview: the stream's length and added/s, each group's lag and read/s. */
export function sampleRows(overview: EnvironmentOverview, minute: number): SampleRow[] {
  const at = new Date(minute);
  const rows: SampleRow[] = [];
  for (const s of overview.redis.streams ?? []) {
    if (s.bullQueue !== null) continue;
    rows.push([s.name, '', at, s.length, null, s.addRate]);
    for (const g of s.groups) rows.push([s.name, g.name, at, null, g.lag, g.readRate]);
  }
  return rows;
}

/**
 * Keeps a minute of each stream's depth in the environment's PostgreSQL (migration 6,
 * stream_samples) and reads it back for the 24 h / 7 d charts (see {@link MinuteSampleTable}).
 */
export class StreamSampleStore {
  private readonly table: MinuteSampleTable;
  private readonly gate = new MinuteGate();

  constructor(settings: PostgresSettings, logger: Logger) {
    this.table = new MinuteSampleTable({ name: 'stream_samples', columns: ['stream', 'grp', 'minute', 'length', 'lag', 'rate'], schemaVersion: 6, what: 'stream history' }, settings, logger);
  }

  /** Called with every overview; writes when a new minute has begun since the last write. */
  observe(overview: EnvironmentOverview): void {
    if (overview.redis.status.state !== 'connected' || !overview.redis.streams) return;
    const minute = this.gate.take(overview.at);
    if (minute !== null) void this.gate.run(() => this.write(sampleRows(overview, minute)));
  }

  /** Inserts one minute's rows; a minute another console wrote is not written twice. Resolves to rows written. */
  write(rows: readonly SampleRow[]): Promise<number> {
    return this.table.write(rows);
  }

  /** A stream's stored history over `range` ending at `now`, bucketed: length max, lag max, rates mean. */
  async history(stream: string, range: StoredRange, now: number): Promise<StreamHistory> {
    const { window, rows } = await this.table.buckets<{ grp: string; length: string | null; lag: string | null; rate: number | null }>(range, now, {
      where: 'stream = $1',
      params: [stream],
      groupBy: ['grp'],
      aggregates: 'max(length) AS length, max(lag) AS lag, avg(rate) AS rate',
    });
    const groups = [...new Set(rows.map((r) => r.grp).filter((g) => g !== ''))].sort();
    const series = new BucketSeries(window.points);
    for (const r of rows) {
      const bucket = Number(r.b);
      if (r.grp === '') {
        series.put('length', bucket, r.length);
        series.put('addRate', bucket, r.rate);
      } else {
        series.put(`lag:${r.grp}`, bucket, r.lag);
        series.put(`readRate:${r.grp}`, bucket, r.rate);
      }
    }
    const specs = [
      { key: 'length', label: 'length', unit: 'entries' as const },
      { key: 'addRate', label: 'added/s', unit: 'entries/s' as const },
      ...groups.map((g) => ({ key: `lag:${g}`, label: `${g} lag`, unit: 'entries' as const })),
      ...groups.map((g) => ({ key: `readRate:${g}`, label: `${g} read/s`, unit: 'entries/s' as const })),
    ];
    return { stream, gone: false, ...window, series: series.series(specs) };
  }

  close(): Promise<void> {
    return this.table.close();
  }
}

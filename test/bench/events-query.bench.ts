import { performance } from 'node:perf_hooks';
import { EventHistory, whereOf, type EventFilter } from '../../electron/core/database/event-history';
import { migrate } from '../../electron/core/database/schema';
import { createTestDatabase } from '../helpers/postgres';
import { round, summarize } from './stats';

const TOTAL = Number(process.env.BENCH_STORED_EVENTS ?? 10_000_000);
const CHUNK = 1_000_000;
const DAY = 86_400_000;
const RUNS = 15;

/**
 * `events-query` (issue 17): a 10-million-row events table over 30 days (1,000 assets, 5
 * severities, 10 types), filled server-side with generate_series. Timed: the first page (100) of
 * one asset's critical and high events over 7 days, and the hourly chart of 7 days (all events, and
 * one asset's), through EventHistory (the product's SQL, pool and row mapping) against the same
 * SQL text sent by a raw `pg` client in the same run. Medians of 15 runs after one warm-up.
 */
export async function benchEventsQuery(): Promise<Record<string, unknown>> {
  const db = await createTestDatabase();
  const client = await db.client();
  const history = new EventHistory(db.settings);
  const now = Date.UTC(2026, 11, 7);
  try {
    await migrate(client);
    const loadStarted = performance.now();
    for (let from = 0; from < TOTAL; from += CHUNK) {
      await client.query(
        `INSERT INTO events (id, ts, organization_id, asset_id, event_type, severity, source, title, description, metadata, tags, correlation_id, raw_data)
         SELECT 'ev-' || g, to_timestamp(($3::bigint - (g::bigint * 2592000000 / $4::bigint)) / 1000.0), 'org-' || (g % 7), 'asset-' || (g % 1000),
                'type-' || (g % 10), (ARRAY['critical','high','medium','low','info'])[1 + (g / 1000) % 5], 'bench', 'event ' || g, 'generated', '{}'::jsonb, '{}', 'corr-' || g, '{}'::jsonb
         FROM generate_series($1::bigint, $2::bigint) AS g`,
        [from, Math.min(from + CHUNK, TOTAL) - 1, now, TOTAL],
      );
    }
    await client.query('ANALYZE events');
    const loadSeconds = (performance.now() - loadStarted) / 1000;

    const page: EventFilter = { since: now - 7 * DAY, until: now, asset: 'asset-417', severity: ['critical', 'high'] };
    const chartAll: EventFilter = { since: now - 7 * DAY, until: now };
    const chartAsset: EventFilter = { since: now - 7 * DAY, until: now, asset: 'asset-417' };
    const raw = async (sql: string, filter: EventFilter) => {
      const where = whereOf(filter);
      return (await client.query(sql.replace('$WHERE', where.sql), where.params)).rowCount;
    };
    const PAGE_SQL = 'SELECT id, ts, organization_id, asset_id, event_type, severity, source, title, correlation_id, stream_entry_id FROM events WHERE $WHERE ORDER BY ts DESC, id DESC LIMIT 101';
    const HOURLY_SQL = "SELECT date_trunc('hour', ts) AS hour, count(*) AS n FROM events WHERE $WHERE GROUP BY 1 ORDER BY 1";
    const time = async (fn: () => Promise<unknown>) => {
      await fn();
      const samples: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        await fn();
        samples.push(performance.now() - started);
      }
      return summarize(samples);
    };
    const firstPage = await history.search(page, 100);
    const pageProduct = await time(() => history.search(page, 100));
    const pageRaw = await time(() => raw(PAGE_SQL, page));
    const chartAllProduct = await time(() => history.hourly(chartAll));
    const chartAllRaw = await time(() => raw(HOURLY_SQL, chartAll));
    const chartAssetProduct = await time(() => history.hourly(chartAsset));
    const chartAssetRaw = await time(() => raw(HOURLY_SQL, chartAsset));
    const hourly = await history.hourly(chartAll);
    return {
      bench: 'events-query',
      rows: TOTAL,
      loadSeconds: round(loadSeconds, 1),
      firstPage: { rows: firstPage.events.length, productMedianMs: round(pageProduct.medianMs), rawMedianMs: round(pageRaw.medianMs), ratio: round(pageRaw.medianMs / pageProduct.medianMs, 2) },
      hourly7dAll: { buckets: hourly.buckets.length, total: hourly.total, productMedianMs: round(chartAllProduct.medianMs), rawMedianMs: round(chartAllRaw.medianMs), ratio: round(chartAllRaw.medianMs / chartAllProduct.medianMs, 2) },
      hourly7dAsset: { productMedianMs: round(chartAssetProduct.medianMs), rawMedianMs: round(chartAssetRaw.medianMs), ratio: round(chartAssetRaw.medianMs / chartAssetProduct.medianMs, 2) },
      goal: 'first page < 50 ms, hourly chart of 7 days < 300 ms',
    };
  } finally {
    await history.close();
    await client.end();
    await db.drop();
  }
}

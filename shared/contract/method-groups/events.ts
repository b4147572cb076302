import { z } from 'zod';
import { EnvId } from './common';

/** Stored history (issue 17): the events the `event-store` sink put in the environment's PostgreSQL. */
const Severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);
/** A time: epoch ms, or an ISO 8601 string. */
const Instant = z.union([z.number().int().nonnegative(), z.string().min(1).max(64)]);

const EventFilter = {
  envId: EnvId,
  since: Instant,
  until: Instant,
  asset: z.string().min(1).max(256).optional(),
  severity: z.array(Severity).min(1).max(5).optional(),
  type: z.string().min(1).max(256).optional(),
};

export const StoredEvent = z.object({
  id: z.string(),
  /** Epoch ms. */
  ts: z.number(),
  organizationId: z.string(),
  assetId: z.string(),
  eventType: z.string(),
  severity: z.string(),
  source: z.string(),
  title: z.string(),
  correlationId: z.string(),
  streamEntryId: z.string().nullable(),
});
export type StoredEvent = z.infer<typeof StoredEvent>;

/** Keyset cursor: the last row of the previous page (newest first). */
export const EventCursor = z.object({ ts: z.number(), id: z.string() });
export type EventCursor = z.infer<typeof EventCursor>;

export const EventPage = z.object({ events: z.array(StoredEvent), next: EventCursor.nullable() });
export type EventPage = z.infer<typeof EventPage>;

export const HourlyCounts = z.object({
  /** One bucket an hour that has events, oldest first; `hour` is the hour's start, epoch ms. */
  buckets: z.array(z.object({ hour: z.number(), count: z.number() })),
  total: z.number(),
});
export type HourlyCounts = z.infer<typeof HourlyCounts>;

/** One numeric field of an asset's stored metric samples over a range, bucketed (null: no sample in the bucket). */
export const AssetMetricSeries = z.object({
  metricType: z.string(),
  name: z.string(),
  /** Mean of the samples in each bucket. */
  avg: z.array(z.number().nullable()),
  /** Highest sample in each bucket. */
  max: z.array(z.number().nullable()),
  /** Samples over the range. */
  samples: z.number(),
});
export type AssetMetricSeries = z.infer<typeof AssetMetricSeries>;

export const AssetMetrics = z.object({
  asset: z.string(),
  /** The first bucket's start (epoch ms), the bucket length, how many buckets. */
  from: z.number(),
  stepMs: z.number(),
  points: z.number(),
  /** By metric type, then name; at most the 24 with the most samples. */
  series: z.array(AssetMetricSeries),
  /** Series left out past those 24. */
  omitted: z.number(),
});
export type AssetMetrics = z.infer<typeof AssetMetrics>;

export const eventMethods = {
  /** Stored events newest first, filtered, a page at a time (keyset paging on time and id). */
  'events.search': {
    params: z.object({ ...EventFilter, limit: z.number().int().min(1).max(1000).default(100), before: EventCursor.optional() }).strict(),
    result: EventPage,
  },
  /** How many stored events an hour, with the same filter. */
  'events.hourly': { params: z.object(EventFilter).strict(), result: HourlyCounts },
  /** An asset's stored metric samples (the `metrics` table of the metrics-store sink), bucketed over the range: 5 min up to a day, 1 h up to 7 days, 6 h beyond. */
  'events.assetMetrics': {
    params: z.object({ envId: EnvId, asset: z.string().min(1).max(256), since: Instant, until: Instant }).strict(),
    result: AssetMetrics,
  },
} as const;

import { z } from 'zod';

/**
 * The metrics processor's 1-minute windows (seed 000 `security.metrics`, "processing_window: 1m"),
 * as read back from Redis: one row per (minute, asset, metric).
 */

/** How far back windows are kept (2 h), hence the most minutes a read can ask for. */
export const MAX_METRIC_WINDOW_MINUTES = 120;

/** What to read: the last `minutes` minutes, optionally of one asset and/or one metric. */
export const MetricWindowsQuery = z.object({
  minutes: z.number().int().min(1).max(MAX_METRIC_WINDOW_MINUTES).default(15),
  asset: z.string().min(1).optional(),
  metric: z.string().min(1).optional(),
});
export type MetricWindowsQuery = z.infer<typeof MetricWindowsQuery>;

/** One metric of one asset over one minute. Percentiles are nearest-rank, within ~1 % of the exact value. */
export const MetricWindow = z.object({
  /** Start of the minute, epoch ms. */
  minute: z.number().int(),
  asset: z.string(),
  metric: z.string(),
  /** Samples counted (at-least-once: a redelivered message counts twice). */
  count: z.number().int().nonnegative(),
  mean: z.number(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
});
export type MetricWindow = z.infer<typeof MetricWindow>;

/** Rows by minute (oldest first), then asset, then metric. */
export const MetricWindows = z.array(MetricWindow);
export type MetricWindows = z.infer<typeof MetricWindows>;

import { z } from 'zod';

const IsoTime = z.iso.datetime({ offset: true });

/** Seed 002: a `discovery_queue` message (routing key `discovery.new`). */
export const DiscoveryMessage = z.object({
  scan_id: z.number().int(),
  dept_id: z.number().int(),
  ip_address: z.union([z.ipv4(), z.ipv6()]),
  hostname: z.string().min(1),
  mac_address: z.string().regex(/^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$/),
  discovered_at: IsoTime,
  scan_type: z.string().min(1),
});
export type DiscoveryMessage = z.infer<typeof DiscoveryMessage>;

/** Seed 002: a `metrics_queue` message (routing key `metrics.collected`). */
export const CollectedMetrics = z.object({
  system_id: z.number().int(),
  collected_at: IsoTime,
  metrics: z.object({
    cpu_percent: z.number(),
    ram_percent: z.number(),
    disk_percent: z.number(),
    network_sent_mbps: z.number(),
    network_recv_mbps: z.number(),
    gpu_percent: z.number().optional(),
    uptime_seconds: z.number().int().nonnegative(),
    logged_in_users: z.number().int().nonnegative(),
  }),
});
export type CollectedMetrics = z.infer<typeof CollectedMetrics>;

/** Seed 002: an `alert_queue` message (routing key `alerts.{severity}`). */
export const SystemAlert = z.object({
  system_id: z.number().int(),
  alert_type: z.string().min(1),
  severity: z.enum(['info', 'warning', 'critical']),
  value: z.number(),
  threshold: z.number(),
  timestamp: IsoTime,
});
export type SystemAlert = z.infer<typeof SystemAlert>;

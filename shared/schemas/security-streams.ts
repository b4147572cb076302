import { z } from 'zod';

/** Seed 000 severities. */
export const Severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);
export type Severity = z.infer<typeof Severity>;

const IsoTime = z.iso.datetime({ offset: true });
const Id = z.string().min(1);

/** Seed 000 § 1: an entry of `security.events`. */
export const SecurityEvent = z.object({
  id: Id,
  timestamp: IsoTime,
  organization_id: Id,
  asset_id: Id,
  event_type: z.string().min(1),
  severity: Severity,
  source: z.string().min(1),
  title: z.string(),
  description: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  correlation_id: Id,
  raw_data: z.record(z.string(), z.unknown()),
});
export type SecurityEvent = z.infer<typeof SecurityEvent>;

/** Seed 000 § 2: an entry of `security.alerts`. */
export const SecurityAlert = z.object({
  id: Id,
  rule_id: Id,
  timestamp: IsoTime,
  organization_id: Id,
  asset_id: Id,
  severity: Severity,
  title: z.string(),
  message: z.string(),
  status: z.enum(['open', 'acknowledged', 'resolved']),
  escalation_level: z.number().int().min(1).max(3),
  /**
   * Seed 000 lists slack, email, webhook; any name is accepted so an alert naming a channel
   * nobody knows (`sms`) is still tracked and its other channels still go out — the unknown one
   * is recorded as not configured on the alert's timeline.
   */
  notification_channels: z.array(z.string().min(1).max(64)),
  metadata: z
    .object({
      sla_deadline: IsoTime,
      escalation_schedule: z.array(z.string()),
    })
    .catchall(z.unknown()),
});
export type SecurityAlert = z.infer<typeof SecurityAlert>;

/** Seed 000 § 3: an entry of `security.scans`. */
export const SecurityScan = z.object({
  scan_id: Id,
  scan_type: z.string().min(1),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  organization_id: Id,
  asset_id: Id,
  priority: z.enum(['critical', 'high', 'medium', 'low']),
  scheduled_time: IsoTime,
  parameters: z.record(z.string(), z.unknown()),
  results: z
    .object({
      findings_count: z.number().int().nonnegative(),
      critical_issues: z.number().int().nonnegative(),
      scan_duration: z.number().nonnegative(),
    })
    .optional(),
});
export type SecurityScan = z.infer<typeof SecurityScan>;

/** Seed 000 § 4: an entry of `security.metrics`. */
export const SecurityMetric = z.object({
  timestamp: IsoTime,
  organization_id: Id,
  asset_id: Id,
  metric_type: z.string().min(1),
  metrics: z.record(z.string(), z.number()),
  tags: z.record(z.string(), z.string()),
});
export type SecurityMetric = z.infer<typeof SecurityMetric>;

/** Seed 000 § 5: an entry of `security.notifications`. */
export const SecurityNotification = z.object({
  notification_id: Id,
  channel: z.enum(['slack', 'email', 'webhook']),
  recipient: z.string().min(1),
  priority: z.enum(['immediate', 'high', 'normal', 'low']),
  template: z.string().min(1),
  payload: z.object({
    title: z.string(),
    message: z.string(),
    severity: Severity,
    asset: z.string().optional(),
    action_required: z.string().optional(),
    remediation_link: z.string().optional(),
  }),
  retry_policy: z.object({
    max_retries: z.number().int().nonnegative(),
    backoff: z.string(),
  }),
});
export type SecurityNotification = z.infer<typeof SecurityNotification>;

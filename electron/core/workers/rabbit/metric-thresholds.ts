import type { CollectedMetrics, SystemAlert } from '../../../../shared/schemas/rabbitmq-messages';

/** Numeric fields of a seed 002 metrics message a threshold can watch. */
export type WatchedMetric = 'cpu_percent' | 'ram_percent' | 'disk_percent' | 'gpu_percent' | 'network_sent_mbps' | 'network_recv_mbps';

/** One watched metric: above `warning` it raises a warning, above `critical` a critical alert. */
export interface MetricThreshold {
  metric: WatchedMetric;
  /** Seed 002 `alert_type`, e.g. `cpu_high`. */
  alertType: string;
  warning?: number;
  critical?: number;
}

/** Defaults: CPU > 90 warning / > 97 critical; RAM > 90 warning; disk > 90 warning / > 97 critical. */
export const DEFAULT_METRIC_THRESHOLDS: readonly MetricThreshold[] = [
  { metric: 'cpu_percent', alertType: 'cpu_high', warning: 90, critical: 97 },
  { metric: 'ram_percent', alertType: 'ram_high', warning: 90 },
  { metric: 'disk_percent', alertType: 'disk_high', warning: 90, critical: 97 },
];

/**
 * The seed 002 alerts one metrics message raises (pure): at most one per threshold, the most
 * severe level crossed (strictly above). The alert's timestamp is the collection time, so the
 * same message always yields the same alerts.
 */
export function evaluateThresholds(message: CollectedMetrics, thresholds: readonly MetricThreshold[] = DEFAULT_METRIC_THRESHOLDS): SystemAlert[] {
  const alerts: SystemAlert[] = [];
  for (const t of thresholds) {
    const value = message.metrics[t.metric];
    if (typeof value !== 'number') continue;
    let level: { severity: SystemAlert['severity']; threshold: number } | null = null;
    if (t.critical !== undefined && value > t.critical) level = { severity: 'critical', threshold: t.critical };
    else if (t.warning !== undefined && value > t.warning) level = { severity: 'warning', threshold: t.warning };
    if (level) alerts.push({ system_id: message.system_id, alert_type: t.alertType, severity: level.severity, value, threshold: level.threshold, timestamp: message.collected_at });
  }
  return alerts;
}

/** Seed 002 routing key of an alert: `alerts.{severity}`. */
export function alertRoutingKey(alert: Pick<SystemAlert, 'severity'>): string {
  return `alerts.${alert.severity}`;
}

/**
 * A deterministic id for an alert: the same system, type and time always give the same id, so a
 * redelivered metric (or a re-sent alert) is recognised downstream instead of alerting twice.
 */
export function systemAlertId(alert: Pick<SystemAlert, 'system_id' | 'alert_type' | 'timestamp'>): string {
  const at = Date.parse(alert.timestamp);
  return `rabbit-${alert.system_id}-${alert.alert_type}-${Number.isFinite(at) ? at : alert.timestamp}`;
}

import { DEFAULT_SEVERITY_POLICY } from '../../../../shared/model/alerts';
import type { SystemAlert } from '../../../../shared/schemas/rabbitmq-messages';
import type { SecurityAlert, Severity } from '../../../../shared/schemas/security-streams';
import { systemAlertId } from './metric-thresholds';

/** Seed 002 severities onto seed 000's: a warning is `high` (seed 000 routes high and critical to people). */
const SEVERITY: Record<SystemAlert['severity'], Severity> = { info: 'info', warning: 'high', critical: 'critical' };

const TITLES: Record<string, string> = { cpu_high: 'CPU', ram_high: 'RAM', disk_high: 'Disk', gpu_high: 'GPU' };

/**
 * Converts a seed 002 system alert into a seed 000 `security.alerts` message (pure). The id is
 * derived from system, type and time, so the same alert delivered twice is one alert in the store.
 * The SLA deadline is the default policy's resolve deadline after the alert's time.
 */
export function toSecurityAlert(alert: SystemAlert): SecurityAlert {
  const severity = SEVERITY[alert.severity];
  const at = Date.parse(alert.timestamp);
  const what = TITLES[alert.alert_type] ?? alert.alert_type;
  return {
    id: systemAlertId(alert),
    rule_id: `rabbitmq.${alert.alert_type}`,
    timestamp: alert.timestamp,
    organization_id: 'system-monitoring',
    asset_id: `system-${alert.system_id}`,
    severity,
    title: `${what} high on system ${alert.system_id}`,
    message: `${alert.alert_type}: ${alert.value} above ${alert.threshold} (${alert.severity})`,
    status: 'open',
    escalation_level: 1,
    notification_channels: severity === 'critical' ? ['slack', 'email'] : ['slack'],
    metadata: {
      sla_deadline: new Date(at + DEFAULT_SEVERITY_POLICY.resolveWithinMs).toISOString(),
      escalation_schedule: ['security_team', 'devops_lead', 'cto'],
      source: 'rabbitmq',
      system_id: alert.system_id,
      alert_type: alert.alert_type,
      value: alert.value,
      threshold: alert.threshold,
    },
  };
}

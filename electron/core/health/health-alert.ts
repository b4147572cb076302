import { createHash, randomUUID } from 'node:crypto';
import { RULE_UNITS, type HealthRule } from '../../../shared/model/health-rules';
import type { SecurityAlert } from '../../../shared/schemas/security-streams';

/** Seed 000 escalation: level 1 goes to the security team by Slack and e-mail. */
const LEVEL_1_CHANNELS: SecurityAlert['notification_channels'] = ['slack', 'email'];
/** Seed 000 alert example: `escalation_schedule`. */
const ESCALATION_SCHEDULE = ['security_team', 'devops_lead', 'cto'];
/** Seed 000: the critical example's SLA is 1 h; level 3 escalates what is unresolved after 2 h. */
const SLA_MS = { critical: 3_600_000, other: 7_200_000 };

/** A stable UUID (name-based, SHA-1, version 5 layout) for a rule id, so every console uses the same `rule_id`. */
export function ruleUuid(ruleId: string): string {
  const hash = createHash('sha1').update(`watchfloor:health-rule:${ruleId}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const TITLES: Record<HealthRule['kind'], string> = {
  'consumer-lag': 'High consumer lag',
  'processing-error-rate': 'Processing error rate too high',
  'dlq-growth': 'Dead-letter queue growing',
  'queue-depth': 'RabbitMQ queue backlog',
};

export interface FiringFacts {
  envId: string;
  envName: string;
  rule: HealthRule;
  subject: string;
  value: number;
  conditionSince: number;
  now: number;
}

/** The seed-000 `security.alerts` message for a rule that fired. */
export function buildHealthAlert(facts: FiringFacts): SecurityAlert {
  const { rule, subject, value, now } = facts;
  const unit = RULE_UNITS[rule.kind];
  const shown = rule.kind === 'processing-error-rate' ? value.toFixed(1) : String(Math.round(value));
  const heldFor = rule.forSeconds > 0 ? ` for ${rule.forSeconds} s` : '';
  return {
    id: randomUUID(),
    rule_id: ruleUuid(rule.id),
    timestamp: new Date(now).toISOString(),
    // No tenant is known to the console: the environment stands for the organization, the
    // watched stream or queue for the asset.
    organization_id: facts.envId,
    asset_id: subject,
    severity: rule.severity,
    title: `${TITLES[rule.kind]}: ${subject}`,
    message: `${subject} on ${facts.envName}: ${shown} ${unit} > ${rule.threshold} ${unit}${heldFor}`,
    status: 'open',
    escalation_level: 1,
    notification_channels: [...LEVEL_1_CHANNELS],
    metadata: {
      sla_deadline: new Date(now + (rule.severity === 'critical' ? SLA_MS.critical : SLA_MS.other)).toISOString(),
      escalation_schedule: [...ESCALATION_SCHEDULE],
      source: 'watchfloor.queue-health',
      environment: facts.envName,
      rule_name: rule.id,
      rule_kind: rule.kind,
      subject,
      value,
      threshold: rule.threshold,
      unit,
      for_seconds: rule.forSeconds,
      condition_since: new Date(facts.conditionSince).toISOString(),
    },
  };
}

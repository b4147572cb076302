import { createHash, randomUUID } from 'node:crypto';
import { RULE_UNITS, type HealthRule } from '../../../shared/model/health-rules';
import type { SecurityAlert } from '../../../shared/schemas/security-streams';
import { consoleAlert } from '../alerts/console-alert';
import { seedSlaMs } from '../alerts/seed-sla';


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
  return consoleAlert({
    id: randomUUID(),
    ruleId: ruleUuid(rule.id),
    now,
    // No tenant is known to the console: the environment stands for the organization, the
    // watched stream or queue for the asset.
    organizationId: facts.envId,
    assetId: subject,
    severity: rule.severity,
    title: `${TITLES[rule.kind]}: ${subject}`,
    message: `${subject} on ${facts.envName}: ${shown} ${unit} > ${rule.threshold} ${unit}${heldFor}`,
    slaMs: seedSlaMs(rule.severity),
    source: 'watchfloor.queue-health',
    metadata: {
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
  });
}

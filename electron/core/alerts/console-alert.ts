import type { SecurityAlert, SecurityEvent } from '../../../shared/schemas/security-streams';
import { alertIdForEvent } from '../workers/deterministic-id';
import { seedSlaMs } from './seed-sla';

const iso = (ms: number) => new Date(ms).toISOString();

/** Seed 000 escalation: level 1 goes to the security team by Slack and e-mail. */
export const SEED_LEVEL_1_CHANNELS: SecurityAlert['notification_channels'] = ['slack', 'email'];
/** Seed 000 alert example: `escalation_schedule`. */
export const SEED_ESCALATION_SCHEDULE: readonly string[] = ['security_team', 'devops_lead', 'cto'];

/** What differs between the alerts the console itself raises (health rules, DLQ watch, DLQ retention). */
export interface ConsoleAlertFacts {
  id: string;
  ruleId: string;
  now: number;
  organizationId: string;
  assetId: string;
  severity: SecurityAlert['severity'];
  title: string;
  message: string;
  slaMs: number;
  /** `metadata.source`, e.g. `watchfloor.dlq-watch`. */
  source: string;
  metadata: Record<string, unknown>;
}

/**
 * A seed-000 `security.alerts` message raised by the console: open, level 1, Slack and e-mail, the
 * seed's escalation schedule. Title and message are cut to 300 / 2000 characters, so a long
 * description (a DLQ entry's error, say) never makes an alert no screen can show.
 */
export function consoleAlert(facts: ConsoleAlertFacts): SecurityAlert {
  return {
    id: facts.id,
    rule_id: facts.ruleId,
    timestamp: new Date(facts.now).toISOString(),
    organization_id: facts.organizationId,
    asset_id: facts.assetId,
    severity: facts.severity,
    title: facts.title.slice(0, 300),
    message: facts.message.slice(0, 2000),
    status: 'open',
    escalation_level: 1,
    notification_channels: [...SEED_LEVEL_1_CHANNELS],
    metadata: {
      sla_deadline: new Date(facts.now + facts.slaMs).toISOString(),
      escalation_schedule: [...SEED_ESCALATION_SCHEDULE],
      source: facts.source,
      ...facts.metadata,
    },
  };
}

/**
 * The seed-000 alert raised from a critical or high event by a routing rule — what the pipeline's event
 * processor does (and the demo producer, as it): the event's id and correlation id in its metadata, so
 * the alert's evidence can be found. Same event → same alert id, whoever raises it.
 */
export function alertFromEvent(event: SecurityEvent, rule: string, now: number): SecurityAlert {
  const severity = event.severity === 'critical' || event.severity === 'high' ? event.severity : 'high';
  return {
    id: alertIdForEvent(event.id),
    rule_id: rule,
    timestamp: iso(now),
    organization_id: event.organization_id,
    asset_id: event.asset_id,
    severity,
    title: event.title,
    message: `${event.description} (event ${event.id})`,
    status: 'open',
    escalation_level: 1,
    notification_channels: [...SEED_LEVEL_1_CHANNELS],
    metadata: {
      sla_deadline: iso(now + seedSlaMs(severity)),
      escalation_schedule: [...SEED_ESCALATION_SCHEDULE],
      event_id: event.id,
      correlation_id: event.correlation_id,
      source: event.source,
      event_type: event.event_type,
    },
  };
}

import type { Severity } from '../../../../shared/schemas/security-streams';
import type { PagerDutyDestination } from './notification-destinations';
import type { NotificationMessage } from './notification-message';
import { describeFailedResponse, InvalidNotification, type NotificationSender, type PreparedDelivery } from './notification-sender';

/** PagerDuty's Events API v2 endpoint (a configured URL replaces it: a regional endpoint, a proxy, a test receiver). */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** PagerDuty's event severities. */
export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

/** Seed 000 severity → PagerDuty's: critical stays critical, high is an error, medium a warning, low and info are info. */
export function pagerDutySeverity(severity: Severity): PagerDutySeverity {
  switch (severity) {
    case 'critical':
      return 'critical';
    case 'high':
      return 'error';
    case 'medium':
      return 'warning';
    default:
      return 'info';
  }
}

/** One Events API v2 event: `trigger` carries the payload; `acknowledge` / `resolve` only name the incident by dedup key. */
export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    timestamp?: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: Record<string, unknown>;
  };
  client?: string;
}

/**
 * The event for a notification (pure). The dedup key is the alert id for escalation
 * notifications — every level's trigger and the acknowledge / resolve name one PagerDuty incident
 * — else the notification's dedup key or id. PagerDuty caps the summary at 1024 characters.
 */
export function pagerDutyEvent(message: NotificationMessage, routingKey: string, now: Date = new Date()): PagerDutyEvent {
  const dedupKey = message.alertId ?? message.dedupKey ?? message.notificationId;
  const action = message.eventAction ?? 'trigger';
  if (action !== 'trigger') return { routing_key: routingKey, event_action: action, dedup_key: dedupKey };
  const p = message.payload;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: `[${p.severity.toUpperCase()}] ${p.title}`.slice(0, 1024),
      source: message.source || p.asset || 'watchfloor',
      severity: pagerDutySeverity(p.severity),
      timestamp: now.toISOString(),
      ...(p.asset ? { component: p.asset } : {}),
      class: message.template,
      custom_details: {
        message: p.message,
        ...(message.alertId ? { alert_id: message.alertId } : {}),
        ...(message.level ? { escalation_level: message.level } : {}),
        ...(message.recipients.length ? { recipients: message.recipients } : {}),
        ...(p.action_required ? { action_required: p.action_required } : {}),
        ...(p.remediation_link ? { remediation_link: p.remediation_link } : {}),
      },
    },
    client: 'Watchfloor',
  };
}

/**
 * Sends `incident_management` (and `phone`: the same integration with the routing key of a
 * PagerDuty service whose escalation policy phones the on-call) as Events API v2 events. A 2xx is
 * delivered; 400 is PagerDuty refusing this event for good (dead-lettered); 429 and 5xx are retried.
 */
export class PagerDutySender implements NotificationSender {
  constructor(
    readonly channel: 'incident_management' | 'phone',
    private readonly config: PagerDutyDestination,
    private readonly timeoutMs = 10_000,
  ) {}

  prepare(message: NotificationMessage): PreparedDelivery {
    const url = this.config.eventsUrl || PAGERDUTY_EVENTS_URL;
    return {
      // The origin only; the routing key (a secret) travels in the body, never in a name.
      destination: `pagerduty:${new URL(url).origin}`,
      send: async () => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(pagerDutyEvent(message, this.config.routingKey)),
          redirect: 'error',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (response.status === 400) throw new InvalidNotification(`PagerDuty refused the event: ${await describeFailedResponse(response)}`);
        if (!response.ok) throw new Error(`PagerDuty answered ${await describeFailedResponse(response)}`);
      },
    };
  }

  async close(): Promise<void> {}
}

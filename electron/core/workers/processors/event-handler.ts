import { STREAM_PAYLOAD_FIELD } from '../../../../shared/model/topology';
import { SecurityEvent, type SecurityNotification, type SecurityScan } from '../../../../shared/schemas/security-streams';
import { SEED_RETRY_POLICIES, type RetryPolicy } from '../backoff';
import { deterministicUuid } from '../deterministic-id';
import { alertFromEvent } from '../../alerts/console-alert';
import { route, SEED_ROUTING_RULES, type RoutingRule } from '../routing-rules';
import { isSecurityEventFast } from '../../../../shared/schemas/fast-checks';
import type { Outcome, StreamHandler, StreamMessage, StreamOutput } from '../stream-handler';
import { silenceFor, type Silence, type SilenceTarget } from '../../../../shared/model/silences';

export interface EventHandlerOptions {
  /** The environment's namespace: every stream written is `{namespace}{seed name}`. */
  namespace: string;
  rules?: readonly RoutingRule[];
  retryPolicy?: RetryPolicy;
  /** Where priority notifications go (seed: the Slack security channel). */
  priorityNotification?: { channel: SecurityNotification['channel']; recipient: string };
  /**
   * The environment's silences (issue 20), read once a batch: an event an active silence covers
   * gets no priority notification (its alert is still raised, and recorded silenced).
   */
  silences?: () => Promise<readonly Silence[]>;
  now?: () => number;
}

/** What a silence is matched against for a routed event. */
export function eventTarget(event: SecurityEvent): SilenceTarget {
  return { severity: event.severity, source: event.source, assetId: event.asset_id, organizationId: event.organization_id, type: event.event_type };
}

/** What routing decided for one event: the outputs to write and the rules that matched. */
export interface RoutedEvent {
  outputs: StreamOutput[];
  rules: string[];
}

const iso = (ms: number) => new Date(ms).toISOString();


/** The priority notification of a routed event (seed 000 priority policy: 5 retries, fixed 1 s). */
export function priorityNotificationFor(event: SecurityEvent, target: { channel: SecurityNotification['channel']; recipient: string }): SecurityNotification & { dedup_key: string } {
  return {
    notification_id: deterministicUuid(`priority-notification:${event.id}:${target.channel}`),
    channel: target.channel,
    recipient: target.recipient,
    priority: 'immediate',
    template: 'security_alert',
    payload: {
      title: event.title,
      message: event.description,
      severity: event.severity,
      asset: event.asset_id,
      action_required: `Investigate ${event.event_type.replace(/_/g, ' ')}`,
    },
    retry_policy: { max_retries: 5, backoff: 'fixed:1000ms' },
    dedup_key: `event:${event.id}:priority`,
  };
}

/** The configuration audit a config change triggers. */
export function auditScanFor(event: SecurityEvent, now: number): SecurityScan {
  const platform = typeof event.metadata.platform === 'string' ? event.metadata.platform : event.source.replace(/_monitor$|_scanner$/, '');
  return {
    scan_id: deterministicUuid(`audit-scan:${event.id}`),
    scan_type: `${platform}_configuration_audit`,
    status: 'queued',
    organization_id: event.organization_id,
    asset_id: event.asset_id,
    priority: event.severity === 'critical' ? 'critical' : 'high',
    scheduled_time: iso(now),
    parameters: { scan_depth: 'comprehensive', trigger_event_id: event.id, trigger_event_type: event.event_type },
  };
}

/** Applies the routing rules to one valid event. */
export function routeEvent(event: SecurityEvent, options: Required<Pick<EventHandlerOptions, 'namespace' | 'rules' | 'priorityNotification'>>, now: number): RoutedEvent {
  const outputs: StreamOutput[] = [];
  const rules = new Set<string>();
  const data = (value: unknown): (string | Buffer)[] => [STREAM_PAYLOAD_FIELD, JSON.stringify(value)];
  for (const { destination, rule } of route(options.rules, event as unknown as Record<string, unknown>)) {
    rules.add(rule);
    const stream = `${options.namespace}${destination.stream}`;
    switch (destination.stream) {
      case 'security.alerts':
        outputs.push({ stream, fields: data(alertFromEvent(event, rule, now)) });
        break;
      case 'security.notifications':
        outputs.push({ stream, fields: data(priorityNotificationFor(event, options.priorityNotification)) });
        break;
      case 'security.scans':
        outputs.push({ stream, fields: data(auditScanFor(event, now)) });
        break;
      case 'security.events':
        // "Standard processing": the event is already on its stream; acknowledging it is the processing.
        break;
      default:
        // Any other stream a rules file names receives the event itself.
        outputs.push({ stream, fields: data(event) });
    }
  }
  return { outputs, rules: [...rules] };
}

/** Why a payload is not a seed event, in one line (the first three problems). */
export function invalidReason(payload: Buffer | null): { event: SecurityEvent } | { reason: string } {
  if (!payload) return { reason: `no "${STREAM_PAYLOAD_FIELD}" field` };
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (error) {
    return { reason: `not JSON: ${(error as Error).message}` };
  }
  if (isSecurityEventFast(json)) return { event: json };
  const parsed = SecurityEvent.safeParse(json);
  if (parsed.success) return { event: parsed.data };
  return { reason: `not a seed 000 security event: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` };
}

/**
 * The event processor (`security.events` / `event-processors`): validates each event against the
 * seed schema, applies the routing rules, and hands the engine the entries to write. Invalid
 * events are dead-lettered with the reason. Duplicates are recognised by event id.
 */
export class EventHandler implements StreamHandler {
  readonly mode = 'pure' as const;
  private readonly ids = new WeakMap<StreamMessage, string>();
  private readonly options: Required<Pick<EventHandlerOptions, 'namespace' | 'rules' | 'priorityNotification'>>;
  /** Events routed per rule name since start. */
  readonly matchedByRule = new Map<string, number>();
  /** Priority notifications a silence withheld since start. */
  silencedNotifications = 0;
  private lastSilences: readonly Silence[] = [];

  constructor(private readonly config: EventHandlerOptions) {
    this.options = {
      namespace: config.namespace,
      rules: config.rules ?? SEED_ROUTING_RULES,
      priorityNotification: config.priorityNotification ?? { channel: 'slack', recipient: 'security-alerts' },
    };
  }

  dedupId(message: StreamMessage): string | null {
    return this.ids.get(message) ?? null;
  }

  async handle(messages: StreamMessage[]): Promise<Outcome[]> {
    const now = (this.config.now ?? Date.now)();
    const silences = await this.currentSilences();
    const notifications = `${this.options.namespace}security.notifications`;
    return messages.map((message) => {
      const checked = invalidReason(message.payload);
      if ('reason' in checked) return { kind: 'invalid', reason: checked.reason };
      this.ids.set(message, checked.event.id);
      const routed = routeEvent(checked.event, this.options, now);
      for (const rule of routed.rules) this.matchedByRule.set(rule, (this.matchedByRule.get(rule) ?? 0) + 1);
      if (silences.length && routed.outputs.some((o) => o.stream === notifications) && silenceFor(silences, eventTarget(checked.event), now)) {
        this.silencedNotifications++;
        return { kind: 'done', outputs: routed.outputs.filter((o) => o.stream !== notifications) };
      }
      return { kind: 'done', outputs: routed.outputs };
    });
  }

  /** The silences as last read; when Redis does not answer, the previous ones (a read failure never holds events). */
  private async currentSilences(): Promise<readonly Silence[]> {
    if (!this.config.silences) return [];
    try {
      this.lastSilences = await this.config.silences();
    } catch {
      // keep the last known silences
    }
    return this.lastSilences;
  }

  retryPolicy(): RetryPolicy {
    return this.config.retryPolicy ?? SEED_RETRY_POLICIES.events;
  }

  deadLetterStream(): string {
    return `${this.config.namespace}security.events.dlq`;
  }
}

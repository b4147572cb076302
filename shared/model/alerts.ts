import { z } from 'zod';
import { Severity } from '../schemas/security-streams';

/**
 * Alert triage state and the escalation policy (issue 5, seed 000 "Alert Escalation Logic").
 *
 * The alert id is the `id` field of the seed 000 `security.alerts` message. State lives in the
 * environment's Redis under `{namespace}watchfloor:` keys; every transition bumps `version` and is
 * applied as one compare-and-set on it.
 *
 * Deadline rule (the race "acknowledged exactly at the deadline"): a deadline is INCLUSIVE for the
 * escalation. Level 2 is cancelled only by an acknowledgment strictly before `createdAt + ackWithinMs`;
 * level 3 only by a resolution strictly before `createdAt + resolveWithinMs`. An ack at t == deadline
 * loses: level 2 still fires (the alert stays acknowledged, the notification goes out). The Redis
 * side applies the same rule: the escalation CAS succeeds when `now >= dueAt` and the alert was not
 * acknowledged/resolved before `dueAt`, and whichever CAS commits first defines the order.
 */

export const AlertStatus = z.enum(['open', 'acknowledged', 'resolved']);
export type AlertStatus = z.infer<typeof AlertStatus>;

export const AlertLevel = z.union([z.literal(1), z.literal(2), z.literal(3)]);
export type AlertLevel = z.infer<typeof AlertLevel>;

export const TimelineAction = z.enum([
  'created',
  'notified',
  'acknowledged',
  'escalated',
  'resolved',
  'reopened',
  'snoozed',
  'note',
  'assigned',
  /** A silence covers it: no notification, no escalation (issue 20). */
  'silenced',
  /** Its silence ended: escalation counts from then. */
  'resumed',
]);
export type TimelineAction = z.infer<typeof TimelineAction>;

export const TimelineEntry = z.object({
  /** Who: analyst name and OS user ("Ana (ana)"), or "engine" for automatic escalations. */
  who: z.string(),
  /** When, epoch milliseconds. */
  at: z.number(),
  what: TimelineAction,
  detail: z.string().optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const AlertState = z.object({
  id: z.string().min(1),
  severity: Severity,
  title: z.string(),
  message: z.string().default(''),
  source: z.string().optional(),
  organizationId: z.string().optional(),
  assetId: z.string().optional(),
  status: AlertStatus,
  level: AlertLevel,
  /** Epoch ms of creation (the alert's `timestamp`). */
  createdAt: z.number(),
  acknowledgedAt: z.number().optional(),
  resolvedAt: z.number().optional(),
  snoozedUntil: z.number().optional(),
  assignee: z.string().optional(),
  /** How it was resolved; `false_positive` always carries a reason. */
  resolution: z.enum(['fixed', 'false_positive', 'duplicate', 'other']).optional(),
  /** Seed 000 `rule_id` of the alert message. */
  ruleId: z.string().optional(),
  /** `metadata.sla_deadline`, epoch ms; the SLA countdown runs to it. */
  slaDeadline: z.number().optional(),
  /** `metadata.correlation_id` (or the triggering `event_id`): the thread to the evidence. */
  correlationId: z.string().optional(),
  /** The alert message's metadata as received. */
  metadata: z.record(z.string(), z.unknown()).default({}),
  /** The alert message's own `notification_channels`, as received (see `levelChannels`). */
  channels: z.array(z.string()).optional(),
  notes: z.array(z.object({ who: z.string(), at: z.number(), text: z.string() })).default([]),
  version: z.number().int().min(1),
  updatedBy: z.string(),
  updatedAt: z.number(),
  timeline: z.array(TimelineEntry).default([]),
  /** The silence that covers it now (shared/model/silences.ts): it neither notifies nor escalates. */
  silencedBy: z.string().optional(),
  /** When that silence's window ends, epoch ms (as known when it was marked). */
  silencedUntil: z.number().optional(),
  /** Its level-1 notification was withheld by the silence: sent when the silence ends, if still open. */
  isNotificationWithheld: z.boolean().optional(),
  /** When a silence ended: levels 2 and 3 count from here instead of `createdAt`. */
  escalationBase: z.number().optional(),
});
export type AlertState = z.infer<typeof AlertState>;

/** What lists carry: the state without the timeline, notes and metadata (fetched with `alerts.get`). */
export const AlertSummary = AlertState.omit({ timeline: true, notes: true, metadata: true }).extend({
  envId: z.string(),
  noteCount: z.number().int().min(0),
});
export type AlertSummary = z.infer<typeof AlertSummary>;

export function summarize(envId: string, a: AlertState): AlertSummary {
  const { timeline: _timeline, notes, metadata: _metadata, ...rest } = a;
  return { ...rest, envId, noteCount: notes.length };
}

export const EscalationStep = z.object({
  level: AlertLevel,
  recipients: z.array(z.string()),
  methods: z.array(z.string()),
});
export type EscalationStep = z.infer<typeof EscalationStep>;

export const SeverityPolicy = z.object({
  /** Level 2 fires if not acknowledged within this many ms of creation. */
  ackWithinMs: z.number().int().positive(),
  /** Level 3 fires if not resolved within this many ms of creation. */
  resolveWithinMs: z.number().int().positive(),
  steps: z.tuple([EscalationStep, EscalationStep, EscalationStep]),
});
export type SeverityPolicy = z.infer<typeof SeverityPolicy>;

export const EscalationPolicy = z.object({
  default: SeverityPolicy,
  bySeverity: z.partialRecord(Severity, SeverityPolicy).default({}),
});
export type EscalationPolicy = z.infer<typeof EscalationPolicy>;

const MINUTE = 60_000;

/** Seed 000 "Alert Escalation Logic". */
export const DEFAULT_SEVERITY_POLICY: SeverityPolicy = {
  ackWithinMs: 30 * MINUTE,
  resolveWithinMs: 120 * MINUTE,
  steps: [
    { level: 1, recipients: ['security_team'], methods: ['slack', 'email'] },
    { level: 2, recipients: ['security_team', 'devops_lead'], methods: ['slack', 'email', 'phone'] },
    { level: 3, recipients: ['security_team', 'devops_lead', 'cto'], methods: ['slack', 'email', 'phone', 'incident_management'] },
  ],
};

export const DEFAULT_ESCALATION_POLICY: EscalationPolicy = { default: DEFAULT_SEVERITY_POLICY, bySeverity: {} };

/** The policy that applies to one severity. */
export function policyFor(policy: EscalationPolicy, severity: Severity): SeverityPolicy {
  return policy.bySeverity[severity] ?? policy.default;
}

/**
 * When each level is due, epoch ms: level 1 at creation, 2 at ack deadline, 3 at resolve deadline
 * — counted from `escalationBase` instead of creation once a silence ended (escalation resumes from then).
 */
export function levelDueTimes(alert: Pick<AlertState, 'createdAt' | 'severity'> & { escalationBase?: number }, policy: EscalationPolicy): Record<AlertLevel, number> {
  const p = policyFor(policy, alert.severity);
  const base = alert.escalationBase ?? alert.createdAt;
  return { 1: alert.createdAt, 2: base + p.ackWithinMs, 3: base + p.resolveWithinMs };
}

type PolicyView = Pick<AlertState, 'createdAt' | 'severity' | 'status' | 'level' | 'acknowledgedAt' | 'resolvedAt' | 'escalationBase'>;

/** True when the level's condition no longer holds (acted on strictly before its deadline). */
export function levelCancelled(alert: PolicyView, level: AlertLevel, dueAt: number): boolean {
  if (level === 1) return false;
  if (alert.resolvedAt !== undefined && alert.resolvedAt < dueAt) return true;
  if (level === 2 && alert.acknowledgedAt !== undefined && alert.acknowledgedAt < dueAt) return true;
  return false;
}

/**
 * The levels that must fire now, in order: due (`now >= dueAt`), above the alert's current level,
 * and not cancelled. A resolved alert never escalates further.
 */
export function dueLevels(alert: PolicyView, policy: EscalationPolicy, now: number): AlertLevel[] {
  const due = levelDueTimes(alert, policy);
  const out: AlertLevel[] = [];
  for (const level of [1, 2, 3] as const) {
    if (level <= alert.level) continue;
    if (alert.status === 'resolved') break;
    if (now < due[level]) break;
    if (levelCancelled(alert, level, due[level])) continue;
    out.push(level);
  }
  return out;
}

export interface NextEscalation {
  level: AlertLevel;
  dueAt: number;
  step: EscalationStep;
}

/** The next escalation not yet fired (maybe already due), or null when none remains. Level 1 fires on creation. */
export function nextEscalation(alert: PolicyView, policy: EscalationPolicy): NextEscalation | null {
  if (alert.status === 'resolved') return null;
  const p = policyFor(policy, alert.severity);
  const due = levelDueTimes(alert, policy);
  for (const level of [2, 3] as const) {
    if (level <= alert.level) continue;
    if (levelCancelled(alert, level, due[level])) continue;
    return { level, dueAt: due[level], step: p.steps[level - 1]! };
  }
  return null;
}

/**
 * Every delivery channel a sender exists for: seed 000's Slack, email and webhook, and the
 * escalation levels' `incident_management` and `phone` (PagerDuty Events API v2). Any other name
 * an alert or a policy lists (`sms`) has no sender: it is recorded as not configured.
 */
export const DELIVERY_CHANNELS = ['slack', 'email', 'webhook', 'incident_management', 'phone'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

/** The channels that page through the incident-management integration (acknowledge/resolve follow the alert). */
export const PAGING_CHANNELS: readonly string[] = ['incident_management', 'phone'];

/**
 * The channels of one level's notification. Rule: the alert's own `notification_channels` first
 * (seed 000 § 2: where the alert says it must go), then the level's policy methods not already
 * listed. Every level honours the alert's channels, so an alert that asks for `webhook` is sent
 * there at level 1 and at each escalation; the policy only ever adds channels.
 */
export function levelChannels(alert: Pick<AlertState, 'severity' | 'channels'>, level: AlertLevel, policy: EscalationPolicy): string[] {
  const out: string[] = [];
  for (const channel of [...(alert.channels ?? []), ...policyFor(policy, alert.severity).steps[level - 1]!.methods]) if (channel && !out.includes(channel)) out.push(channel);
  return out;
}

/**
 * The channels of `channels` that will not be delivered: a name no sender exists for, or (when
 * `configured` is known) a channel without a destination configured.
 */
export function notConfiguredChannels(channels: readonly string[], configured: ReadonlySet<string> | null): string[] {
  return channels.filter((c) => !(DELIVERY_CHANNELS as readonly string[]).includes(c) || (configured !== null && !configured.has(c)));
}

/** The timeline detail of a level's channels that will not go out, e.g. `level 1: not configured — sms, phone`. */
export function notConfiguredDetail(level: AlertLevel, channels: readonly string[]): string {
  return `level ${level}: not configured — ${channels.join(', ')}`;
}

/** Dedup key of the notification for one (alert, level). */
export function notificationDedupKey(alertId: string, level: AlertLevel): string {
  return `${alertId}:L${level}`;
}

/** Redis key names under the environment namespace. */
export function alertKeys(namespace: string) {
  const base = `${namespace}watchfloor:`;
  return {
    alert: (id: string) => `${base}alert:${id}`,
    index: `${base}alerts`,
    due: `${base}alerts:due`,
    lease: (member: string) => `${base}alerts:lease:${member}`,
    /** The environment's escalation policy (JSON), shared by every console; the seed default when absent. */
    policy: `${base}alerts:policy`,
    fence: `${base}alerts:fence`,
    audit: `${base}audit`,
    alertsStream: `${namespace}security.alerts`,
    notificationsStream: `${namespace}security.notifications`,
  };
}

/** Severity order, most severe first. */
export const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const STATUS_RANK: Record<AlertStatus, number> = { open: 0, acknowledged: 1, resolved: 2 };

/** The triage order: unresolved before resolved, most severe first, then newest first. */
export function compareAlerts(a: Pick<AlertSummary, 'status' | 'severity' | 'createdAt' | 'id'>, b: Pick<AlertSummary, 'status' | 'severity' | 'createdAt' | 'id'>): number {
  return (
    STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
    (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) ||
    b.createdAt - a.createdAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function sortAlerts<T extends Pick<AlertSummary, 'status' | 'severity' | 'createdAt' | 'id'>>(alerts: readonly T[]): T[] {
  return [...alerts].sort(compareAlerts);
}

/** When the SLA runs out: `metadata.sla_deadline`, or the acknowledgment deadline when the alert has none. */
export function slaDeadlineOf(a: Pick<AlertSummary, 'slaDeadline' | 'createdAt' | 'severity'>, policy: EscalationPolicy = DEFAULT_ESCALATION_POLICY): number {
  return a.slaDeadline ?? a.createdAt + policyFor(policy, a.severity).ackWithinMs;
}

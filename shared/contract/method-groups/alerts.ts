import { z } from 'zod';
import { AlertLevel, AlertState, AlertSummary, EscalationPolicy, EscalationStep } from '../../model/alerts';
import { ConsoleSettings, LocalAuditEntry, LocalAuditVerification, TeamAuditEntry } from '../../model/audit';
import { EnvId } from './common';
import { write } from '../access';

const AlertId = z.string().min(1).max(256);
const Reason = z.string().max(4000);
export const Resolution = z.enum(['fixed', 'false_positive', 'duplicate', 'other']);

const ActionFields = {
  reason: Reason.optional(),
  resolution: Resolution.optional(),
  /** snooze: until when, epoch ms. */
  snoozedUntil: z.number().int().positive().optional(),
  /** assign: the assignee ('' to unassign). */
  assignee: z.string().max(200).optional(),
};

/** What the audit log keeps of an alert's state before and after an action. */
export function briefAlert(a: AlertState): Record<string, unknown> {
  return { status: a.status, level: a.level, version: a.version, assignee: a.assignee, resolution: a.resolution, snoozedUntil: a.snoozedUntil };
}

export const AlertAction = z.enum(['ack', 'escalate', 'resolve', 'reopen', 'snooze', 'note', 'assign']);
export type AlertAction = z.infer<typeof AlertAction>;
export type Resolution = z.infer<typeof Resolution>;

/** Evidence of an alert: entries anywhere in the environment with its correlation id. */
export const EvidenceItem = z.object({
  stream: z.string(),
  id: z.string(),
  isDeadLetter: z.boolean(),
  /** The triggering event (its id is the alert's `event_id`). */
  isTrigger: z.boolean(),
  preview: z.string(),
  truncated: z.boolean(),
});
export type EvidenceItem = z.infer<typeof EvidenceItem>;

/** Alerts (issue 5): triage state shared in the environment's Redis, the team audit and this console's own log. */
export const alertMethods = {
  /**
   * A page of the environment's alerts, newest first: `offset` alerts skipped, at most `limit`
   * (the renderer asks page after page until `total`). Never silently short: `partial` is true and
   * `unread` counts and names what was listed in the index but could not be read.
   */
  'alerts.list': {
    params: z.object({ envId: EnvId, limit: z.number().int().min(1).max(50_000).default(20_000), offset: z.number().int().min(0).default(0) }).strict(),
    result: z.object({
      envId: z.string(),
      alerts: z.array(AlertSummary),
      total: z.number().int(),
      offset: z.number().int(),
      /** How many index entries this page covered (alerts read + unread). */
      listed: z.number().int(),
      partial: z.boolean(),
      unread: z.object({ count: z.number().int(), reason: z.string(), retryable: z.boolean(), sampleIds: z.array(z.string()) }).nullable(),
      readOnly: z.boolean(),
    }),
  },
  'alerts.get': {
    params: z.object({ envId: EnvId, id: AlertId }).strict(),
    result: z.object({
      alert: AlertState,
      /** The next escalation that will fire unless acted on, or null. */
      next: z.object({ level: AlertLevel, dueAt: z.number(), step: EscalationStep }).nullable(),
      steps: z.array(EscalationStep),
    }),
  },
  'alerts.act': write({
    params: z.object({ envId: EnvId, id: AlertId, expectedVersion: z.number().int().min(1), action: AlertAction, ...ActionFields }).strict(),
    result: AlertState,
    access: 'operator',
    // The alert store writes the team entry in the same script as the change; the handler adds the state before.
    audit: { action: (p) => `alert.${p.action}`, target: (p) => p.id, reason: (p) => p.reason, detail: (r) => briefAlert(r), team: false },
  }),
  /** The same action on several alerts; each is its own compare-and-set. */
  'alerts.bulk': write({
    params: z
      .object({
        envId: EnvId,
        items: z.array(z.object({ id: AlertId, expectedVersion: z.number().int().min(1) }).strict()).min(1).max(1000),
        action: z.enum(['ack', 'resolve']),
        ...ActionFields,
      })
      .strict(),
    result: z.object({ done: z.array(AlertState), failed: z.array(z.object({ id: z.string(), code: z.string(), message: z.string() })) }),
    access: 'operator',
    // One entry per alert changed (the handler notes each); the store writes their team entries.
    audit: { action: (p) => `alert.${p.action}`, target: (p) => `${p.items.length} alerts`, reason: (p) => p.reason, count: (r) => r.done.length, detail: (r) => ({ failed: r.failed.map((f) => f.id) }), team: false },
  }),
  'alerts.evidence': {
    params: z.object({ envId: EnvId, id: AlertId }).strict(),
    result: z.object({ correlationId: z.string().nullable(), items: z.array(EvidenceItem), scannedPerStream: z.number().int(), streams: z.number().int() }),
  },
  /** The environment's escalation policy (seed 000 levels by default), shared by every console. */
  'alerts.policy': { params: z.object({ envId: EnvId }).strict(), result: EscalationPolicy },
  'alerts.setPolicy': write({
    params: z.object({ envId: EnvId, policy: EscalationPolicy }).strict(),
    result: EscalationPolicy,
    access: 'admin',
    // The handler adds the policy before and after.
    audit: { action: 'alerts.policy', target: () => 'escalation policy' },
  }),
  'audit.team': {
    params: z.object({ envId: EnvId, count: z.number().int().min(1).max(10_000).default(500), before: z.string().optional() }).strict(),
    result: z.array(TeamAuditEntry),
  },
  'audit.local': {
    /** `fullVerify`: re-hash the whole chain instead of what was appended since the last check (issue 19). */
    params: z.object({ count: z.number().int().min(1).max(10_000).default(500), beforeSeq: z.number().int().optional(), fullVerify: z.boolean().optional() }).strict(),
    result: z.object({ entries: z.array(LocalAuditEntry), verification: LocalAuditVerification }),
  },
  'settings.get': { params: z.object({}).strict(), result: ConsoleSettings.extend({ who: z.string() }) },
  'settings.update': write({
    params: ConsoleSettings.partial().strict(),
    result: ConsoleSettings.extend({ who: z.string() }),
    access: 'console',
    audit: { target: () => 'analyst name', env: () => undefined, detail: (r) => ({ who: r.who }) },
  }),
} as const;

/** Alerts that changed on any console (created, acted on, escalated): the new summaries. */
export const alertsChangedEvent = z.object({ envId: z.string(), alerts: z.array(AlertSummary) });

/**
 * Pure alert-state transitions: what an analyst action, an ingested alert or an escalation does
 * to an alert's state and which notifications and audit records follow. No Redis here; the
 * AlertStore (alert-store.ts) applies them under its compare-and-set scripts.
 */
import { CodedError } from '../../../shared/contract/errors';
import {
  levelChannels,
  notConfiguredChannels,
  notConfiguredDetail,
  notificationDedupKey,
  PAGING_CHANNELS,
  policyFor,
  type AlertLevel,
  type AlertState,
  type EscalationPolicy,
  type TimelineAction,
  type TimelineEntry,
} from '../../../shared/model/alerts';
import { STREAM_PAYLOAD_FIELD } from '../../../shared/model/topology';
import { fieldOf } from '../brokers/redis/fields';
import { idTime } from '../../../shared/model/stream-ids';
import type { TeamAuditEntry } from '../../../shared/model/audit';
import type { AlertAction, Resolution } from '../../../shared/contract/method-groups/alerts';
import type { SecurityAlert } from '../../../shared/schemas/security-streams';
import type { Silence, SilenceWindow } from '../../../shared/model/silences';

/** The actions and resolutions are the contract's (one definition, shared/contract/method-groups/alerts). */
export type { AlertAction } from '../../../shared/contract/method-groups/alerts';

export interface ActionInput {
  id: string;
  expectedVersion: number;
  action: AlertAction;
  reason?: string;
  /** snooze: epoch ms; assign: the assignee. */
  snoozedUntil?: number;
  assignee?: string;
  /** resolve: how; `false_positive` needs a reason. */
  resolution?: Resolution;
}

/** What a console writes to the team audit stream: the shared schema's record, its stream id filled in when read. */
export type AuditEntry = Omit<TeamAuditEntry, 'streamId'> & { streamId?: string };

/**
 * One entry of the team audit stream as read: what a console wrote, or — for an entry something
 * else put there (no `data` field, or not a record) — a row that says so, with its time from the
 * id, so one foreign entry neither breaks the team audit view nor disappears from it.
 */
export function readAuditEntry(streamId: string, fields: readonly string[]): TeamAuditEntry {
  const raw = fieldOf(fields, STREAM_PAYLOAD_FIELD);
  let parsed: unknown;
  try {
    parsed = raw === undefined ? null : JSON.parse(raw);
  } catch {
    parsed = null;
  }
  const entry = parsed as Partial<AuditEntry> | null;
  if (entry && typeof entry === 'object' && typeof entry.who === 'string' && typeof entry.at === 'number' && typeof entry.what === 'string') {
    return { ...(entry as AuditEntry), alertId: typeof entry.alertId === 'string' ? entry.alertId : '', before: entry.before ?? null, streamId };
  }
  const why = raw === undefined ? `it has no "${STREAM_PAYLOAD_FIELD}" field` : 'its data is not an audit record';
  return { streamId, who: 'unknown', at: idTime(streamId), what: 'unreadable entry', alertId: '', before: null, after: { fields: fields.slice(0, 20) }, reason: `not written by a Watchfloor console: ${why}` };
}

const ACTION_TIMELINE: Record<AlertAction, TimelineAction> = {
  ack: 'acknowledged',
  escalate: 'escalated',
  resolve: 'resolved',
  reopen: 'reopened',
  snooze: 'snoozed',
  note: 'note',
  assign: 'assigned',
};

export const summary = (a: AlertState): Partial<AlertState> => ({ status: a.status, level: a.level, version: a.version, assignee: a.assignee, snoozedUntil: a.snoozedUntil });

/** Applies one analyst action to a state (pure); throws CONFLICT-free validation errors as VALIDATION. */
export function applyAction(a: AlertState, input: ActionInput, who: string, now: number): AlertState {
  const next: AlertState = { ...a, notes: [...a.notes], timeline: [...a.timeline], version: a.version + 1, updatedBy: who, updatedAt: now };
  switch (input.action) {
    case 'ack':
      if (a.status !== 'open') throw new CodedError('VALIDATION', `alert ${a.id} is ${a.status}, only an open alert can be acknowledged`);
      next.status = 'acknowledged';
      next.acknowledgedAt = now;
      break;
    case 'resolve':
      if (a.status === 'resolved') throw new CodedError('VALIDATION', `alert ${a.id} is already resolved`);
      if (input.resolution === 'false_positive' && !input.reason?.trim()) throw new CodedError('VALIDATION', `resolving ${a.id} as a false positive needs a reason`);
      next.status = 'resolved';
      next.resolvedAt = now;
      next.resolution = input.resolution ?? 'fixed';
      break;
    case 'reopen':
      if (a.status === 'open') throw new CodedError('VALIDATION', `alert ${a.id} is already open`);
      next.status = 'open';
      delete next.resolvedAt;
      delete next.resolution;
      break;
    case 'escalate':
      if (a.level >= 3) throw new CodedError('VALIDATION', `alert ${a.id} is already at level 3`);
      if (a.status === 'resolved') throw new CodedError('VALIDATION', `alert ${a.id} is resolved`);
      next.level = (a.level + 1) as AlertLevel;
      break;
    case 'snooze':
      if (input.snoozedUntil === undefined) throw new CodedError('VALIDATION', 'snooze needs an until time');
      next.snoozedUntil = input.snoozedUntil;
      break;
    case 'note':
      if (!input.reason) throw new CodedError('VALIDATION', 'a note needs text');
      next.notes.push({ who, at: now, text: input.reason });
      break;
    case 'assign':
      next.assignee = input.assignee;
      break;
  }
  const detail = [input.action === 'resolve' ? next.resolution?.replace('_', ' ') : undefined, input.action === 'assign' ? input.assignee || 'unassigned' : undefined, input.action === 'snooze' && input.snoozedUntil ? `until ${new Date(input.snoozedUntil).toISOString()}` : undefined, input.reason]
    .filter(Boolean)
    .join(': ');
  next.timeline.push({ who, at: now, what: ACTION_TIMELINE[input.action], ...(detail ? { detail } : {}) });
  return next;
}

/** The state an alert starts with when its seed 000 message is ingested. */
export function initialState(msg: SecurityAlert, now: number): AlertState {
  const createdAt = Date.parse(msg.timestamp);
  const at = Number.isFinite(createdAt) ? createdAt : now;
  const sla = Date.parse(msg.metadata.sla_deadline);
  const meta = msg.metadata as Record<string, unknown>;
  const correlation = [meta.correlation_id, meta.event_id].find((v): v is string => typeof v === 'string' && v.length > 0);
  return {
    id: msg.id,
    ruleId: msg.rule_id,
    ...(Number.isFinite(sla) ? { slaDeadline: sla } : {}),
    ...(correlation ? { correlationId: correlation } : {}),
    ...(typeof meta.source === 'string' ? { source: meta.source } : {}),
    metadata: meta,
    ...(msg.notification_channels.length ? { channels: [...msg.notification_channels] } : {}),
    severity: msg.severity,
    title: msg.title,
    message: msg.message,
    organizationId: msg.organization_id,
    assetId: msg.asset_id,
    status: 'open',
    level: 1,
    createdAt: at,
    notes: [],
    version: 1,
    updatedBy: 'engine',
    updatedAt: now,
    timeline: [
      { who: 'engine', at, what: 'created' },
      { who: 'engine', at: now, what: 'notified', detail: 'level 1' },
    ],
  };
}

/**
 * The escalation notification of one level: its channels are `levelChannels` (the alert's own
 * `notification_channels` ∪ the level's policy methods); `not_configured` lists those that will not
 * go out (no sender by that name, or no destination configured) — the senders of the others still
 * deliver, each in its own consumer group.
 */
export function notificationFor(a: AlertState, level: AlertLevel, policy: EscalationPolicy, now: number, configured: ReadonlySet<string> | null = null): Record<string, unknown> {
  const step = policyFor(policy, a.severity).steps[level - 1]!;
  const channels = levelChannels(a, level, policy);
  const skipped = notConfiguredChannels(channels, configured);
  return {
    dedup_key: notificationDedupKey(a.id, level),
    alert_id: a.id,
    level,
    severity: a.severity,
    title: a.title,
    ...(a.source ? { source: a.source } : {}),
    recipients: step.recipients,
    channels,
    ...(skipped.length ? { not_configured: skipped } : {}),
    timestamp: new Date(now).toISOString(),
  };
}

/** The timeline entry saying which of a level's channels will not go out, or none. */
export function notConfiguredEntry(a: AlertState, level: AlertLevel, policy: EscalationPolicy, now: number, configured: ReadonlySet<string> | null): TimelineEntry[] {
  const skipped = notConfiguredChannels(levelChannels(a, level, policy), configured);
  return skipped.length ? [{ who: 'engine', at: now, what: 'notified', detail: notConfiguredDetail(level, skipped) }] : [];
}

/**
 * What an acknowledgment or resolution tells the paging integration (PagerDuty `acknowledge` /
 * `resolve` with the alert id as dedup key), when a level fired so far paged through it; else null.
 */
export function statusNotificationFor(a: AlertState, eventAction: 'acknowledge' | 'resolve', policy: EscalationPolicy, now: number): Record<string, unknown> | null {
  const paged = new Set<string>();
  for (let l = 1; l <= a.level; l++) for (const c of levelChannels(a, l as AlertLevel, policy)) if (PAGING_CHANNELS.includes(c)) paged.add(c);
  if (!paged.size) return null;
  return {
    // Unique per transition (a reopened alert can be acknowledged again), so the senders' dedup keeps each once.
    dedup_key: `${a.id}:${eventAction}:v${a.version}`,
    alert_id: a.id,
    level: a.level,
    severity: a.severity,
    title: a.title,
    recipients: [],
    channels: [...paged],
    event_action: eventAction,
    timestamp: new Date(now).toISOString(),
  };
}

/** An alert as a silence marks it (pure). `isAtCreation`: its level-1 notification is withheld. */
export function silencedState(alert: AlertState, silence: Silence, window: SilenceWindow, now: number, isAtCreation: boolean): AlertState {
  const detail = `silence ${silence.id} until ${new Date(window.end).toISOString()} (${silence.reason})${isAtCreation ? ': level 1 not sent' : ''}`;
  return {
    ...alert,
    silencedBy: silence.id,
    silencedUntil: window.end,
    ...(isAtCreation ? { isNotificationWithheld: true } : {}),
    ...(isAtCreation ? {} : { version: alert.version + 1, updatedBy: 'engine', updatedAt: now }),
    timeline: [...alert.timeline, { who: 'engine', at: now, what: 'silenced', detail }],
  };
}

import { z } from 'zod';
import { DELIVERY_CHANNELS } from '../../../../shared/model/alerts';
import { SecurityNotification } from '../../../../shared/schemas/security-streams';

/**
 * What the notification senders read from `security.notifications`. Two producers write there:
 * the pipeline (seed 000 § 5: one channel, one recipient) and this console's escalation engine
 * (`notificationFor()` in alerts/alert-store.ts: several channels, role names as recipients, no
 * payload). Both are normalised into one shape so each sender has a single input.
 */

/** The delivery channels a sender exists for (`incident_management` and `phone`: PagerDuty Events API v2). */
export const NOTIFICATION_CHANNELS = DELIVERY_CHANNELS;
/** One delivery channel. */
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/**
 * Seed 000's notification plus its optional `dedup_key` (the shared schema would strip it). A
 * missing `retry_policy` is tolerated: the seed's policy for the priority applies, so a producer
 * omitting it does not get its alerts dead-lettered unsent.
 */
export const SeedNotification = SecurityNotification.extend({
  // Any name: a channel no sender exists for (`sms`) is skipped by every sender, not dead-lettered.
  channel: z.string().min(1).max(64),
  dedup_key: z.string().min(1).optional(),
  retry_policy: SecurityNotification.shape.retry_policy.optional(),
});
/** A parsed seed 000 notification. */
export type SeedNotification = z.infer<typeof SeedNotification>;

/** What the console's escalation engine emits (alert-store.ts `notificationFor()`). */
export const EscalationNotification = z.object({
  dedup_key: z.string().min(1),
  alert_id: z.string().min(1),
  level: z.number().int().min(1).max(3),
  severity: SecurityNotification.shape.payload.shape.severity,
  title: z.string(),
  recipients: z.array(z.string()),
  channels: z.array(z.string()),
  /** Where the alert came from (`source` of its metadata). */
  source: z.string().optional(),
  /** Channels of `channels` that will not go out (no sender, or no destination configured): informational. */
  not_configured: z.array(z.string()).optional(),
  /** trigger (a level fired, the default), acknowledge / resolve (the alert was): only the paging senders act on the latter. */
  event_action: z.enum(['trigger', 'acknowledge', 'resolve']).optional(),
  timestamp: z.string().optional(),
});
/** A parsed escalation notification. */
export type EscalationNotification = z.infer<typeof EscalationNotification>;

/** One notification as the senders see it, whichever producer wrote it. */
export interface NotificationMessage {
  notificationId: string;
  /** The channels it is meant for; other channels' senders skip it. */
  channels: NotificationChannel[];
  /** Seed: the one recipient (Slack channel, address, URL); escalation: role names. */
  recipients: string[];
  priority: SeedNotification['priority'];
  template: string;
  payload: SeedNotification['payload'];
  retryPolicy?: SeedNotification['retry_policy'];
  dedupKey?: string;
  /** Escalation notifications: the alert (PagerDuty's dedup key, so trigger/acknowledge/resolve name one incident). */
  alertId?: string;
  /** What happened to the alert: a level fired (trigger), or it was acknowledged / resolved. */
  eventAction?: 'trigger' | 'acknowledge' | 'resolve';
  /** Escalation notifications: the level that fired, and where the alert came from. */
  level?: number;
  source?: string;
}

/** The result of reading an entry: a message, or why it can never be delivered. */
export type ParsedNotification = { ok: true; message: NotificationMessage } | { ok: false; reason: string };

/** Parses an entry's `data` bytes (seed 000 or escalation shape). Never throws. */
export function parseNotification(payload: Buffer | string | null): ParsedNotification {
  if (payload === null) return { ok: false, reason: 'entry has no data field' };
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `data is not JSON: ${(error as Error).message}` };
  }
  const seed = SeedNotification.safeParse(json);
  if (seed.success) return { ok: true, message: fromSeed(seed.data) };
  const escalation = EscalationNotification.safeParse(json);
  if (escalation.success) return { ok: true, message: fromEscalation(escalation.data) };
  return { ok: false, reason: `not a seed 000 notification: ${z.prettifyError(seed.error).replace(/\s*\n\s*/g, '; ').slice(0, 300)}` };
}

/** True when a message goes the priority route (seed 000: severity IN critical, high; or priority immediate/high). */
export function isPriority(message: Pick<NotificationMessage, 'priority' | 'payload'>): boolean {
  return message.priority === 'immediate' || message.priority === 'high' || message.payload.severity === 'critical' || message.payload.severity === 'high';
}

/** True when `channel` is one of the message's channels (an acknowledge / resolve is only for the paging channels). */
export function isForChannel(message: NotificationMessage, channel: NotificationChannel): boolean {
  if (message.eventAction && message.eventAction !== 'trigger' && channel !== 'incident_management' && channel !== 'phone') return false;
  return message.channels.includes(channel);
}

function fromSeed(n: SeedNotification): NotificationMessage {
  return {
    notificationId: n.notification_id,
    channels: knownChannels([n.channel]),
    recipients: [n.recipient],
    priority: n.priority,
    template: n.template,
    payload: n.payload,
    ...(n.retry_policy ? { retryPolicy: n.retry_policy } : {}),
    ...(n.dedup_key ? { dedupKey: n.dedup_key } : {}),
  };
}

function fromEscalation(n: EscalationNotification): NotificationMessage {
  const priority = n.severity === 'critical' ? 'immediate' : n.severity === 'high' ? 'high' : 'normal';
  return {
    // The dedup key names the (alert, level) uniquely, so it doubles as the notification's id.
    notificationId: n.dedup_key,
    channels: knownChannels(n.channels),
    recipients: n.recipients,
    priority,
    template: n.event_action && n.event_action !== 'trigger' ? `alert_${n.event_action}` : 'alert_escalation',
    payload: { title: n.title, message: statusLine(n), severity: n.severity, action_required: 'Acknowledge or resolve the alert in Watchfloor' },
    dedupKey: n.dedup_key,
    alertId: n.alert_id,
    eventAction: n.event_action ?? 'trigger',
    level: n.level,
    ...(n.source ? { source: n.source } : {}),
  };
}

function statusLine(n: EscalationNotification): string {
  if (n.event_action === 'acknowledge') return `Alert ${n.alert_id} acknowledged`;
  if (n.event_action === 'resolve') return `Alert ${n.alert_id} resolved`;
  return `Alert ${n.alert_id} escalated to level ${n.level}`;
}

/** The channels a sender exists for; other names are nobody's to deliver (recorded as not configured by the producer). */
function knownChannels(channels: readonly string[]): NotificationChannel[] {
  return channels.filter((c): c is NotificationChannel => (NOTIFICATION_CHANNELS as readonly string[]).includes(c));
}

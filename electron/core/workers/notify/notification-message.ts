import { z } from 'zod';
import { SecurityNotification } from '../../../../shared/schemas/security-streams';

/**
 * What the notification senders read from `security.notifications`. Two producers write there:
 * the pipeline (seed 000 § 5: one channel, one recipient) and this console's escalation engine
 * (`notificationFor()` in alerts/alert-store.ts: several channels, role names as recipients, no
 * payload). Both are normalised into one shape so each sender has a single input.
 */

/** The delivery channels a sender exists for. */
export const NOTIFICATION_CHANNELS = ['slack', 'email', 'webhook'] as const;
/** One delivery channel. */
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/**
 * Seed 000's notification plus its optional `dedup_key` (the shared schema would strip it). A
 * missing `retry_policy` is tolerated: the seed's policy for the priority applies, so a producer
 * omitting it does not get its alerts dead-lettered unsent.
 */
export const SeedNotification = SecurityNotification.extend({
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

/** True when `channel` is one of the message's channels. */
export function isForChannel(message: NotificationMessage, channel: NotificationChannel): boolean {
  return message.channels.includes(channel);
}

function fromSeed(n: SeedNotification): NotificationMessage {
  return {
    notificationId: n.notification_id,
    channels: [n.channel],
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
    channels: n.channels.filter((c): c is NotificationChannel => (NOTIFICATION_CHANNELS as readonly string[]).includes(c)),
    recipients: n.recipients,
    priority,
    template: 'alert_escalation',
    payload: { title: n.title, message: `Alert ${n.alert_id} escalated to level ${n.level}`, severity: n.severity, action_required: 'Acknowledge or resolve the alert in Watchfloor' },
    dedupKey: n.dedup_key,
  };
}

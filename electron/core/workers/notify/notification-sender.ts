import type { NotificationChannel, NotificationMessage } from './notification-message';

/**
 * What the notification handler asks of each channel's sender. Delivery is split in two so a
 * message that can never be delivered (a malformed address) is refused before the circuit
 * breaker is consulted: only real calls to the destination count for or against it.
 */

/** A message that can never be delivered as it is: dead-letter it, never retry. */
export class InvalidNotification extends Error {
  override readonly name = 'InvalidNotification';
}

/** One delivery, ready to go. */
export interface PreparedDelivery {
  /** The breaker key and the name shown in errors: display-safe, never a secret URL. */
  destination: string;
  /** Sends it; throws on a failure of the destination (retried), or `InvalidNotification` when it refused this message for good. */
  send(): Promise<void>;
}

/** A channel's sender (Slack, email, webhook). */
export interface NotificationSender {
  readonly channel: NotificationChannel;
  /** Resolves where and what to send; throws `InvalidNotification` for an undeliverable message. */
  prepare(message: NotificationMessage, rawJson: string): PreparedDelivery;
  /** Releases connections (idempotent). */
  close(): Promise<void>;
}

/** `<status> <first line of the body>`: enough to tell a revoked webhook from an outage, bounded. */
export async function describeFailedResponse(response: Response): Promise<string> {
  let body = '';
  try {
    body = (await response.text()).replace(/\s+/g, ' ').trim().slice(0, 200);
  } catch {
    // The status alone still says what happened.
  }
  return `${response.status}${body ? `: ${body}` : ''}`;
}

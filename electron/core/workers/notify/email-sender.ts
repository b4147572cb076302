import { readFileSync } from 'node:fs';
import { createTransport } from 'nodemailer';
import type { EmailDestination } from './notification-destinations';
import type { NotificationMessage } from './notification-message';
import { InvalidNotification, type NotificationSender, type PreparedDelivery } from './notification-sender';

/** Re-exported: the error this sender throws for an address it can never deliver to. */
export { InvalidNotification } from './notification-sender';

// One plain mailbox: no display name, no list, no quotes or comments, nothing a header could be
// split on. Stricter than RFC 5322 on purpose: a notification names an ops mailbox, not an exotic one.
const MAILBOX = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** True for a single plain email address (`ops@example.com`), false for lists, names, anything else. */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && MAILBOX.test(value) && !value.startsWith('.') && !value.includes('..');
}

/** `[CRITICAL] title`, on one line whatever the title holds. */
export function emailSubject(message: NotificationMessage): string {
  return `[${message.payload.severity.toUpperCase()}] ${message.payload.title}`.replace(/[\r\n]+/g, ' ').slice(0, 250);
}

/** The plain-text body: every payload field on its own labelled line. */
export function emailBody(message: NotificationMessage): string {
  const p = message.payload;
  return [
    p.title,
    '',
    p.message,
    '',
    `Severity: ${p.severity}`,
    ...(p.asset ? [`Asset: ${p.asset}`] : []),
    ...(p.action_required ? [`Action required: ${p.action_required}`] : []),
    ...(p.remediation_link ? [`Remediation: ${p.remediation_link}`] : []),
    '',
    `Notification ${message.notificationId} (${message.template}, priority ${message.priority})`,
  ].join('\n');
}

/** Sends notifications as plain-text email through one SMTP relay (nodemailer). */
export class EmailSender implements NotificationSender {
  readonly channel = 'email';
  private readonly transport: ReturnType<typeof createTransport>;
  private isClosed = false;

  constructor(
    private readonly config: EmailDestination,
    timeoutMs = 15_000,
  ) {
    this.transport = createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      // Without implicit TLS, insist on STARTTLS unless told the relay is local and plaintext.
      requireTLS: !config.secure && config.requireStartTls !== false,
      ...(config.username ? { auth: { user: config.username, pass: config.password ?? '' } } : {}),
      tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(config.caFile ? { ca: readFileSync(config.caFile) } : {}) },
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  }

  prepare(message: NotificationMessage): PreparedDelivery {
    // Escalations name roles (security_team), not mailboxes: they go to the configured role address,
    // and without one they are undeliverable here, whatever retries.
    const roles = message.recipients.filter((r) => !isEmailAddress(r));
    const addresses = new Set(message.recipients.filter((r) => isEmailAddress(r)));
    if (roles.length && this.config.roleAddress && isEmailAddress(this.config.roleAddress)) addresses.add(this.config.roleAddress);
    else if (roles.length) throw new InvalidNotification(`${JSON.stringify(roles.slice(0, 5).join(', ').slice(0, 100))} is not an email address (for roles, set "escalations to roles go to" in the notification destinations, then replay)`);
    if (!addresses.size) throw new InvalidNotification('email notification without a recipient');
    const to = [...addresses].join(', ');
    const mail = { from: this.config.from, to, subject: emailSubject(message), text: emailBody(message) };
    return {
      destination: `email:${this.config.host}:${this.config.port}`,
      send: async () => {
        try {
          await this.transport.sendMail(mail);
        } catch (error) {
          // A permanent (5xx) refusal of the recipient will not change on retry; the relay is fine.
          const smtp = error as { code?: string; responseCode?: number; response?: string };
          if (smtp.code === 'EENVELOPE' && (smtp.responseCode ?? 0) >= 500) throw new InvalidNotification(`SMTP server refused ${to}: ${String(smtp.response ?? smtp.responseCode).slice(0, 200)}`);
          throw error;
        }
      },
    };
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.transport.close();
  }
}

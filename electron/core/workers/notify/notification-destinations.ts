/**
 * Where the notification senders deliver. Each channel is optional: a channel with nothing
 * configured gets no handler at all (`createNotificationHandler` returns null), so its messages
 * stay in the stream for a sender that can deliver them instead of being acknowledged unsent or
 * dead-lettered by a console that merely lacks the settings.
 */

/** Slack incoming webhooks. The URLs are secrets (the token is in the path): never log them. */
export interface SlackDestination {
  /** The webhook used for a recipient with no entry in `channels`. */
  defaultUrl: string;
  /** Recipient (Slack channel name, e.g. `security-alerts`) → its incoming-webhook URL. */
  channels?: Record<string, string>;
}

/** An SMTP relay. Certificates are always verified. */
export interface EmailDestination {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (port 465); otherwise STARTTLS. */
  secure: boolean;
  /**
   * Without `secure`: refuse to send unless the server upgrades with STARTTLS (default true), so
   * credentials and alert text never cross the network in clear. Set false only for a local relay.
   */
  requireStartTls?: boolean;
  username?: string;
  password?: string;
  /** The From address, e.g. `Watchfloor <watchfloor@example.com>`. */
  from: string;
  /** A PEM file: when set, only this CA is trusted (as for the broker connections). */
  caFile?: string;
  /** Where escalations addressed to roles (security_team, devops_lead, cto) are mailed; without it they cannot be delivered by email. */
  roleAddress?: string;
}

/** A generic webhook receiver, signed with HMAC-SHA256 (`webhookSignature`). */
export interface WebhookDestination {
  url: string;
  secret: string;
  /**
   * URLs a message's `recipient` may name; any other recipient is ignored and `url` is used, so a
   * message can never make the console POST to an address of its choosing (SSRF).
   */
  allowList?: string[];
}

/** A PagerDuty Events API v2 integration. The routing key is a secret: never log it. */
export interface PagerDutyDestination {
  /** The Events API v2 URL; PagerDuty's own when empty. */
  eventsUrl: string;
  routingKey: string;
}

/** The senders' configuration; an absent channel is not consumed. */
export interface NotificationDestinations {
  slack?: SlackDestination;
  email?: EmailDestination;
  webhook?: WebhookDestination;
  /** `incident_management`: PagerDuty events (trigger per level, acknowledge, resolve). */
  incidentManagement?: PagerDutyDestination;
  /** `phone`: the same integration with the routing key of a service that phones the on-call. */
  phone?: PagerDutyDestination;
}

import type { WebhookDestination } from './notification-destinations';
import type { NotificationMessage } from './notification-message';
import { describeFailedResponse, type NotificationSender, type PreparedDelivery } from './notification-sender';
import { webhookSignature } from './webhook-delivery';

/** The URL a message is POSTed to: its recipient only when allow-listed (no SSRF), else the configured one. */
export function webhookTarget(config: WebhookDestination, recipients: string[]): string {
  const allowed = new Set((config.allowList ?? []).map(normalizeUrl).filter((u): u is string => u !== null));
  for (const recipient of recipients) {
    const url = normalizeUrl(recipient);
    if (url && allowed.has(url)) return url;
  }
  return config.url;
}

function normalizeUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Posts the notification's JSON, as the producer wrote it, signed with HMAC-SHA256. */
export class WebhookSender implements NotificationSender {
  readonly channel = 'webhook';

  constructor(
    private readonly config: WebhookDestination,
    private readonly timeoutMs = 10_000,
    private readonly clock: { now(): number } = Date,
  ) {}

  prepare(message: NotificationMessage, rawJson: string): PreparedDelivery {
    const url = webhookTarget(this.config, message.recipients);
    return {
      // The origin only: a path may carry a token.
      destination: `webhook:${new URL(url).origin}`,
      send: async () => {
        const timestamp = String(this.clock.now());
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-watchfloor-timestamp': timestamp,
            // Over the exact bytes sent, so the receiver verifies what it got.
            'x-watchfloor-signature': webhookSignature(this.config.secret, timestamp, rawJson),
            'x-watchfloor-dedup-key': message.dedupKey ?? message.notificationId,
          },
          body: rawJson,
          // A redirect would take the POST to a host nobody allow-listed.
          redirect: 'error',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (!response.ok) throw new Error(`webhook answered ${await describeFailedResponse(response)}`);
      },
    };
  }

  async close(): Promise<void> {}
}

import type { SlackDestination } from './notification-destinations';
import type { NotificationMessage } from './notification-message';
import { describeFailedResponse, type NotificationSender, type PreparedDelivery } from './notification-sender';

/** Slack's mrkdwn control characters; escaping them shows payload markup as text (no `<!channel>`, no fake links). */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An http(s) link for `<url|text>`, or null: anything else (javascript:, relative) is shown as plain text. */
export function slackLink(raw: string, label: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  // `|` and `>` end the link in Slack's syntax; WHATWG URLs leave `|` unencoded.
  return `<${url.href.replace(/\|/g, '%7C').replace(/>/g, '%3E')}|${escapeSlackText(label)}>`;
}

/** The incoming-webhook JSON: a `text` fallback (notifications, old clients) and Block Kit blocks. */
export function slackPayload(message: NotificationMessage): { text: string; blocks: unknown[] } {
  const p = message.payload;
  const severity = p.severity.toUpperCase();
  const field = (name: string, value: string) => ({ type: 'mrkdwn', text: `*${name}*\n${escapeSlackText(value)}` });
  const blocks: unknown[] = [
    // plain_text is never parsed as markup; Slack caps a header at 150 characters.
    { type: 'header', text: { type: 'plain_text', text: `[${severity}] ${p.title}`.slice(0, 150), emoji: false } },
    { type: 'section', fields: [field('Severity', severity), ...(p.asset ? [field('Asset', p.asset)] : [])] },
  ];
  if (p.message) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: escapeSlackText(p.message).slice(0, 3000) } });
  if (p.action_required) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Action required*\n${escapeSlackText(p.action_required)}`.slice(0, 3000) } });
  if (p.remediation_link) {
    const link = slackLink(p.remediation_link, 'Remediation');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: link ? `*Remediation:* ${link}` : `*Remediation:* ${escapeSlackText(p.remediation_link)}` } });
  }
  return { text: escapeSlackText(`[${severity}] ${p.title}: ${p.message}`), blocks };
}

/** Posts notifications to Slack incoming webhooks: the recipient's channel webhook, else the default one. */
export class SlackSender implements NotificationSender {
  readonly channel = 'slack';

  constructor(
    private readonly config: SlackDestination,
    private readonly timeoutMs = 10_000,
  ) {}

  prepare(message: NotificationMessage): PreparedDelivery {
    const named = message.recipients.map((r) => r.replace(/^#/, '')).find((r) => this.config.channels?.[r]);
    const url = named ? this.config.channels![named]! : this.config.defaultUrl;
    const body = JSON.stringify(slackPayload(message));
    return {
      // The channel name, never the URL: a Slack webhook URL carries its token.
      destination: `slack:${named ?? 'default'}`,
      send: async () => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          redirect: 'error',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (!response.ok) throw new Error(`Slack answered ${await describeFailedResponse(response)}`);
      },
    };
  }

  async close(): Promise<void> {}
}

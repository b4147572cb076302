import { configuredChannels, type NotificationDestinationsInput, type NotificationDestinationsView } from '../../../../shared/model/workers';

/** What the Notification destinations form holds. Secret fields start empty, never prefilled. */
export interface DestinationsFormValues {
  slackWebhookUrl: string;
  clearSlackWebhookUrl: boolean;
  isEmailOn: boolean;
  emailHost: string;
  emailPort: string;
  emailSecure: boolean;
  /** Refuse a server without STARTTLS (when not implicit TLS). */
  emailRequireStartTls: boolean;
  emailFrom: string;
  emailUsername: string;
  emailPassword: string;
  clearEmailPassword: boolean;
  emailCaFile: string;
  /** Where escalations to roles (security_team…) are mailed. */
  emailRoleAddress: string;
  isWebhookOn: boolean;
  webhookUrl: string;
  webhookSecret: string;
  clearWebhookSecret: boolean;
  /** One URL per line. */
  webhookAllowList: string;
  /** PagerDuty Events API v2: incident_management (routing key) and phone (a second routing key). */
  isPagerDutyOn: boolean;
  pagerDutyEventsUrl: string;
  pagerDutyRoutingKey: string;
  clearPagerDutyRoutingKey: boolean;
  pagerDutyPhoneRoutingKey: string;
  clearPagerDutyPhoneRoutingKey: boolean;
}

/** PagerDuty's Events API v2 endpoint, the form's default. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** The form as the host's view fills it: plain fields copied, secrets left empty (placeholders say "unchanged"). */
export function destinationsFormValues(view: NotificationDestinationsView | null): DestinationsFormValues {
  return {
    slackWebhookUrl: '',
    clearSlackWebhookUrl: false,
    isEmailOn: view?.email != null,
    emailHost: view?.email?.host ?? '',
    emailPort: String(view?.email?.port ?? 587),
    emailSecure: view?.email?.secure ?? false,
    emailRequireStartTls: view?.email?.requireStartTls ?? true,
    emailFrom: view?.email?.from ?? '',
    emailUsername: view?.email?.username ?? '',
    emailPassword: '',
    clearEmailPassword: false,
    emailCaFile: view?.email?.caFile ?? '',
    emailRoleAddress: view?.email?.roleAddress ?? '',
    isWebhookOn: view?.webhook != null,
    webhookUrl: view?.webhook?.url ?? '',
    webhookSecret: '',
    clearWebhookSecret: false,
    webhookAllowList: (view?.webhook?.allowList ?? []).join('\n'),
    isPagerDutyOn: view?.pagerDuty != null,
    pagerDutyEventsUrl: view?.pagerDuty?.eventsUrl ?? PAGERDUTY_EVENTS_URL,
    pagerDutyRoutingKey: '',
    clearPagerDutyRoutingKey: false,
    pagerDutyPhoneRoutingKey: '',
    clearPagerDutyPhoneRoutingKey: false,
  };
}

/** A write-only secret: typed → set, "clear" ticked → '' (removes it), else absent (keeps it). */
function secretChange(typed: string, isClearing: boolean): string | undefined {
  if (typed !== '') return typed;
  return isClearing ? '' : undefined;
}

/**
 * The `workers.setDestinations` input for the form, or the first problem a person can fix. Email
 * and webhook switched off are removed (null); Slack is only ever changed through its secret.
 */
export function destinationsInputFrom(values: DestinationsFormValues): { ok: true; input: NotificationDestinationsInput } | { ok: false; message: string } {
  const input: NotificationDestinationsInput = {};
  const slack = secretChange(values.slackWebhookUrl.trim(), values.clearSlackWebhookUrl);
  if (slack !== undefined) {
    if (slack !== '' && !isHttpUrl(slack)) return { ok: false, message: 'The Slack webhook URL must start with https:// (or http://).' };
    input.slack = { webhookUrl: slack };
  }
  if (!values.isEmailOn) input.email = null;
  else {
    const host = values.emailHost.trim();
    const port = Number(values.emailPort.trim());
    const from = values.emailFrom.trim();
    if (host === '') return { ok: false, message: 'SMTP host is required (or switch email off).' };
    if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, message: 'SMTP port must be a whole number from 1 to 65535.' };
    if (from.length < 3) return { ok: false, message: 'The "From" address is required for email.' };
    const password = secretChange(values.emailPassword, values.clearEmailPassword);
    const username = values.emailUsername.trim();
    const caFile = values.emailCaFile.trim();
    const roleAddress = values.emailRoleAddress.trim();
    input.email = {
      host,
      port,
      secure: values.emailSecure,
      requireStartTls: values.emailRequireStartTls,
      from,
      ...(username !== '' ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(caFile !== '' ? { caFile } : {}),
      ...(roleAddress !== '' ? { roleAddress } : {}),
    };
  }
  if (!values.isWebhookOn) input.webhook = null;
  else {
    const url = values.webhookUrl.trim();
    if (!isHttpUrl(url)) return { ok: false, message: 'The webhook URL must be a full http:// or https:// URL.' };
    const allowList = values.webhookAllowList
      .split(/[\s,]+/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
    const wrong = allowList.find((entry) => !isHttpUrl(entry));
    if (wrong !== undefined) return { ok: false, message: `"${wrong}" in the allow-list is not a full http:// or https:// URL.` };
    const secret = secretChange(values.webhookSecret, values.clearWebhookSecret);
    input.webhook = { url, allowList, ...(secret !== undefined ? { secret } : {}) };
  }
  if (!values.isPagerDutyOn) input.pagerDuty = null;
  else {
    const eventsUrl = values.pagerDutyEventsUrl.trim() || PAGERDUTY_EVENTS_URL;
    if (!isHttpUrl(eventsUrl)) return { ok: false, message: 'The PagerDuty events URL must be a full http:// or https:// URL.' };
    const routingKey = secretChange(values.pagerDutyRoutingKey.trim(), values.clearPagerDutyRoutingKey);
    const phoneRoutingKey = secretChange(values.pagerDutyPhoneRoutingKey.trim(), values.clearPagerDutyPhoneRoutingKey);
    input.pagerDuty = { eventsUrl, ...(routingKey !== undefined ? { routingKey } : {}), ...(phoneRoutingKey !== undefined ? { phoneRoutingKey } : {}) };
  }
  return { ok: true, input };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** One line per destination for the panel's header: what is set, secrets only as "set". */
export function describeDestinations(view: NotificationDestinationsView): string[] {
  return [
    `Slack: ${view.slack.hasWebhookUrl ? 'webhook URL set' : 'not set'}`,
    view.email
      ? `Email: ${view.email.host}:${view.email.port}${view.email.secure ? ' (TLS)' : ''} from ${view.email.from}${view.email.username ? `, user ${view.email.username}` : ''}, password ${view.email.hasPassword ? 'set' : 'not set'}`
      : 'Email: off',
    view.webhook
      ? `Webhook: ${view.webhook.url}, secret ${view.webhook.hasSecret ? 'set' : 'not set'}, ${view.webhook.allowList.length} allowed recipient${view.webhook.allowList.length === 1 ? '' : 's'}`
      : 'Webhook: off',
    view.pagerDuty
      ? `PagerDuty: ${view.pagerDuty.eventsUrl}, routing key ${view.pagerDuty.hasRoutingKey ? 'set' : 'not set'}, phone routing key ${view.pagerDuty.hasPhoneRoutingKey ? 'set' : 'not set'}`
      : 'PagerDuty: off',
  ];
}

/**
 * Each delivery channel an alert or the escalation policy can name, and whether it goes out from
 * here. A channel not configured is skipped (the others still go out) and recorded as "not
 * configured" on the alert's timeline; a name no sender exists for (e.g. `sms`) is always so.
 */
export function channelLines(view: NotificationDestinationsView): { channel: string; isConfigured: boolean; text: string }[] {
  const flags = configuredChannels(view);
  const how: Record<keyof typeof flags, string> = { slack: 'Slack webhook', email: 'SMTP', webhook: 'webhook', incident_management: 'PagerDuty routing key', phone: 'PagerDuty phone routing key' };
  return (Object.keys(flags) as (keyof typeof flags)[]).map((channel) => ({
    channel,
    isConfigured: flags[channel],
    text: `${channel}: ${flags[channel] ? `configured (${how[channel]})` : `not configured — no ${how[channel]}`}`,
  }));
}

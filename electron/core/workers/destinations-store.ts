import path from 'node:path';
import type { NotificationDestinationsInput, NotificationDestinationsView } from '../../../shared/model/workers';
import { writeFileAtomic } from '../environments/atomic-file';
import { readJsonFile } from '../environments/json-file';
import type { SecretStore } from '../ports';
import type { Redactor } from '../redaction';

/** Where the notification senders deliver, secrets included: never leaves the core and the workers' thread. */
export interface ResolvedDestinations {
  slack: { webhookUrl: string } | null;
  email: { host: string; port: number; secure: boolean; requireStartTls: boolean; from: string; username: string | null; password: string | null; caFile: string | null; roleAddress: string | null } | null;
  webhook: { url: string; secret: string; allowList: string[] } | null;
  /** Absent in configs written before PagerDuty existed. */
  pagerDuty?: { eventsUrl: string; routingKey: string | null; phoneRoutingKey: string | null } | null;
}

interface StoredEnv {
  email: { host: string; port: number; secure: boolean; requireStartTls: boolean; from: string; username: string | null; caFile: string | null; roleAddress: string | null } | null;
  webhook: { url: string; allowList: string[] } | null;
  pagerDuty?: { eventsUrl: string } | null;
}

/** PagerDuty's Events API v2 endpoint, used when no URL is configured. */
const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

const SECRET = {
  slack: (envId: string) => `env:${envId}:workers:slack-webhook-url`,
  smtp: (envId: string) => `env:${envId}:workers:smtp-password`,
  webhook: (envId: string) => `env:${envId}:workers:webhook-secret`,
  pagerDuty: (envId: string) => `env:${envId}:workers:pagerduty-routing-key`,
  pagerDutyPhone: (envId: string) => `env:${envId}:workers:pagerduty-phone-routing-key`,
};

/**
 * Notification destinations per environment: the plain parts in `workers.json` (config folder,
 * 0600, written atomically), the secrets — Slack webhook URLs, the SMTP password, the webhook
 * signing secret — in the secret store. Views carry only "set" flags.
 */
export class DestinationsStore {
  private readonly file: string;

  constructor(
    home: string,
    private readonly secrets: SecretStore,
    private readonly redactor: Redactor,
  ) {
    this.file = path.join(home, 'workers.json');
  }

  private async readAll(): Promise<Record<string, StoredEnv>> {
    return readJsonFile<Record<string, StoredEnv>>(this.file, {});
  }

  async view(envId: string): Promise<NotificationDestinationsView> {
    const stored = (await this.readAll())[envId] ?? { email: null, webhook: null };
    return {
      slack: { hasWebhookUrl: (await this.secrets.get(SECRET.slack(envId))) !== undefined },
      email: stored.email ? { ...stored.email, roleAddress: stored.email.roleAddress ?? null, requireStartTls: stored.email.requireStartTls ?? true, hasPassword: (await this.secrets.get(SECRET.smtp(envId))) !== undefined } : null,
      webhook: stored.webhook ? { ...stored.webhook, hasSecret: (await this.secrets.get(SECRET.webhook(envId))) !== undefined } : null,
      pagerDuty: stored.pagerDuty ? { eventsUrl: stored.pagerDuty.eventsUrl, hasRoutingKey: (await this.secrets.get(SECRET.pagerDuty(envId))) !== undefined, hasPhoneRoutingKey: (await this.secrets.get(SECRET.pagerDutyPhone(envId))) !== undefined } : null,
    };
  }

  /** Applies a change: absent parts stay, null removes, secrets absent stay and '' clears. */
  async update(envId: string, input: NotificationDestinationsInput): Promise<NotificationDestinationsView> {
    const all = await this.readAll();
    const stored: StoredEnv = all[envId] ?? { email: null, webhook: null };
    const secret = async (key: string, value: string | undefined) => {
      if (value === undefined) return;
      if (value === '') await this.secrets.delete(key);
      else {
        await this.secrets.set(key, value);
        this.redactor.remember(value);
      }
    };
    if (input.slack) await secret(SECRET.slack(envId), input.slack.webhookUrl);
    if (input.email === null) {
      stored.email = null;
      await this.secrets.delete(SECRET.smtp(envId));
    } else if (input.email) {
      const { password, ...rest } = input.email;
      stored.email = { host: rest.host, port: rest.port, secure: rest.secure, requireStartTls: rest.requireStartTls, from: rest.from, username: rest.username || null, caFile: rest.caFile || null, roleAddress: rest.roleAddress || null };
      await secret(SECRET.smtp(envId), password);
    }
    if (input.webhook === null) {
      stored.webhook = null;
      await this.secrets.delete(SECRET.webhook(envId));
    } else if (input.webhook) {
      stored.webhook = { url: input.webhook.url, allowList: input.webhook.allowList };
      await secret(SECRET.webhook(envId), input.webhook.secret);
    }
    if (input.pagerDuty === null) {
      stored.pagerDuty = null;
      await this.secrets.delete(SECRET.pagerDuty(envId));
      await this.secrets.delete(SECRET.pagerDutyPhone(envId));
    } else if (input.pagerDuty) {
      stored.pagerDuty = { eventsUrl: input.pagerDuty.eventsUrl ?? PAGERDUTY_EVENTS_URL };
      await secret(SECRET.pagerDuty(envId), input.pagerDuty.routingKey);
      await secret(SECRET.pagerDutyPhone(envId), input.pagerDuty.phoneRoutingKey);
    }
    all[envId] = stored;
    await writeFileAtomic(this.file, `${JSON.stringify(all, null, 2)}\n`);
    return this.view(envId);
  }

  /** The destinations with their secrets, for the workers. */
  async resolve(envId: string): Promise<ResolvedDestinations> {
    const stored = (await this.readAll())[envId] ?? { email: null, webhook: null };
    const slackUrl = await this.secrets.get(SECRET.slack(envId));
    const webhookSecret = await this.secrets.get(SECRET.webhook(envId));
    const routingKey = stored.pagerDuty ? await this.secrets.get(SECRET.pagerDuty(envId)) : undefined;
    const phoneRoutingKey = stored.pagerDuty ? await this.secrets.get(SECRET.pagerDutyPhone(envId)) : undefined;
    for (const value of [slackUrl, webhookSecret, routingKey, phoneRoutingKey]) this.redactor.remember(value);
    return {
      slack: slackUrl ? { webhookUrl: slackUrl } : null,
      email: stored.email ? { ...stored.email, roleAddress: stored.email.roleAddress ?? null, requireStartTls: stored.email.requireStartTls ?? true, password: (await this.secrets.get(SECRET.smtp(envId))) ?? null } : null,
      webhook: stored.webhook ? { ...stored.webhook, secret: webhookSecret ?? '' } : null,
      pagerDuty: stored.pagerDuty ? { eventsUrl: stored.pagerDuty.eventsUrl, routingKey: routingKey ?? null, phoneRoutingKey: phoneRoutingKey ?? null } : null,
    };
  }

  /** Forgets an environment's destinations (it was removed). */
  async remove(envId: string): Promise<void> {
    const all = await this.readAll();
    if (!(envId in all)) return;
    delete all[envId];
    await writeFileAtomic(this.file, `${JSON.stringify(all, null, 2)}\n`);
    for (const key of Object.values(SECRET)) await this.secrets.delete(key(envId));
  }
}

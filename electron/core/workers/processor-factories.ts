import type { Redis } from 'ioredis';
import { DEFAULT_ESCALATION_POLICY } from '../../../shared/model/alerts';
import type { ProcessorName } from '../../../shared/model/workers';
import { AlertStore } from '../alerts/alert-store';
import { DlqAlertWatch } from '../alerts/dlq-alert-watch';
import { SilenceStore } from '../alerts/silence-store';
import { AlertHandler } from './processors/alert-handler';
import { EscalationProcessor } from './processors/escalation-processor';
import { EventHandler } from './processors/event-handler';
import { MetricsHandler } from './processors/metrics-handler';
import { ScanHandler } from './processors/scan-handler';
import { parseRoutingRules, SEED_ROUTING_RULES } from './routing-rules';
import type { FactoryContext, ProcessorFactory } from './processor-factory';
import { createNotificationHandler } from './notify/notification-handler';
import type { NotificationDestinations } from './notify/notification-destinations';
import type { ResolvedDestinations } from './destinations-store';
import { createRabbitProcessors, type RabbitProcessorName } from './rabbit/create-rabbit-processors';
import { EventStoreHandler } from '../database/event-store';
import { MetricsStoreHandler } from '../database/metrics-store';
import { ScanStoreHandler } from '../database/scan-store';
import type { PgSinkOptions } from '../database/pg-sink';
import { DATABASE_FACTORIES } from './database-factories';

/** How often the workers' alert stores re-read the environment's shared escalation policy, ms. */
const SHARED_POLICY_EVERY_MS = 5000;

/** A RabbitMQ consumer (seed 002); systems and alerts go to the environment's Redis when it has one. */
function rabbitFactory(name: RabbitProcessorName): ProcessorFactory {
  return (ctx: FactoryContext) => {
    const { env } = ctx.config;
    const redis = env.redis && !env.redis.cluster ? ctx.sharedRedis() : null;
    const [processor] = createRabbitProcessors({
      amqp: env.amqp!,
      management: env.management ?? null,
      namespace: env.namespace,
      settings: ctx.settings,
      consumer: `${ctx.consumerPrefix}-${name}`,
      clock: ctx.deps.clock,
      logger: ctx.deps.logger,
      redis,
      alertStore: redis ? workerAlertStore(ctx, redis) : null,
      only: [name],
    });
    return processor!;
  };
}

/** The stored destinations in the senders' terms. */
function sendersConfig(d: ResolvedDestinations | undefined): NotificationDestinations {
  return {
    slack: d?.slack ? { defaultUrl: d.slack.webhookUrl } : undefined,
    email: d?.email ? { host: d.email.host, port: d.email.port, secure: d.email.secure, requireStartTls: d.email.requireStartTls, from: d.email.from, username: d.email.username ?? undefined, password: d.email.password ?? undefined, caFile: d.email.caFile ?? undefined, roleAddress: d.email.roleAddress ?? undefined } : undefined,
    webhook: d?.webhook ? { url: d.webhook.url, secret: d.webhook.secret, allowList: d.webhook.allowList } : undefined,
    incidentManagement: d?.pagerDuty?.routingKey ? { eventsUrl: d.pagerDuty.eventsUrl, routingKey: d.pagerDuty.routingKey } : undefined,
    phone: d?.pagerDuty?.phoneRoutingKey ? { eventsUrl: d.pagerDuty.eventsUrl, routingKey: d.pagerDuty.phoneRoutingKey } : undefined,
  };
}

/** The channels these destinations can deliver: what the alert stores record the others as not configured against. */
export function deliverableChannels(d: ResolvedDestinations | undefined): ReadonlySet<string> {
  const config = sendersConfig(d);
  const out = new Set<string>();
  if (config.slack) out.add('slack');
  if (config.email) out.add('email');
  if (config.webhook) out.add('webhook');
  if (config.incidentManagement) out.add('incident_management');
  if (config.phone) out.add('phone');
  return out;
}

/** An alert store of the workers: follows the shared policy, knows this process's destinations. */
function workerAlertStore(ctx: FactoryContext, redis: Redis): AlertStore {
  const store = new AlertStore(redis, ctx.config.env.namespace, DEFAULT_ESCALATION_POLICY, SHARED_POLICY_EVERY_MS);
  store.configuredChannels = async () => deliverableChannels(ctx.config.destinations);
  return store;
}

/** Which processor sends a channel, and what it lacks when it cannot. */
export const SENDER_CHANNELS = {
  slack: { channel: 'slack', missing: 'Slack webhook URL' },
  email: { channel: 'email', missing: 'SMTP server' },
  webhook: { channel: 'webhook', missing: 'webhook URL' },
  incident: { channel: 'incident_management', missing: 'PagerDuty routing key' },
  phone: { channel: 'phone', missing: 'PagerDuty phone routing key' },
} as const;

/** A sender of one channel; a channel with no destination configured does not consume at all (its messages wait). */
function notificationFactory(name: keyof typeof SENDER_CHANNELS): ProcessorFactory {
  return (ctx: FactoryContext) => {
    const handler = createNotificationHandler(SENDER_CHANNELS[name].channel, sendersConfig(ctx.config.destinations), { namespace: ctx.config.env.namespace, ...ctx.config.notifyOptions });
    return handler ? ctx.streamConsumer(handler) : `no ${SENDER_CHANNELS[name].missing} configured (Workers → Notification destinations)`;
  };
}

/** A database sink's options: the environment's PostgreSQL (the runtime checked there is one), a connection per batch in flight. */
function sinkOptions(ctx: FactoryContext): PgSinkOptions {
  return { namespace: ctx.config.env.namespace, settings: ctx.config.env.postgres!, logger: ctx.deps.logger, maxConnections: ctx.settings.concurrency + 1 };
}

/** How each processor is built from the runtime's context. A processor without a factory is listed as not available. */
export const PROCESSOR_FACTORIES: Partial<Record<ProcessorName, ProcessorFactory>> = {
  event: (ctx) => {
    // Only list() is used here: one HGETALL, which a cluster serves as well as one server.
    const silences = new SilenceStore(ctx.sharedClient() as Redis, ctx.config.env.namespace);
    return ctx.streamConsumer(new EventHandler({ namespace: ctx.config.env.namespace, rules: ctx.config.rulesYaml ? parseRoutingRules(ctx.config.rulesYaml) : SEED_ROUTING_RULES, silences: () => silences.list() }));
  },
  slack: notificationFactory('slack'),
  email: notificationFactory('email'),
  webhook: notificationFactory('webhook'),
  incident: notificationFactory('incident'),
  phone: notificationFactory('phone'),
  'rabbit-discovery': rabbitFactory('rabbit-discovery'),
  'rabbit-metrics': rabbitFactory('rabbit-metrics'),
  'rabbit-alerts': rabbitFactory('rabbit-alerts'),
  scan: (ctx) => ctx.streamConsumer(new ScanHandler(ctx.config.env.namespace)),
  'event-store': (ctx) => ctx.streamConsumer(new EventStoreHandler(sinkOptions(ctx))),
  'scan-store': (ctx) => ctx.streamConsumer(new ScanStoreHandler(sinkOptions(ctx))),
  'metrics-store': (ctx) => ctx.streamConsumer(new MetricsStoreHandler(sinkOptions(ctx))),
  ...DATABASE_FACTORIES,
  metrics: (ctx) => ctx.streamConsumer(new MetricsHandler(ctx.sharedRedis(), ctx.config.env.namespace)),
  alert: (ctx) => ctx.streamConsumer(new AlertHandler(workerAlertStore(ctx, ctx.sharedRedis()), ctx.config.env.namespace)),
  escalation: (ctx) =>
    new EscalationProcessor({
      redis: ctx.sharedRedis(),
      namespace: ctx.config.env.namespace,
      title: ctx.entry.title,
      source: `${ctx.config.env.namespace}${ctx.entry.source}`,
      consumer: `${ctx.consumerPrefix}-escalation`,
      settings: ctx.settings,
      clock: ctx.deps.clock,
      logger: ctx.deps.logger,
      tickMs: ctx.config.timings?.escalationTickMs,
      configuredChannels: async () => deliverableChannels(ctx.config.destinations),
      dlqWatch: new DlqAlertWatch(ctx.sharedRedis(), { namespace: ctx.config.env.namespace, organizationId: ctx.config.env.id, retention: { who: `system: DLQ retention (escalation processor ${ctx.consumerPrefix})` } }),
    }),
};

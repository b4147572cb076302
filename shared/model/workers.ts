import { z } from 'zod';

/**
 * The pipeline's consumer workers (seed 000 processors, seed 002 RabbitMQ consumers), as the
 * Workers view and `watchfloor work` show them.
 */

/** Every processor a console or `watchfloor work` can run, by name. */
export const PROCESSOR_NAMES = [
  'event',
  'alert',
  'escalation',
  'scan',
  'metrics',
  'slack',
  'email',
  'webhook',
  'incident',
  'phone',
  'rabbit-discovery',
  'rabbit-metrics',
  'rabbit-alerts',
  'event-store',
  'scan-store',
  'metrics-store',
  'rabbit-systems',
  'rabbit-metrics-store',
  'pg-alert-notifier',
] as const;
export const ProcessorName = z.enum(PROCESSOR_NAMES);
export type ProcessorName = z.infer<typeof ProcessorName>;

/** `--only` families: one word for several processors. */
export const PROCESSOR_FAMILIES: Readonly<Record<string, readonly ProcessorName[]>> = {
  notification: ['slack', 'email', 'webhook', 'incident', 'phone'],
  rabbitmq: ['rabbit-discovery', 'rabbit-metrics', 'rabbit-alerts'],
  database: ['event-store', 'scan-store', 'metrics-store', 'rabbit-systems', 'rabbit-metrics-store', 'pg-alert-notifier'],
};

/** Expands `--only` words (processor names or families) into processor names; throws on an unknown word. */
export function expandProcessorNames(words: readonly string[]): ProcessorName[] {
  const out = new Set<ProcessorName>();
  for (const word of words) {
    const family = PROCESSOR_FAMILIES[word];
    if (family) family.forEach((n) => out.add(n));
    else if ((PROCESSOR_NAMES as readonly string[]).includes(word)) out.add(word as ProcessorName);
    else throw new Error(`unknown processor "${word}" (one of ${[...PROCESSOR_NAMES, ...Object.keys(PROCESSOR_FAMILIES)].join(', ')})`);
  }
  return [...out];
}

/**
 * running: consuming. paused: connected, takes nothing new (in-flight work finishes).
 * stopped: not running. failing: running but its broker is down or its last batches failed.
 * starting: connecting / declaring its group.
 */
export const ProcessorState = z.enum(['starting', 'running', 'paused', 'stopped', 'failing']);
export type ProcessorState = z.infer<typeof ProcessorState>;

/** Cumulative counters since the processor started in this process. */
export const ProcessorCounters = z.object({
  /** Messages handled successfully and acknowledged. */
  processed: z.number(),
  /** Handler attempts that failed (each retry that fails counts once). */
  failures: z.number(),
  /** Retries scheduled after a failure. */
  retries: z.number(),
  /** Messages sent to a DLQ (invalid, or failed past max retries). */
  deadLettered: z.number(),
  /** Deliveries skipped because their id was already processed within the dedup window. */
  duplicates: z.number(),
  /** Entries taken over from a consumer that went away (XAUTOCLAIM), or redelivered by RabbitMQ. */
  reclaimed: z.number(),
});
export type ProcessorCounters = z.infer<typeof ProcessorCounters>;

export const ProcessorSettings = z.object({
  /** Parallel consumer loops (each its own connection and consumer name). */
  concurrency: z.number().int().min(1).max(32),
  /** Entries per read (`XREADGROUP COUNT`) or RabbitMQ prefetch. */
  batch: z.number().int().min(1).max(5000),
});
export type ProcessorSettings = z.infer<typeof ProcessorSettings>;

export const ProcessorStatus = z.object({
  name: ProcessorName,
  /** What an analyst reads: "Event processor". */
  title: z.string(),
  /** Where it reads from: a stream or a queue name (namespaced). */
  source: z.string(),
  /** Consumer group (Redis) or '' (RabbitMQ competing consumers). */
  group: z.string(),
  /** Consumer name prefix of this process, e.g. `host-1234-event`. */
  consumer: z.string(),
  state: ProcessorState,
  settings: ProcessorSettings,
  counters: ProcessorCounters,
  /** Messages per second handled over the last few seconds. */
  ratePerSec: z.number(),
  /** Messages being handled or waiting for a retry right now. */
  inFlight: z.number(),
  lastError: z.object({ message: z.string(), at: z.number() }).nullable(),
  /** Open circuit breakers (notification senders): destination → until when (epoch ms). */
  openCircuits: z.record(z.string(), z.number()).optional(),
  /** What it works around where it runs, e.g. "existing queue, no dead-letter exchange: dead letters published to alert_queue.dlq". */
  notes: z.array(z.string()).optional(),
  /** Why it cannot run here (no RabbitMQ, no destination configured), or null. */
  unavailable: z.string().nullable().optional(),
});
export type ProcessorStatus = z.infer<typeof ProcessorStatus>;

/** The workers of one environment in this console (or `watchfloor work` process). */
export const WorkersView = z.object({
  envId: z.string(),
  at: z.number(),
  /** Whether this process runs workers for the environment at all. */
  isRunning: z.boolean(),
  /** Runs off the host's event loop (worker_threads), or in-process (tests). */
  isolation: z.enum(['thread', 'in-process']),
  processors: z.array(ProcessorStatus),
});
export type WorkersView = z.infer<typeof WorkersView>;

/** Where the notification senders deliver. Secrets (Slack URLs, SMTP password, webhook secret) are write-only. */
export const NotificationDestinationsInput = z.object({
  slack: z
    .object({
      /** Incoming-webhook URL (a secret): write-only, '' clears it, absent keeps it. */
      webhookUrl: z.union([z.literal(''), z.string().url().max(2048)]).optional(),
    })
    .strict()
    .optional(),
  email: z
    .object({
      host: z.string().min(1).max(255),
      port: z.number().int().min(1).max(65535),
      /** Implicit TLS (465); otherwise STARTTLS. */
      secure: z.boolean().default(false),
      /** Without implicit TLS, refuse a server that does not offer STARTTLS (default). Off only for a local relay. */
      requireStartTls: z.boolean().default(true),
      from: z.string().min(3).max(320),
      username: z.string().max(320).optional(),
      /** Write-only; '' clears it, absent keeps it. */
      password: z.string().max(1024).optional(),
      caFile: z.string().max(4096).optional(),
      /** Where escalations addressed to roles (security_team, devops_lead, cto) are mailed. */
      roleAddress: z.string().max(320).optional(),
    })
    .strict()
    .nullable()
    .optional(),
  webhook: z
    .object({
      url: z.string().url().max(2048),
      /** HMAC-SHA256 key of the signature header; write-only, absent keeps it. */
      secret: z.string().max(1024).optional(),
      /** Recipient URLs a message may name; any other is sent to `url`. */
      allowList: z.array(z.string().url().max(2048)).max(50).default([]),
    })
    .strict()
    .nullable()
    .optional(),
  /**
   * PagerDuty Events API v2: `incident_management` with `routingKey`, `phone` with `phoneRoutingKey`
   * (a service whose escalation policy phones the on-call). Keys are write-only: absent keeps, '' clears.
   */
  pagerDuty: z
    .object({
      /** The Events API v2 URL; PagerDuty's own (https://events.pagerduty.com/v2/enqueue) when absent. */
      eventsUrl: z.string().url().max(2048).optional(),
      routingKey: z.string().max(256).optional(),
      phoneRoutingKey: z.string().max(256).optional(),
    })
    .strict()
    .nullable()
    .optional(),
});
export type NotificationDestinationsInput = z.infer<typeof NotificationDestinationsInput>;

/** The destinations as shown: secrets only as "set" flags. */
export const NotificationDestinationsView = z.object({
  slack: z.object({ hasWebhookUrl: z.boolean() }),
  email: z.object({ host: z.string(), port: z.number(), secure: z.boolean(), requireStartTls: z.boolean().default(true), from: z.string(), username: z.string().nullable(), hasPassword: z.boolean(), caFile: z.string().nullable(), roleAddress: z.string().nullable().default(null) }).nullable(),
  webhook: z.object({ url: z.string(), hasSecret: z.boolean(), allowList: z.array(z.string()) }).nullable(),
  pagerDuty: z.object({ eventsUrl: z.string(), hasRoutingKey: z.boolean(), hasPhoneRoutingKey: z.boolean() }).nullable().default(null),
});
export type NotificationDestinationsView = z.infer<typeof NotificationDestinationsView>;

/**
 * Each delivery channel (seed 000's and the escalation levels') and whether this console has a
 * destination for it; the `not configured` ones are skipped and recorded on the alert's timeline.
 */
export function configuredChannels(view: NotificationDestinationsView): Record<'slack' | 'email' | 'webhook' | 'incident_management' | 'phone', boolean> {
  return {
    slack: view.slack.hasWebhookUrl,
    email: view.email !== null,
    webhook: view.webhook !== null,
    incident_management: view.pagerDuty?.hasRoutingKey ?? false,
    phone: view.pagerDuty?.hasPhoneRoutingKey ?? false,
  };
}

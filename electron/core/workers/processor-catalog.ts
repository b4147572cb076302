import type { ProcessorName, ProcessorSettings, ProcessorStatus } from '../../../shared/model/workers';

/** What every processor is, before anything runs: the Workers view lists them all. */
export interface CatalogEntry {
  title: string;
  broker: 'redis' | 'amqp';
  /** Seed name of the stream or queue (the environment's namespace is prefixed). */
  source: string;
  /** Seed 000 consumer group; '' for RabbitMQ competing consumers. */
  group: string;
  /** Seed defaults: batch sizes and concurrent batches of seed 000 "Batch Processing Configuration" and the consumer prefetch counts. */
  settings: ProcessorSettings;
  /** Seed `max_processing_time`: entries idle longer are taken over. */
  maxProcessingMs: number;
  /** A sink writing to the environment's PostgreSQL database (issue 17): it cannot run without one. */
  sink?: 'postgres';
}

/** What the sinks say when the environment has no database, and how to give it one. */
export const NO_DATABASE_REASON =
  'no database configured: add a PostgreSQL URL to the environment (Environments → edit → Database, or watchfloor env add --name NAME --postgres postgres://user@host:5432/db)';

export const PROCESSOR_CATALOG: Readonly<Record<ProcessorName, CatalogEntry>> = {
  event: { title: 'Event processor', broker: 'redis', source: 'security.events', group: 'event-processors', settings: { concurrency: 5, batch: 50 }, maxProcessingMs: 30_000 },
  alert: { title: 'Alert processor', broker: 'redis', source: 'security.alerts', group: 'alert-manager', settings: { concurrency: 1, batch: 10 }, maxProcessingMs: 10_000 },
  // Not a stream consumer: the shared escalation engine over the due-time set (lease + fencing token).
  escalation: { title: 'Escalation engine', broker: 'redis', source: 'watchfloor:alerts:due', group: '', settings: { concurrency: 1, batch: 100 }, maxProcessingMs: 10_000 },
  scan: { title: 'Scan processor', broker: 'redis', source: 'security.scans', group: 'results-processor', settings: { concurrency: 1, batch: 10 }, maxProcessingMs: 30_000 },
  metrics: { title: 'Metrics processor', broker: 'redis', source: 'security.metrics', group: 'metrics-aggregator', settings: { concurrency: 1, batch: 100 }, maxProcessingMs: 30_000 },
  slack: { title: 'Slack sender', broker: 'redis', source: 'security.notifications', group: 'slack-sender', settings: { concurrency: 1, batch: 5 }, maxProcessingMs: 10_000 },
  email: { title: 'Email sender', broker: 'redis', source: 'security.notifications', group: 'email-sender', settings: { concurrency: 1, batch: 5 }, maxProcessingMs: 10_000 },
  webhook: { title: 'Webhook sender', broker: 'redis', source: 'security.notifications', group: 'webhook-sender', settings: { concurrency: 1, batch: 5 }, maxProcessingMs: 10_000 },
  incident: { title: 'Incident sender (PagerDuty)', broker: 'redis', source: 'security.notifications', group: 'incident-sender', settings: { concurrency: 1, batch: 5 }, maxProcessingMs: 10_000 },
  phone: { title: 'Phone sender (PagerDuty)', broker: 'redis', source: 'security.notifications', group: 'phone-sender', settings: { concurrency: 1, batch: 5 }, maxProcessingMs: 10_000 },
  'rabbit-discovery': { title: 'Discovery consumer', broker: 'amqp', source: 'discovery_queue', group: '', settings: { concurrency: 1, batch: 50 }, maxProcessingMs: 30_000 },
  'rabbit-metrics': { title: 'Metrics consumer', broker: 'amqp', source: 'metrics_queue', group: '', settings: { concurrency: 1, batch: 100 }, maxProcessingMs: 30_000 },
  'rabbit-alerts': { title: 'Alert consumer', broker: 'amqp', source: 'alert_queue', group: '', settings: { concurrency: 1, batch: 10 }, maxProcessingMs: 10_000 },
  // Its own group: every event is stored whatever the event processor does with it. Bigger reads than the seed's 50: one INSERT per batch.
  'event-store': { title: 'Event store (PostgreSQL)', broker: 'redis', source: 'security.events', group: 'event-store', settings: { concurrency: 2, batch: 500 }, maxProcessingMs: 30_000, sink: 'postgres' },
  // Their own groups too: the scan and metrics processors' work on an entry does not decide whether it is stored.
  'scan-store': { title: 'Scan store (PostgreSQL)', broker: 'redis', source: 'security.scans', group: 'scan-store', settings: { concurrency: 1, batch: 500 }, maxProcessingMs: 30_000, sink: 'postgres' },
  'metrics-store': { title: 'Metrics store (PostgreSQL)', broker: 'redis', source: 'security.metrics', group: 'metrics-store', settings: { concurrency: 1, batch: 500 }, maxProcessingMs: 30_000, sink: 'postgres' },
  // Seed 002's queues into their tables, each through a queue of its own bound like the seed queue (`<queue>.store`): rabbit-discovery and rabbit-metrics keep every message.
  'rabbit-systems': { title: 'Systems store (PostgreSQL)', broker: 'amqp', source: 'discovery_queue.store', group: '', settings: { concurrency: 1, batch: 500 }, maxProcessingMs: 30_000, sink: 'postgres' },
  'rabbit-metrics-store': { title: 'System metrics store (PostgreSQL)', broker: 'amqp', source: 'metrics_queue.store', group: '', settings: { concurrency: 1, batch: 500 }, maxProcessingMs: 30_000, sink: 'postgres' },
  // Not a consumer: LISTENs for the system_metrics trigger and publishes the metric_alerts rows to alert_queue (batch = rows per transaction).
  'pg-alert-notifier': { title: 'Alert notifier (PostgreSQL → alert_queue)', broker: 'amqp', source: 'metric_alerts', group: '', settings: { concurrency: 1, batch: 100 }, maxProcessingMs: 30_000, sink: 'postgres' },
};

/**
 * Processors that cannot run on a Redis Cluster yet, with why. The stream consumers commit per slot
 * (cluster-commit.ts); these write Watchfloor keys of several slots in one script or MULTI.
 */
export const CLUSTER_UNSUPPORTED: Partial<Record<ProcessorName, string>> = {
  alert: 'not on a Redis Cluster yet: the alert store writes each alert, its index and due-time set in one script (several slots)',
  escalation: 'not on a Redis Cluster yet: the escalation engine takes its lease and fencing token and updates alerts in one script (several slots)',
  metrics: 'not on a Redis Cluster yet: the minute aggregates and their index are written in one MULTI (several slots)',
};

/** The status of a processor that is not running here, with why it cannot run when it cannot. */
export function idleStatus(name: ProcessorName, namespace: string, consumer: string, settings: ProcessorSettings, unavailable: string | null): ProcessorStatus {
  const entry = PROCESSOR_CATALOG[name];
  return {
    name,
    title: entry.title,
    source: `${namespace}${entry.source}`,
    group: entry.group,
    consumer,
    state: 'stopped',
    settings,
    counters: { processed: 0, failures: 0, retries: 0, deadLettered: 0, duplicates: 0, reclaimed: 0 },
    ratePerSec: 0,
    inFlight: 0,
    lastError: null,
    unavailable,
  };
}

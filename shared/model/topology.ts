/**
 * The pipeline's topology: names from the seeds, all prefixed by the environment's namespace so a
 * test (or a shared broker) runs a whole pipeline under names of its own.
 */

/** Seed 000: streams and their consumer groups (the `XGROUP CREATE` list). */
export const SEED_STREAM_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'security.events': ['event-processors', 'websocket-broadcast', 'alert-engine'],
  'security.alerts': ['notification-service', 'alert-manager', 'escalation-engine'],
  'security.scans': ['scan-orchestrator', 'results-processor'],
  'security.metrics': ['metrics-aggregator', 'dashboard-service'],
  'security.notifications': ['slack-sender', 'email-sender', 'webhook-sender'],
};

/** Seed 000 names `security.events.dlq` and `security.notifications.priority.dlq`; the other streams follow the same `{stream}.dlq` rule. */
export const SEED_DLQ_STREAMS = [
  'security.events.dlq',
  'security.alerts.dlq',
  'security.scans.dlq',
  'security.metrics.dlq',
  'security.notifications.dlq',
  'security.notifications.priority.dlq',
] as const;

/** Seed 002: queues, their routing keys on the topic exchange, and the DLQ each dead-letters to. */
export const SEED_QUEUES = [
  { queue: 'discovery_queue', bindingKey: 'discovery.new' },
  { queue: 'metrics_queue', bindingKey: 'metrics.collected' },
  { queue: 'alert_queue', bindingKey: 'alerts.*' },
] as const;

/** Seed 002 does not name its exchange; this is the default. */
export const SEED_EXCHANGE = 'monitoring.topic';

/** Concrete names for one environment. */
export interface Topology {
  streams: Record<string, { name: string; groups: string[] }>;
  deadLetterStreams: string[];
  exchange: string;
  deadLetterExchange: string;
  queues: { name: string; bindingKey: string; deadLetterQueue: string }[];
}

/** The seed topology under `namespace` ('' for the seed names themselves). */
export function topologyFor(namespace: string): Topology {
  const n = (name: string) => `${namespace}${name}`;
  const streams: Topology['streams'] = {};
  for (const [stream, groups] of Object.entries(SEED_STREAM_GROUPS)) {
    streams[stream] = { name: n(stream), groups: [...groups] };
  }
  return {
    streams,
    deadLetterStreams: SEED_DLQ_STREAMS.map(n),
    exchange: n(SEED_EXCHANGE),
    deadLetterExchange: n(`${SEED_EXCHANGE}.dlx`),
    queues: SEED_QUEUES.map((q) => ({ name: n(q.queue), bindingKey: q.bindingKey, deadLetterQueue: n(`${q.queue}.dlq`) })),
  };
}

/** True for a stream or queue name that holds dead letters by the seeds' naming rules. */
export function isDeadLetterName(name: string): boolean {
  return /(\.dlq|-dlq|_dlq)$/.test(name);
}

/** The stream-entry field that carries a message's JSON bytes. */
export const STREAM_PAYLOAD_FIELD = 'data';

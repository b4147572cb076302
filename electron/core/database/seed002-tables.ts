import { CollectedMetrics, DiscoveryMessage } from '../../../shared/schemas/rabbitmq-messages';
import { SEED_QUEUES } from '../../../shared/model/topology';
import { RABBIT_RETRY_POLICY } from '../workers/rabbit/rabbit-consumer';
import { parseSeedMessage } from '../workers/rabbit/parse-json';
import { storeQueueName, type RabbitSinkTable } from './rabbit-sink';

const bindingOf = (queue: (typeof SEED_QUEUES)[number]['queue']) => SEED_QUEUES.find((q) => q.queue === queue)!.bindingKey;

/** Columns as one array each (the insert's parameters), in the given order. */
function columnsOf<Row>(rows: readonly { value: Row; entryId: string | null }[], width: number, values: (row: Row) => unknown[]): unknown[][] {
  const columns: unknown[][] = Array.from({ length: width }, () => []);
  for (const { value, entryId } of rows) [...values(value), entryId].forEach((v, i) => columns[i]!.push(v));
  return columns;
}

const SYSTEM_COLUMNS = ['scan_id', 'dept_id', 'ip_address', 'hostname', 'mac_address', 'discovered_at', 'scan_type', 'message_id'] as const;

/** Seed 002 discoveries into `systems`, one row per scan and IP address (a redelivery is skipped). */
export const INSERT_SYSTEMS_SQL = `INSERT INTO systems (${SYSTEM_COLUMNS.join(', ')})
SELECT * FROM unnest($1::bigint[], $2::integer[], $3::inet[], $4::text[], $5::macaddr[], $6::timestamptz[], $7::text[], $8::text[])
ON CONFLICT (scan_id, ip_address) DO NOTHING`;

/** `rabbit-systems`: the Scanner's `discovery_queue` messages (through `discovery_queue.store`) into `systems`. */
export const SYSTEMS_TABLE: RabbitSinkTable<DiscoveryMessage> = {
  name: 'rabbit-systems',
  title: 'Systems store (PostgreSQL)',
  queue: { queue: storeQueueName('discovery_queue'), bindingKey: bindingOf('discovery_queue') },
  stream: storeQueueName('discovery_queue'),
  insertSql: INSERT_SYSTEMS_SQL,
  columns: (rows) => columnsOf(rows, SYSTEM_COLUMNS.length, (m) => [m.scan_id, m.dept_id, m.ip_address, m.hostname, m.mac_address, m.discovered_at, m.scan_type]),
  parse: (message) => (message.payload ? parseSeedMessage(message.payload, DiscoveryMessage) : { ok: false, reason: 'no payload' }),
  retryPolicy: RABBIT_RETRY_POLICY,
};

const METRIC_COLUMNS = ['system_id', 'collected_at', 'cpu_percent', 'ram_percent', 'disk_percent', 'network_sent_mbps', 'network_recv_mbps', 'gpu_percent', 'uptime_seconds', 'logged_in_users', 'message_id'] as const;

/** Seed 002 metrics into `system_metrics`, one row per system and collection time (a redelivery is skipped). */
export const INSERT_SYSTEM_METRICS_SQL = `INSERT INTO system_metrics (${METRIC_COLUMNS.join(', ')})
SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::bigint[], $10::integer[], $11::text[])
ON CONFLICT (system_id, collected_at) DO NOTHING`;

/** `rabbit-metrics-store`: the Collector's `metrics_queue` messages (through `metrics_queue.store`) into `system_metrics`; its trigger detects the alerts (migration 5). */
export const SYSTEM_METRICS_TABLE: RabbitSinkTable<CollectedMetrics> = {
  name: 'rabbit-metrics-store',
  title: 'System metrics store (PostgreSQL)',
  queue: { queue: storeQueueName('metrics_queue'), bindingKey: bindingOf('metrics_queue') },
  stream: storeQueueName('metrics_queue'),
  insertSql: INSERT_SYSTEM_METRICS_SQL,
  columns: (rows) =>
    columnsOf(rows, METRIC_COLUMNS.length, ({ system_id, collected_at, metrics: m }) => [system_id, collected_at, m.cpu_percent, m.ram_percent, m.disk_percent, m.network_sent_mbps, m.network_recv_mbps, m.gpu_percent ?? null, m.uptime_seconds, m.logged_in_users]),
  parse: (message) => (message.payload ? parseSeedMessage(message.payload, CollectedMetrics) : { ok: false, reason: 'no payload' }),
  retryPolicy: RABBIT_RETRY_POLICY,
};

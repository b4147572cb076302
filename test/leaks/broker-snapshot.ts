import { Redis } from 'ioredis';
import { setting } from '../prereqs/requirements';
import { pgSimpleQuery } from './pg-simple-query';

/** Keys the check reads at most; past this the Redis part is skipped (a partial list cannot be compared). */
export const MAX_KEYS = 100_000;
/** Names of the check's own bookkeeping, never counted as a leak. */
export const OWN_PREFIX = 'watchfloor-test:';

/**
 * What the shared brokers and database hold, as names like `redis key x`, `redis group s → g`,
 * `rabbitmq queue / q`, `postgres database d`; `skipped` says what could not be read (and is
 * therefore not compared).
 */
export interface BrokerSnapshot {
  names: Set<string>;
  skipped: string[];
}

const POSTGRES_SQL = [
  "SELECT 'database ' || datname FROM pg_database WHERE NOT datistemplate",
  "SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'",
  "SELECT 'table ' || schemaname || '.' || tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
].join(' UNION ALL ');

/** Reads everything a test could leave behind, from every broker the suite uses. */
export async function takeSnapshot(env: Record<string, string | undefined>): Promise<BrokerSnapshot> {
  const snapshot: BrokerSnapshot = { names: new Set(), skipped: [] };
  const parts: [string, Promise<string[]>][] = [
    ['Redis', redisNames(setting(env, 'REDIS_URL'))],
    ['RabbitMQ', rabbitNames(setting(env, 'MANAGEMENT_URL'), setting(env, 'AMQP_URL'))],
    ['PostgreSQL', pgSimpleQuery(setting(env, 'POSTGRES_URL'), POSTGRES_SQL).then((rows) => rows.map((row) => `postgres ${row}`))],
  ];
  for (const [what, names] of parts) {
    try {
      for (const name of await names) snapshot.names.add(name);
    } catch (error) {
      snapshot.skipped.push(`${what}: ${(error as Error).message}`);
    }
  }
  return snapshot;
}

/** Every key (bounded SCAN, never KEYS) and every consumer group of every stream. */
async function redisNames(url: string): Promise<string[]> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3000, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
      keys.push(...batch.filter((key) => !key.startsWith(OWN_PREFIX)));
      if (keys.length > MAX_KEYS) throw new Error(`more than ${MAX_KEYS} keys, not compared`);
      cursor = next;
    } while (cursor !== '0');
    const names = keys.map((key) => `redis key ${key}`);
    for (let i = 0; i < keys.length; i += 1000) {
      const slice = keys.slice(i, i + 1000);
      const types = (await redis.pipeline(slice.map((key) => ['type', key])).exec()) ?? [];
      const streams = slice.filter((_, j) => types[j]?.[1] === 'stream');
      if (streams.length === 0) continue;
      const groups = (await redis.pipeline(streams.map((key) => ['xinfo', 'groups', key])).exec()) ?? [];
      streams.forEach((stream, j) => {
        const list = (groups[j]?.[1] ?? []) as unknown[][];
        for (const group of list) names.push(`redis group ${stream} → ${String(group[1])}`);
      });
    }
    return names;
  } finally {
    redis.disconnect();
  }
}

/** Queues, exchanges and vhosts, from the management API (the only way to list them). */
async function rabbitNames(managementUrl: string, amqpUrl: string): Promise<string[]> {
  const base = new URL(managementUrl);
  const amqp = new URL(amqpUrl);
  const user = decodeURIComponent(base.username || amqp.username || 'guest');
  const password = decodeURIComponent(base.username ? base.password : amqp.password || 'guest');
  base.username = '';
  base.password = '';
  const get = async (path: string) => {
    const response = await fetch(new URL(path, base), { headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }, signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`management API ${path}: HTTP ${response.status}`);
    return (await response.json()) as { name: string; vhost?: string }[];
  };
  const [queues, exchanges, vhosts] = await Promise.all([get('/api/queues?columns=name,vhost'), get('/api/exchanges?columns=name,vhost'), get('/api/vhosts?columns=name')]);
  return [
    ...queues.map((q) => `rabbitmq queue ${q.vhost} ${q.name}`),
    // The default exchange has the empty name.
    ...exchanges.filter((e) => e.name !== '').map((e) => `rabbitmq exchange ${e.vhost} ${e.name}`),
    ...vhosts.map((v) => `rabbitmq vhost ${v.name}`),
  ];
}

import { Redis } from 'ioredis';
import type { SshTunnel } from './ssh-tunnel';

/** How long routing waits for a sentinel's answer: best effort, the clients of this thread find the nodes themselves. */
const DISCOVERY_MS = 1500;

/** The addresses of a `SENTINEL slaves|sentinels` reply (one flat field/value list per instance). */
function addresses(reply: unknown): { host: string; port: number }[] {
  if (!Array.isArray(reply)) return [];
  return reply.flatMap((fields: unknown) => {
    if (!Array.isArray(fields)) return [];
    const value = (name: string) => fields[fields.indexOf(name) + 1] as unknown;
    const host = fields.includes('ip') ? String(value('ip')) : '';
    const port = Number(value('port'));
    return host && Number.isInteger(port) && port > 0 ? [{ host, port }] : [];
  });
}

/** What one sentinel (through its forwarder) names for `masterName`: the primary, its replicas, the other sentinels. */
async function askSentinel(sentinel: { host: string; port: number }, masterName: string): Promise<{ host: string; port: number }[]> {
  const client = new Redis({ host: sentinel.host, port: sentinel.port, connectionName: 'watchfloor-discovery', lazyConnect: true, connectTimeout: DISCOVERY_MS, commandTimeout: DISCOVERY_MS, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const [primary, replicas, sentinels] = await Promise.all([
      client.call('SENTINEL', 'get-master-addr-by-name', masterName),
      client.call('SENTINEL', 'slaves', masterName),
      client.call('SENTINEL', 'sentinels', masterName),
    ]);
    if (!Array.isArray(primary)) throw new Error(`the sentinel knows no primary named ${masterName}`);
    return [{ host: String(primary[0]), port: Number(primary[1]) }, ...addresses(replicas), ...addresses(sentinels)];
  } finally {
    client.disconnect();
  }
}

/**
 * Forwarders now for every node the sentinels name — the primary, its replicas (a failover's
 * candidates) and the other sentinels — so the copy of the settings a worker thread gets, which
 * cannot open a forwarder later, maps them too. Best effort: the first sentinel to answer counts;
 * none answering (down, tunnel down) leaves it to the clients and their retries.
 */
export async function forwardSentinelNodes(tunnel: SshTunnel, masterName: string, sentinels: { host: string; port: number }[]): Promise<void> {
  let nodes: { host: string; port: number }[];
  try {
    nodes = await Promise.any(sentinels.map((sentinel) => askSentinel(sentinel, masterName)));
  } catch {
    return;
  }
  await Promise.all(nodes.map((node) => tunnel.forward(node.host, node.port)));
}

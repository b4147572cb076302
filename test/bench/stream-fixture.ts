import type { Cluster, Redis } from 'ioredis';
import { keySlot, nodeKey } from '../../electron/core/brokers/redis/redis-client';

/** `count` stream names under `ns`: `<ns>stream-000` … (wider numbers past 1,000 streams). */
export function monitorStreamNames(ns: string, count: number): string[] {
  const width = Math.max(3, String(count - 1).length);
  return Array.from({ length: count }, (_, i) => `${ns}stream-${String(i).padStart(width, '0')}`);
}

/** Streams per seeding pipeline: bounded, so thousands of streams never make one huge request. */
const SEED_CHUNK = 250;

/**
 * The monitor benches' keyspace: each stream with the given consumer groups, 20 entries of ~200
 * bytes and 5 of them pending per group, so lag, pending and consumers all have something to report.
 */
export async function seedMonitorStreams(client: Redis, names: readonly string[], groups: readonly string[]): Promise<void> {
  for (let start = 0; start < names.length; start += SEED_CHUNK) {
    const setup = client.pipeline();
    for (const name of names.slice(start, start + SEED_CHUNK)) {
      for (const group of groups) setup.xgroup('CREATE', name, group, '$', 'MKSTREAM');
      for (let i = 0; i < 20; i++) setup.xadd(name, '*', 'data', JSON.stringify({ i, payload: 'x'.repeat(200) }));
      for (const group of groups) setup.xreadgroup('GROUP', group, 'consumer-1', 'COUNT', 5, 'STREAMS', name, '>');
    }
    await setup.exec();
  }
}

/** The names grouped by the master serving their slot (the cluster's slot map must be loaded). */
export function namesByMaster(cluster: Cluster, names: readonly string[]): Map<Redis, string[]> {
  const masters = new Map(cluster.nodes('master').map((node) => [nodeKey(node), node]));
  const byMaster = new Map<Redis, string[]>();
  for (const name of names) {
    const owner = cluster.slots[keySlot(name)]?.[0];
    const node = owner === undefined ? undefined : masters.get(owner);
    if (!node) throw new Error(`no master known for ${name}`);
    const list = byMaster.get(node);
    if (list) list.push(name);
    else byMaster.set(node, [name]);
  }
  return byMaster;
}

/** {@link seedMonitorStreams} on a cluster: each master seeded with its own keys, in parallel. */
export async function seedMonitorStreamsOnCluster(cluster: Cluster, names: readonly string[], groups: readonly string[]): Promise<void> {
  await Promise.all([...namesByMaster(cluster, names)].map(([node, own]) => seedMonitorStreams(node, own, groups)));
}

/** Deletes the streams in bounded pipelines (a missing one is no error). */
export async function deleteStreams(client: Redis, names: readonly string[]): Promise<void> {
  for (let start = 0; start < names.length; start += 1000) await client.del(...names.slice(start, start + 1000));
}

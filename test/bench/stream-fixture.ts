import type { Redis } from 'ioredis';

/** `count` stream names under `ns`: `<ns>stream-000` … */
export function monitorStreamNames(ns: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${ns}stream-${String(i).padStart(3, '0')}`);
}

/**
 * The monitor benches' keyspace: each stream with the given consumer groups, 20 entries of ~200
 * bytes and 5 of them pending per group, so lag, pending and consumers all have something to report.
 */
export async function seedMonitorStreams(client: Redis, names: readonly string[], groups: readonly string[]): Promise<void> {
  const setup = client.pipeline();
  for (const name of names) {
    for (const group of groups) setup.xgroup('CREATE', name, group, '$', 'MKSTREAM');
    for (let i = 0; i < 20; i++) setup.xadd(name, '*', 'data', JSON.stringify({ i, payload: 'x'.repeat(200) }));
    for (const group of groups) setup.xreadgroup('GROUP', group, 'consumer-1', 'COUNT', 5, 'STREAMS', name, '>');
  }
  await setup.exec();
}

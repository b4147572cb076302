import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySlot } from '../../electron/core/brokers/redis/redis-client';
import { freePort } from '../helpers/brokers';
import { createTestCore, type TestCore } from '../helpers/core';
import { OwnCluster } from '../helpers/own-cluster';

/**
 * A Redis Cluster of three masters started here on free ports. The console seeds from one node,
 * discovers streams on every master and samples their length and group lag.
 */
describe('Redis Cluster: streams on every master', () => {
  let cluster: OwnCluster | undefined;
  let admin: Cluster;
  let test: TestCore;
  const namespace = `wfc${process.pid}.`;
  /** One stream per master: names whose slots fall in each third of the slot space. */
  const streams: string[] = [];

  beforeAll(async () => {
    cluster = await OwnCluster.start();
    const thirds = [0, 5461, 10923, 16384];
    for (let third = 0; third < 3; third++) {
      for (let i = 0; ; i++) {
        const name = `${namespace}events-${third}-${i}`;
        const slot = keySlot(name);
        if (slot >= thirds[third]! && slot < thirds[third + 1]!) {
          streams.push(name);
          break;
        }
      }
    }
    admin = cluster.client();
    for (const [index, name] of streams.entries()) {
      for (let i = 0; i <= index; i++) await admin.xadd(name, '*', 'n', String(i));
    }
    // The first stream: a group that read nothing yet of 1 entry, then 4 more entries → lag 5, read 2 → lag 3.
    await admin.xgroup('CREATE', streams[0]!, 'router', '0');
    for (let i = 0; i < 4; i++) await admin.xadd(streams[0]!, '*', 'n', `more-${i}`);
    await admin.xreadgroup('GROUP', 'router', 'worker-1', 'COUNT', 2, 'STREAMS', streams[0]!, '>');
    test = await createTestCore(namespace, { redis: cluster.profile, amqp: null, managementUrl: null });
  }, 90_000);

  afterAll(async () => {
    await test?.close();
    admin?.disconnect();
    await cluster?.stop();
  });

  it('computes slots as Redis does, and the streams sit on three different masters', async () => {
    for (const name of [...streams, 'foo', '{user1000}.following', 'a{}b']) expect(keySlot(name)).toBe(await admin.cluster('KEYSLOT', name));
    const owners = new Set(streams.map((name) => admin.slots[keySlot(name)]?.[0]));
    expect(owners.size).toBe(3);
  });

  it('test connection reaches the cluster, and names a failure', async () => {
    const tested = await test.core.call('environments.test', { id: test.envId });
    expect(tested.ok && tested.value.redis).toMatchObject({ configured: true, ok: true });
    expect(tested.ok && tested.value.redis.serverVersion).toMatch(/cluster, 3 masters/);
    const closed = await freePort();
    const refused = await test.core.call('environments.test', { input: { name: 'Down', redis: { url: `redis://127.0.0.1:${closed}`, cluster: { nodes: [`127.0.0.1:${closed}`] } }, amqp: null, managementUrl: null } });
    expect(refused.ok && refused.value.redis).toMatchObject({ ok: false, failure: { kind: 'refused' } });
  });

  it('shows every stream of every master with its length, and the group lag', async () => {
    const overview = await test.waitForOverview(
      (o) => o.redis.status.state === 'connected' && streams.every((name) => o.redis.streams?.some((s) => s.name === name)) && (o.redis.streams?.find((s) => s.name === streams[0])?.groups[0]?.consumerList.length ?? 0) > 0,
      'all three streams sampled, with the group and its consumer',
      20_000,
    );
    const byName = new Map((overview.redis.streams ?? []).map((s) => [s.name, s]));
    expect(byName.get(streams[0]!)?.length).toBe(5);
    expect(byName.get(streams[1]!)?.length).toBe(2);
    expect(byName.get(streams[2]!)?.length).toBe(3);
    const group = byName.get(streams[0]!)?.groups[0];
    expect(group).toMatchObject({ name: 'router', lag: 3, pending: 2 });
    expect(group?.consumerList).toEqual([expect.objectContaining({ name: 'worker-1', pending: 2 })]);
  });

  it('reads pending entries on a cluster, and refuses multi-key features with UNSUPPORTED', async () => {
    const pending = await test.core.call('streams.pending', { envId: test.envId, stream: streams[0]!, group: 'router', count: 10 });
    expect(pending.ok && pending.value.entries.length).toBe(2);
    const alerts = await test.core.call('alerts.list', { envId: test.envId });
    expect(!alerts.ok && alerts.error.code).toBe('UNSUPPORTED');
    const dlq = await test.core.call('dlq.list', { envId: test.envId, source: `${namespace}events.dlq` });
    expect(!dlq.ok && dlq.error.code).toBe('UNSUPPORTED');
    const demo = await test.core.call('demo.start', { envId: test.envId, rate: 5 });
    expect(!demo.ok && demo.error.code).toBe('UNSUPPORTED');
  });
});

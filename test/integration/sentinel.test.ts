import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore } from '../../electron/core/app-core';
import { FileSecretStore } from '../../electron/core/environments/file-secret-store';
import { OwnRedis, freePort, tempHome } from '../helpers/brokers';
import { waitFor } from '../helpers/wait';

/**
 * Redis behind Sentinel on loopback: a primary, a replica and a sentinel started here. The
 * console finds the primary through the sentinel and follows a failover to the replica.
 */
describe('Redis Sentinel: the console follows a failover', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-sentinel-'));
  const home = tempHome();
  let primary: OwnRedis;
  let replica: OwnRedis;
  let sentinel: ChildProcess | undefined;
  let sentinelPort = 0;
  let sentinelClient: Redis;
  let core: AppCore;
  let envId = '';

  beforeAll(async () => {
    primary = await OwnRedis.start();
    replica = new OwnRedis(await freePort(), ['--replicaof', '127.0.0.1', String(primary.port)]);
    await replica.start();
    sentinelPort = await freePort();
    const conf = path.join(dir, 'sentinel.conf');
    writeFileSync(conf, `port ${sentinelPort}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor wfmaster 127.0.0.1 ${primary.port} 1\nsentinel down-after-milliseconds wfmaster 1000\nsentinel failover-timeout wfmaster 5000\n`);
    sentinel = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
    sentinelClient = new Redis({ port: sentinelPort, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 100 });
    sentinelClient.on('error', () => undefined);
    await waitFor(async () => {
      await sentinelClient.connect().catch(() => undefined);
      const replicas = (await sentinelClient.call('SENTINEL', 'REPLICAS', 'wfmaster').catch(() => [])) as unknown[];
      return replicas.length === 1 ? true : undefined;
    }, 'the sentinel knows the primary and its replica', 30_000);
    core = await AppCore.create({ home: home.dir, secretStore: new FileSecretStore(home.dir), mode: 'browser', version: 'test', shouldStartRuntimes: false, writeLog: () => undefined });
  }, 60_000);
  afterAll(async () => {
    await core?.close();
    sentinelClient?.disconnect();
    sentinel?.kill('SIGKILL');
    await replica?.stop();
    await primary?.stop();
    rmSync(dir, { recursive: true, force: true });
    home.cleanup();
  });

  const input = () => ({ name: 'Sentinel', redis: { url: 'redis://127.0.0.1:1', sentinel: { masterName: 'wfmaster', nodes: [`127.0.0.1:${sentinelPort}`] } }, amqp: null, managementUrl: null });

  it('tests and connects through the sentinel, not the URL host', async () => {
    const tested = await core.call('environments.test', { input: input() });
    expect(tested.ok && tested.value.redis).toMatchObject({ ok: true });
    const wrongName = await core.call('environments.test', { input: { ...input(), redis: { ...input().redis, sentinel: { masterName: 'nosuch', nodes: [`127.0.0.1:${sentinelPort}`] } } } });
    expect(wrongName.ok && wrongName.value.redis.ok).toBe(false);
    const added = await core.call('environments.add', input());
    if (!added.ok) throw new Error(added.error.message);
    envId = added.value.id;
    expect(added.value.redis?.sentinel).toEqual({ masterName: 'wfmaster', nodes: [`127.0.0.1:${sentinelPort}`] });
    await core.startRuntimes([envId]);
    await waitFor(() => core.runtime(envId).redis?.isReady, 'connected through the sentinel');
    const port = (await core.runtime(envId).redis!.client.info('server')).match(/tcp_port:(\d+)/)?.[1];
    expect(Number(port)).toBe(primary.port);
  });

  it('after a failover the same runtime writes to the new primary', async () => {
    const client = core.runtime(envId).redis!.client;
    await client.set('wf-sentinel-key', 'before');
    await sentinelClient.call('SENTINEL', 'FAILOVER', 'wfmaster');
    await waitFor(
      async () => {
        try {
          const info = await client.info('server');
          const role = (await client.call('ROLE')) as [string];
          if (Number(/tcp_port:(\d+)/.exec(info)?.[1]) !== replica.port || role[0] !== 'master') return undefined;
          await client.set('wf-sentinel-key', 'after');
          return true;
        } catch {
          return undefined;
        }
      },
      'the runtime follows the failover to the former replica',
      30_000,
    );
    const direct = new Redis({ port: replica.port, host: '127.0.0.1' });
    expect(await direct.get('wf-sentinel-key')).toBe('after');
    direct.disconnect();
  });
});

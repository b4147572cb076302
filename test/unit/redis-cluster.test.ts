import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { CodedError } from '../../shared/contract/errors';
import { EnvironmentInput } from '../../shared/model/environment';
import { createRedisClient } from '../../electron/core/brokers/redis/redis-connection';
import { isCluster, keySlot, requireStandalone } from '../../electron/core/brokers/redis/redis-client';
import { resolveEnvironment } from '../../electron/core/environments/resolved-environment';
import { LOCAL_PROFILE } from '../../electron/core/environments/profile';

describe('Redis Cluster settings', () => {
  it('computes hash slots as Redis documents them, hash tags included', () => {
    expect(keySlot('somekey')).toBe(11058);
    expect(keySlot('foo{hash_tag}')).toBe(2515);
    expect(keySlot('bar{hash_tag}')).toBe(keySlot('hash_tag'));
    expect(keySlot('a{}b')).not.toBe(keySlot(''));
  });

  it('seeds from the URL node and the listed nodes, each once, on database 0', () => {
    const profile = { ...LOCAL_PROFILE, redis: { url: 'redis://10.0.0.4:7000/3', username: '', tls: false, cluster: { nodes: ['10.0.0.5:7001', '10.0.0.4:7000', '[::1]:7002'] } } };
    const resolved = resolveEnvironment(profile, { redis: 'pw' });
    expect(resolved.redis?.cluster?.nodes).toEqual([
      { host: '10.0.0.4', port: 7000 },
      { host: '10.0.0.5', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(resolved.redis?.db).toBe(0);
  });

  it('makes an ioredis Cluster for a cluster profile, with no offline queue and the password on every node', () => {
    const resolved = resolveEnvironment({ ...LOCAL_PROFILE, redis: { url: 'redis://10.0.0.4:7000', username: 'ops', tls: false, cluster: { nodes: ['10.0.0.5:7001'] } } }, { redis: 'pw' });
    const client = createRedisClient(resolved.redis!);
    try {
      expect(isCluster(client)).toBe(true);
      if (!isCluster(client)) return;
      expect(client.options.enableOfflineQueue).toBe(false);
      expect(client.options.redisOptions).toMatchObject({ password: 'pw', username: 'ops', commandTimeout: 3000, connectTimeout: 5000 });
      expect(client.options.redisOptions).not.toHaveProperty('db');
      expect(() => requireStandalone(client, 'Alert triage')).toThrow(CodedError);
      try {
        requireStandalone(client, 'Alert triage');
      } catch (error) {
        expect((error as CodedError).code).toBe('UNSUPPORTED');
      }
    } finally {
      client.disconnect();
    }
    const single = createRedisClient(resolveEnvironment(LOCAL_PROFILE, {}).redis!);
    expect(single).toBeInstanceOf(Redis);
    single.disconnect();
  });

  it('accepts cluster nodes as host:port only', () => {
    const input = (nodes: string[]) => EnvironmentInput.safeParse({ name: 'C', redis: { url: 'redis://a:1', cluster: { nodes } } }).success;
    expect(input(['b:2', '[::1]:3'])).toBe(true);
    expect(input(['no-port'])).toBe(false);
    expect(input([])).toBe(false);
  });
});

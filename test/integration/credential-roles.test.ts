import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentView } from '../../shared/model/environment';
import { MANAGEMENT_URL, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { callConfirmed, cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

const MANAGEMENT_AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;

async function management(method: 'PUT' | 'DELETE', path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${MANAGEMENT_URL}${path}`, { method, headers: { authorization: MANAGEMENT_AUTH, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  if (!response.ok && !(method === 'DELETE' && response.status === 404)) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
}

/**
 * The role the console offers is what the credentials allow, narrowed by the profile: a Redis
 * ACL user that may only read and a RabbitMQ user without configure/write make the environment
 * read-only whatever the profile says, with the reasons shown, and writes are refused.
 */
describe('roles from the credentials', () => {
  const ns = uniqueNamespace('credrole');
  const suffix = ns.replace(/[^A-Za-z0-9]/g, '');
  const users = { reader: `wf_reader_${suffix}`, operator: `wf_operator_${suffix}`, blind: `wf_blind_${suffix}` };
  const rabbitUser = `wf_reader_${suffix}`;
  const password = 'pw-credential-roles';
  const redis = new Redis(REDIS_URL);
  const host = new URL(REDIS_URL).host;
  let t: TestCore;
  const ids = { reader: '', operator: '', blind: '' };

  beforeAll(async () => {
    // May read (and ask the ACL about itself), may not write.
    await redis.call('ACL', 'SETUSER', users.reader, 'on', `>${password}`, '~*', '&*', '-@all', '+@read', '+@connection', '+info', '+acl|whoami', '+acl|dryrun');
    // Everything but deleting, trimming and dropping groups.
    await redis.call('ACL', 'SETUSER', users.operator, 'on', `>${password}`, '~*', '&*', '+@all', '-del', '-xtrim', '-xgroup|destroy', '-acl', '+acl|whoami', '+acl|dryrun');
    // May read, may not ask the ACL anything.
    await redis.call('ACL', 'SETUSER', users.blind, 'on', `>${password}`, '~*', '&*', '-@all', '+@read', '+@connection', '+info');
    await management('PUT', `/api/users/${rabbitUser}`, { password, tags: '' });
    await management('PUT', `/api/permissions/%2F/${rabbitUser}`, { configure: '^$', write: '^$', read: '.*' });

    t = await createTestCore(ns, {
      name: `reader ${ns}`,
      redis: { url: `redis://${users.reader}:${password}@${host}` },
      amqp: { url: `amqp://${rabbitUser}:${password}@127.0.0.1:5672` },
      // The management API as an administrator: it may read the AMQP user's permissions.
      managementUrl: MANAGEMENT_URL.replace('://', '://guest:guest@'),
    });
    ids.reader = t.envId;
    for (const key of ['operator', 'blind'] as const) {
      const added = await t.core.call('environments.add', { name: `${key} ${ns}`, namespace: ns, redis: { url: `redis://${users[key]}:${password}@${host}` } });
      if (!added.ok) throw new Error(added.error.message);
      ids[key] = added.value.id;
    }
    await t.core.startRuntimes(Object.values(ids));
  });
  afterAll(async () => {
    try {
      await t?.close();
      await cleanupNamespace(ns);
    } finally {
      for (const user of Object.values(users)) await redis.call('ACL', 'DELUSER', user);
      await management('DELETE', `/api/users/${rabbitUser}`);
      redis.disconnect();
    }
  });

  const viewOf = (id: string, until: (v: EnvironmentView) => boolean) =>
    waitFor(async () => {
      const list = await t.core.call('environments.list', {});
      const view = list.ok ? list.value.find((e) => e.id === id) : undefined;
      return view && until(view) ? view : undefined;
    }, `the role of ${id} read from its credentials`, 20_000);

  it('a read-only Redis user and a RabbitMQ user without configure/write make an admin profile read-only, with why', async () => {
    const view = await viewOf(ids.reader, (v) => (v.roleReasons?.length ?? 0) >= 3);
    expect(view).toMatchObject({ role: 'admin', effectiveRole: 'viewer', readOnly: true });
    expect(view.roleReasons![0]).toBe('profile: admin');
    expect(view.roleReasons).toContainEqual(expect.stringMatching(new RegExp(`^Redis user "${users.reader}" allows viewer: may not XADD, XACK, XCLAIM, HSET, EVAL \\(ACL DRYRUN\\)$`)));
    expect(view.roleReasons).toContainEqual(expect.stringMatching(new RegExp(`^RabbitMQ user "${rabbitUser}" allows viewer: may not write .*configure "\\^\\$", write "\\^\\$", read "\\.\\*" on vhost /`)));
    expect(JSON.stringify(view)).not.toContain(password);
  });

  it('refuses writes on it with the reason', async () => {
    const acted = await t.core.call('workers.start', { envId: ids.reader, only: ['event'] });
    expect(!acted.ok && acted.error).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/your role on .* is viewer \(.*\): "workers\.start event" needs operator or admin$/) });
    const message = acted.ok ? '' : acted.error.message;
    expect(message).toContain(`Redis user "${users.reader}" allows viewer: may not XADD`);
    expect(message).toContain(`RabbitMQ user "${rabbitUser}" allows viewer: may not write`);
    const purged = await callConfirmed(t.core, 'dlq.purge', { envId: ids.reader, source: `${ns}security.events.dlq`, olderThanMs: 0 });
    expect(!purged.ok && purged.error.code).toBe('UNAUTHORIZED');
    const mode = await t.core.call('environments.setWriteMode', { id: ids.reader, minutes: 5 });
    expect(!mode.ok && mode.error.code).toBe('UNAUTHORIZED');
  });

  it('a Redis user that may not delete is an operator at most; one that may not ask the ACL is "unknown, assumed admin" with why', async () => {
    const operator = await viewOf(ids.operator, (v) => (v.roleReasons?.length ?? 0) >= 2);
    expect(operator).toMatchObject({ role: 'admin', effectiveRole: 'operator', readOnly: false });
    expect(operator.roleReasons![1]).toBe(`Redis user "${users.operator}" allows operator: may not DEL, XTRIM, XGROUP DESTROY (ACL DRYRUN)`);
    const purged = await callConfirmed(t.core, 'dlq.purge', { envId: ids.operator, source: `${ns}security.events.dlq`, olderThanMs: 0 });
    expect(!purged.ok && purged.error).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('needs admin') });

    const blind = await viewOf(ids.blind, (v) => (v.roleReasons?.length ?? 0) >= 2);
    expect(blind).toMatchObject({ effectiveRole: 'admin' });
    expect(blind.roleReasons![1]).toMatch(/^Redis: unknown, assumed admin — the user may not run ACL WHOAMI \(NOPERM.*\); Redis still refuses what the user may not do$/);
  });
});

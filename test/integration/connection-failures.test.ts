import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentInput } from '../../shared/model/environment';
import { testConnections } from '../../electron/core/brokers/connection-tester';
import { resolveEnvironment } from '../../electron/core/environments/resolved-environment';
import { normalizeInput } from '../../electron/core/environments/environment-service';
import { Redactor } from '../../electron/core/redaction';
import { MANAGEMENT_URL, OwnRedis, freePort, uniqueNamespace } from '../helpers/brokers';
import { createTestCore } from '../helpers/core';

function draft(input: unknown) {
  const normalized = normalizeInput(EnvironmentInput.parse(input));
  const pw = (slot: 'redis' | 'amqp' | 'management') => {
    const change = normalized.passwords[slot];
    return change.kind === 'set' ? change.value : undefined;
  };
  return resolveEnvironment({ id: 'draft', ...normalized.profile }, { redis: pw('redis'), amqp: pw('amqp'), management: pw('management') });
}

describe('Test connection names each failure', () => {
  let secured: OwnRedis;
  let silent: net.Server;
  let silentPort: number;
  const redactor = new Redactor();

  beforeAll(async () => {
    secured = await OwnRedis.start(['--requirepass', 'right-password']);
    silentPort = await freePort();
    // Accepts TCP and never answers: what a firewalled or frozen broker looks like.
    silent = net.createServer(() => undefined).listen(silentPort, '127.0.0.1');
  });
  afterAll(async () => {
    await secured.stop();
    silent.close();
  });

  it('auth: wrong Redis password, wrong AMQP password, wrong management password', async () => {
    const result = await testConnections(draft({
      name: 'x',
      redis: { url: `redis://127.0.0.1:${secured.port}`, password: 'wrong-password' },
      amqp: { url: 'amqp://guest:not-guest@127.0.0.1:5672' },
      managementUrl: MANAGEMENT_URL.replace('://', '://guest:not-guest@'),
    }), redactor);
    expect(result.redis).toMatchObject({ configured: true, ok: false, failure: { kind: 'auth' } });
    expect(result.amqp).toMatchObject({ configured: true, ok: false, failure: { kind: 'auth' } });
    expect(result.management).toMatchObject({ configured: true, ok: false, failure: { kind: 'auth' } });
    expect(JSON.stringify(result)).not.toContain('wrong-password');
    expect(JSON.stringify(result)).not.toContain('not-guest');
  });

  it('ok: the right password connects and reports the server version', async () => {
    const result = await testConnections(draft({ name: 'x', redis: { url: `redis://:right-password@127.0.0.1:${secured.port}` } }), redactor);
    expect(result.redis).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/^Redis \d/) });
    expect(result.redis.warning).toBeUndefined();
    expect(result.amqp.configured).toBe(false);
  });

  it('open server: a password against a Redis that requires none tests OK but says it was not checked', async () => {
    const open = await OwnRedis.start();
    try {
      const withPassword = await testConnections(draft({ name: 'x', redis: { url: `redis://127.0.0.1:${open.port}`, password: 'any-wrong-password' } }), redactor);
      expect(withPassword.redis).toMatchObject({ ok: true, warning: expect.stringContaining('was not checked') });
      expect(JSON.stringify(withPassword)).not.toContain('any-wrong-password');
      const without = await testConnections(draft({ name: 'x', redis: { url: `redis://127.0.0.1:${open.port}` } }), redactor);
      expect(without.redis).toMatchObject({ ok: true, warning: expect.stringContaining('requires no password') });
    } finally {
      await open.stop();
    }
  });

  it('refused: nothing listens on the port', async () => {
    const port = await freePort();
    const result = await testConnections(draft({ name: 'x', redis: { url: `redis://127.0.0.1:${port}` }, amqp: { url: `amqp://guest:guest@127.0.0.1:${port}` } }), redactor);
    expect(result.redis.failure?.kind).toBe('refused');
    expect(result.amqp.failure?.kind).toBe('refused');
  });

  it('timeout: a peer that never answers fails within the deadline', async () => {
    const started = Date.now();
    const result = await testConnections(draft({ name: 'x', redis: { url: `redis://127.0.0.1:${silentPort}` }, amqp: { url: `amqp://guest:guest@127.0.0.1:${silentPort}` } }), redactor, 1500);
    expect(result.redis.failure?.kind).toBe('timeout');
    expect(result.amqp.failure?.kind).toBe('timeout');
    // Bounded by the deadline, with slack for a loaded machine; it must not hang.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('dns: an unresolvable host', async () => {
    const result = await testConnections(draft({ name: 'x', redis: { url: 'redis://no-such-host.invalid:6379' } }), redactor, 3000);
    expect(['dns', 'timeout']).toContain(result.redis.failure?.kind);
  });

  it('a saved environment with a wrong password shows "disconnected: auth" on the overview, password redacted', async () => {
    const t = await createTestCore(uniqueNamespace('authfail'), {
      redis: { url: `redis://127.0.0.1:${secured.port}`, password: 'definitely-wrong' },
      amqp: { url: 'amqp://guest:also-wrong@127.0.0.1:5672' },
      managementUrl: null,
    });
    try {
      const overview = await t.waitForOverview((o) => o.redis.status.failure?.kind === 'auth' && o.amqp.status.failure?.kind === 'auth', 'auth failures on both brokers');
      expect(overview.redis.status.state).toBe('disconnected');
      expect(overview.amqp.status.state).toBe('disconnected');
      const everything = JSON.stringify(overview) + t.logs.join('') + JSON.stringify(await t.core.call('environments.list', {}));
      expect(everything).not.toContain('definitely-wrong');
      expect(everything).not.toContain('also-wrong');
    } finally {
      await t.close();
    }
  });
});

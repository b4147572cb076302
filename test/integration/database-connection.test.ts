import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnections } from '../../electron/core/brokers/connection-tester';
import { resolveEnvironment } from '../../electron/core/environments/resolved-environment';
import { normalizeInput } from '../../electron/core/environments/environment-service';
import { Redactor } from '../../electron/core/redaction';
import { EnvironmentInput } from '../../shared/model/environment';
import { freePort, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore } from '../helpers/core';
import { OwnPostgres, POSTGRES_URL } from '../helpers/postgres';
import { connectPg } from '../../electron/core/database/pg-connection';
import { migrate } from '../../electron/core/database/schema';
import { MIGRATIONS } from '../../electron/core/database/migrations';

function draft(postgres: { url: string; password?: string }) {
  const normalized = normalizeInput(EnvironmentInput.parse({ name: 'x', postgres }));
  const change = normalized.passwords.postgres;
  return resolveEnvironment({ id: 'draft', ...normalized.profile }, { postgres: change.kind === 'set' ? change.value : undefined });
}

describe('PostgreSQL per environment: Test connection names each failure', () => {
  let own: OwnPostgres;
  let silent: net.Server;
  let silentPort: number;
  const redactor = new Redactor();

  beforeAll(async () => {
    own = await OwnPostgres.start('right-pg-password');
    silentPort = await freePort();
    silent = net.createServer(() => undefined).listen(silentPort, '127.0.0.1');
  }, 60_000);
  afterAll(async () => {
    await own?.stop();
    silent?.close();
  });

  it('ok: the shared database answers with its version; brokers not configured stay so', async () => {
    const result = await testConnections(draft({ url: POSTGRES_URL }), redactor);
    expect(result.postgres).toMatchObject({ configured: true, ok: true, serverVersion: expect.stringMatching(/^PostgreSQL \d+/) });
    expect(result.redis.configured).toBe(false);
  });

  it('ok with the right password, auth with a wrong one (password never in the result)', async () => {
    expect((await testConnections(draft({ url: `postgres://postgres@127.0.0.1:${own.port}/postgres`, password: 'right-pg-password' }), redactor)).postgres.ok).toBe(true);
    const result = await testConnections(draft({ url: `postgres://postgres:wrong-pg-password@127.0.0.1:${own.port}/postgres` }), redactor);
    expect(result.postgres).toMatchObject({ configured: true, ok: false, failure: { kind: 'auth' } });
    expect(result.postgres.failure?.message).toContain('postgres');
    expect(JSON.stringify(result)).not.toContain('wrong-pg-password');
  });

  it('not-found: the database does not exist, named', async () => {
    const result = await testConnections(draft({ url: POSTGRES_URL.replace(/\/[^/]*$/, '/no_such_database_here') }), redactor);
    expect(result.postgres.failure).toMatchObject({ kind: 'not-found', message: expect.stringContaining('"no_such_database_here" does not exist') });
  });

  it('refused: nothing listens on the port', async () => {
    const port = await freePort();
    const result = await testConnections(draft({ url: `postgres://postgres@127.0.0.1:${port}/postgres` }), redactor);
    expect(result.postgres.failure?.kind).toBe('refused');
  });

  it('timeout: a peer that accepts TCP and never answers fails within the deadline', async () => {
    const started = Date.now();
    const result = await testConnections(draft({ url: `postgres://postgres@127.0.0.1:${silentPort}/postgres` }), redactor, 1500);
    expect(result.postgres.failure?.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('tls: sslmode=require against a server without TLS is named a TLS failure', async () => {
    const result = await testConnections(draft({ url: `postgres://postgres@127.0.0.1:${own.port}/postgres?sslmode=require`, password: 'right-pg-password' }), redactor);
    expect(result.postgres.failure?.kind).toBe('tls');
  });

  it('a saved environment keeps the password in the secret store, not in environments.json; the test names it wrong', async () => {
    const namespace = uniqueNamespace('pgenv');
    const t = await createTestCore(namespace, { redis: null, amqp: null, managementUrl: null, postgres: { url: `postgres://postgres:stored-wrong-pw@127.0.0.1:${own.port}/postgres` } });
    try {
      const list = await t.core.call('environments.list', {});
      if (!list.ok) throw new Error(list.error.message);
      const mine = list.value.find((e) => e.id === t.envId)!;
      expect(mine.postgres).toEqual({ url: `postgres://postgres@127.0.0.1:${own.port}/postgres`, hasPassword: true });
      expect(readFileSync(path.join(t.home, 'environments.json'), 'utf8')).not.toContain('stored-wrong-pw');
      const tested = await t.core.call('environments.test', { id: t.envId });
      if (!tested.ok) throw new Error(tested.error.message);
      expect(tested.value.postgres.failure?.kind).toBe('auth');
      const local = list.value.find((e) => e.id === 'local');
      expect(local?.postgres ?? null).toBeNull();
      expect(JSON.stringify(list.value) + t.logs.join('')).not.toContain('stored-wrong-pw');
    } finally {
      await t.close();
      await cleanupNamespace(namespace);
    }
  });

  it('the overview carries the database: no schema yet, then the schema and storage, killed → down and named, restarted → back (last: it kills the own server)', async () => {
    const namespace = uniqueNamespace('pgwatch');
    const url = `postgres://postgres@127.0.0.1:${own.port}/postgres`;
    const t = await createTestCore(namespace, { amqp: null, managementUrl: null, postgres: { url, password: 'right-pg-password' } });
    try {
      await t.core.startRuntimes([t.envId]);
      const first = await t.waitForOverview((o) => o.postgres?.status.state === 'connected', 'database connected');
      expect(first.postgres).toMatchObject({ schemaVersion: null, knownVersion: MIGRATIONS.length, storage: 'postgresql', note: expect.stringMatching(/no schema yet/) });
      const client = await connectPg({ host: '127.0.0.1', port: own.port, database: 'postgres', user: 'postgres', password: 'right-pg-password', tls: false, tlsSettings: null });
      try {
        await migrate(client);
      } finally {
        await client.end();
      }
      // The watch looks every 5 s.
      const migrated = await t.waitForOverview((o) => o.postgres?.schemaVersion === MIGRATIONS.length, 'schema seen', 20_000);
      expect(migrated.postgres).toMatchObject({ status: { state: 'connected' }, note: null });
      await own.kill();
      const down = await t.waitForOverview((o) => o.postgres?.status.state === 'disconnected', 'database down', 20_000);
      expect(down.postgres!.status.failure).toMatchObject({ kind: 'refused', message: expect.stringContaining(`127.0.0.1:${own.port}/postgres`) });
      // The brokers' data is unaffected.
      expect(down.redis.status.state).toBe('connected');
      await own.start();
      await t.waitForOverview((o) => o.postgres?.status.state === 'connected' && o.postgres.schemaVersion === MIGRATIONS.length, 'database back', 30_000);
    } finally {
      await t.close();
      await cleanupNamespace(namespace);
    }
  }, 90_000);
});

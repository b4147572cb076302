import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore } from '../../electron/core/app-core';
import { FileSecretStore } from '../../electron/core/environments/file-secret-store';
import { OwnRedis, freePort, tempHome } from '../helpers/brokers';
import { waitFor } from '../helpers/wait';

/**
 * TLS on loopback: redis-servers started here with certificates made here (a CA, a good server
 * certificate, an expired one, one for another host, and a second CA nobody signed with). Each
 * failure is reported by name; only the CA configured for the environment is trusted.
 */
describe('TLS connections: each failure named, only the configured CA trusted', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-tls-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const servers: OwnRedis[] = [];
  const ports: Record<'good' | 'expired' | 'wrongHost', number> = { good: 0, expired: 0, wrongHost: 0 };
  const home = tempHome();
  let core: AppCore;

  beforeAll(async () => {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', '-subj', '/CN=watchfloor-test-ca');
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '30', '-subj', '/CN=someone-else');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    writeFileSync(file('good.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    writeFileSync(file('other.ext'), 'subjectAltName=DNS:redis.elsewhere.example\n');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'good.crt', '-days', '30', '-extfile', 'good.ext');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'wrong-host.crt', '-days', '30', '-extfile', 'other.ext');
    writeFileSync(file('index.txt'), '');
    writeFileSync(file('serial'), '1000\n');
    writeFileSync(file('ca.cnf'), '[ ca ]\ndefault_ca = d\n[ d ]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = p\n[ p ]\ncommonName = supplied\n');
    openssl('ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-in', 'server.csr', '-out', 'expired.crt', '-startdate', '20200101000000Z', '-enddate', '20200201000000Z', '-extfile', 'good.ext', '-notext');
    for (const [name, cert] of [
      ['good', 'good.crt'],
      ['expired', 'expired.crt'],
      ['wrongHost', 'wrong-host.crt'],
    ] as const) {
      ports[name] = await freePort();
      servers.push(await OwnRedis.start(['--tls-port', String(ports[name]), '--tls-cert-file', file(cert), '--tls-key-file', file('server.key'), '--tls-ca-cert-file', file('ca.crt'), '--tls-auth-clients', 'no']));
    }
    core = await AppCore.create({ home: home.dir, secretStore: new FileSecretStore(home.dir), mode: 'browser', version: 'test', shouldStartRuntimes: false, writeLog: () => undefined });
  });
  afterAll(async () => {
    await core?.close();
    for (const s of servers) await s.stop();
    rmSync(dir, { recursive: true, force: true });
    home.cleanup();
  });

  const test = async (port: number, tlsFiles?: { caFile?: string; servername?: string }) => {
    const result = await core.call('environments.test', { input: { name: 'TLS', redis: { url: `rediss://127.0.0.1:${port}`, ...(tlsFiles ? { tlsFiles } : {}) } } });
    if (!result.ok) throw new Error(result.error.message);
    return result.value.redis;
  };

  it('connects with the CA configured for the environment', async () => {
    const redis = await test(ports.good, { caFile: file('ca.crt') });
    expect(redis).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/^Redis 7/) });
  });

  it('names an unknown CA, with or without another CA configured: the certificate is never silently accepted', async () => {
    for (const files of [{ caFile: file('other-ca.crt') }, undefined]) {
      const redis = await test(ports.good, files);
      expect(redis.ok).toBe(false);
      expect(redis.failure).toMatchObject({ kind: 'tls', message: expect.stringContaining('unknown CA') });
    }
  });

  it('names an expired certificate', async () => {
    const redis = await test(ports.expired, { caFile: file('ca.crt') });
    expect(redis.failure).toMatchObject({ kind: 'tls', message: expect.stringContaining('has expired') });
  });

  it('names a certificate for another host, and accepts it when the server name says so', async () => {
    const wrong = await test(ports.wrongHost, { caFile: file('ca.crt') });
    expect(wrong.failure).toMatchObject({ kind: 'tls', message: expect.stringContaining('wrong host') });
    const named = await test(ports.wrongHost, { caFile: file('ca.crt'), servername: 'redis.elsewhere.example' });
    expect(named.ok).toBe(true);
  });

  it('a CA file that cannot be read is reported, not ignored', async () => {
    const redis = await test(ports.good, { caFile: file('missing.crt') });
    expect(redis.failure).toMatchObject({ kind: 'tls', message: expect.stringMatching(/cannot read the CA file .*missing\.crt \(ENOENT\)/) });
  });

  it('a saved environment with the CA keeps its TLS files and its runtime connects', async () => {
    const added = await core.call('environments.add', { name: 'TLS prod', redis: { url: `rediss://127.0.0.1:${ports.good}`, tlsFiles: { caFile: file('ca.crt'), certFile: '' } }, amqp: null, managementUrl: null });
    expect(added.ok && added.value.redis).toMatchObject({ tls: true, tlsFiles: { caFile: file('ca.crt') } });
    if (!added.ok) return;
    await core.startRuntimes([added.value.id]);
    await waitFor(() => core.runtime(added.value.id).redis?.isReady, 'TLS runtime connected');
  });

  it('the management API over https trusts only the configured CA', async () => {
    const server = https.createServer({ cert: readFileSync(file('good.crt')), key: readFileSync(file('server.key')) }, (req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from('ops:pw').toString('base64')}`) return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ rabbitmq_version: '4.0.5' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const check = async (tlsFiles?: { caFile: string }) => {
      const result = await core.call('environments.test', { input: { name: 'Mgmt', managementUrl: `https://ops:pw@127.0.0.1:${port}`, ...(tlsFiles ? { managementTlsFiles: tlsFiles } : {}) } });
      if (!result.ok) throw new Error(result.error.message);
      return result.value.management;
    };
    try {
      expect(await check({ caFile: file('ca.crt') })).toMatchObject({ ok: true, serverVersion: 'RabbitMQ 4.0.5' });
      expect((await check({ caFile: file('other-ca.crt') })).failure).toMatchObject({ kind: 'tls', message: expect.stringContaining('unknown CA') });
      expect((await check()).failure).toMatchObject({ kind: 'tls' });
    } finally {
      server.close();
    }
  });
});

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentInput, type SshInput } from '../../shared/model/environment';
import { testConnections } from '../../electron/core/brokers/connection-tester';
import { resolveEnvironment } from '../../electron/core/environments/resolved-environment';
import { normalizeInput } from '../../electron/core/environments/environment-service';
import { Redactor } from '../../electron/core/redaction';
import { AMQP_URL, MANAGEMENT_URL, REDIS_URL, freePort, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { POSTGRES_URL } from '../helpers/postgres';
import { OwnSshd, hasSshd, startAgent } from '../helpers/sshd';
import { cliIn } from '../helpers/work-process';
import { tempHome } from '../helpers/brokers';

/** Connection settings of a form, as Test connection resolves them (passwords from the form). */
function draft(input: unknown) {
  const normalized = normalizeInput(EnvironmentInput.parse(input));
  const pw = (slot: 'redis' | 'amqp' | 'management' | 'sshPassphrase' | 'sshPassword') => {
    const change = normalized.passwords[slot];
    return change.kind === 'set' ? change.value : undefined;
  };
  return resolveEnvironment({ id: 'draft', ...normalized.profile }, { redis: pw('redis'), amqp: pw('amqp'), management: pw('management'), sshPassphrase: pw('sshPassphrase'), sshPassword: pw('sshPassword') });
}

const BROKERS = { redis: { url: REDIS_URL }, amqp: { url: AMQP_URL }, managementUrl: MANAGEMENT_URL, postgres: { url: POSTGRES_URL } };

describe.skipIf(!hasSshd)('SSH tunnel: every connection of an environment through a bastion', () => {
  let sshd: OwnSshd;
  let noForwarding: OwnSshd;
  let jump: OwnSshd;
  const redactor = new Redactor();
  /** No known_hosts: only pins count (the machine's ~/.ssh/known_hosts must not decide a test). */
  const noKnownHosts = { knownHostsFile: null };
  const ssh = (extra: Partial<SshInput> = {}): SshInput => ({ host: '127.0.0.1', port: sshd.port, user: sshd.user, keyFile: sshd.key.file, hostKey: sshd.hostKeyFingerprint, ...extra });

  beforeAll(async () => {
    [sshd, noForwarding, jump] = await Promise.all([OwnSshd.start(), OwnSshd.start({ allowTcpForwarding: false }), OwnSshd.start()]);
  });
  afterAll(async () => {
    await Promise.all([sshd?.stop(), noForwarding?.stop(), jump?.stop()]);
  });

  it('Test connection reaches Redis, RabbitMQ, its management API and PostgreSQL through the bastion', async () => {
    const before = sshd.log.length;
    const result = await testConnections(draft({ name: 'x', ...BROKERS, ssh: ssh() }), redactor, 5000, noKnownHosts);
    expect(result.ssh).toMatchObject({ configured: true, ok: true, serverVersion: `SSH ${sshd.user}@127.0.0.1:${sshd.port}` });
    expect(result.redis).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/^Redis /) });
    expect(result.amqp).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/RabbitMQ/) });
    expect(result.management).toMatchObject({ ok: true });
    expect(result.postgres).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/^PostgreSQL/) });
    // The bastion forwarded each of them (sshd names every direct-tcpip channel it opens).
    const log = sshd.log.slice(before);
    for (const port of [6379, 5672, 15672, 5432]) expect(log).toMatch(new RegExp(`to 127\\.0\\.0\\.1 port ${port}\\b`));
  });

  it('opens a key protected by a passphrase; a wrong or missing passphrase is an SSH auth failure', async () => {
    const good = await testConnections(draft({ name: 'x', redis: BROKERS.redis, ssh: ssh({ keyFile: sshd.passphraseKey.file, passphrase: sshd.passphraseKey.passphrase }) }), redactor, 5000, noKnownHosts);
    expect(good.ssh?.ok).toBe(true);
    expect(good.redis.ok).toBe(true);
    const wrong = await testConnections(draft({ name: 'x', redis: BROKERS.redis, ssh: ssh({ keyFile: sshd.passphraseKey.file, passphrase: 'not-the-passphrase' }) }), redactor, 5000, noKnownHosts);
    expect(wrong.ssh?.failure).toMatchObject({ kind: 'ssh-auth', message: expect.stringContaining('the stored passphrase does not open it') });
    expect(wrong.redis.failure?.kind).toBe('ssh-auth');
    expect(JSON.stringify(wrong)).not.toContain('not-the-passphrase');
    const none = await testConnections(draft({ name: 'x', redis: BROKERS.redis, ssh: ssh({ keyFile: sshd.passphraseKey.file }) }), redactor, 5000, noKnownHosts);
    expect(none.ssh?.failure).toMatchObject({ kind: 'ssh-auth', message: expect.stringContaining('no passphrase is stored') });
  });

  it('a key the bastion does not authorise: auth refused, naming the method tried', async () => {
    const result = await testConnections(draft({ name: 'x', redis: BROKERS.redis, amqp: BROKERS.amqp, ssh: ssh({ keyFile: sshd.strangerKey.file }) }), redactor, 5000, noKnownHosts);
    expect(result.ssh?.failure).toMatchObject({ kind: 'ssh-auth', message: expect.stringContaining(`tried public key ${sshd.strangerKey.file}; the server accepts publickey`) });
    // Every broker behind it says why it was not reached, not a broker error.
    expect(result.redis.failure?.kind).toBe('ssh-auth');
    expect(result.amqp.failure?.kind).toBe('ssh-auth');
    expect(result.management.configured).toBe(false);
  });

  it('authenticates with the keys of an SSH agent (SSH_AUTH_SOCK)', async () => {
    const agent = await startAgent([sshd.key.file]);
    const saved = process.env.SSH_AUTH_SOCK;
    process.env.SSH_AUTH_SOCK = agent.socket;
    try {
      const result = await testConnections(draft({ name: 'x', redis: BROKERS.redis, ssh: ssh({ auth: 'agent', keyFile: undefined }) }), redactor, 5000, noKnownHosts);
      expect(result.ssh?.ok).toBe(true);
      expect(result.redis.ok).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      agent.stop();
    }
  });

  it('an unknown host key is not trusted: the failure carries its fingerprint to pin', async () => {
    const result = await testConnections(draft({ name: 'x', redis: BROKERS.redis, ssh: ssh({ hostKey: undefined }) }), redactor, 5000, noKnownHosts);
    expect(result.ssh?.failure).toMatchObject({ kind: 'ssh-host-key-unknown', fingerprint: sshd.hostKeyFingerprint, message: expect.stringContaining(`--ssh-host-key ${sshd.hostKeyFingerprint}`) });
    expect(result.redis.ok).toBe(false);
  });

  it("honours the user's known_hosts: a listed key connects, another key for that host is refused", async () => {
    const file = path.join(sshd.dir, 'known_hosts');
    writeFileSync(file, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    const known = await testConnections(draft({ name: 'x', redis: BROKERS.redis, ssh: ssh({ hostKey: undefined }) }), redactor, 5000, { knownHostsFile: file });
    expect(known.ssh?.ok).toBe(true);
    writeFileSync(file, `[127.0.0.1]:${sshd.port} ${jump.hostPublicKey}\n`);
    const changed = await testConnections(draft({ name: 'x', redis: BROKERS.redis, ssh: ssh({ hostKey: undefined }) }), redactor, 5000, { knownHostsFile: file });
    expect(changed.ssh?.failure).toMatchObject({ kind: 'ssh-host-key-changed', fingerprint: sshd.hostKeyFingerprint, message: expect.stringContaining('possible man-in-the-middle') });
  });

  it('a pinned key that changed is refused loudly, never re-trusted', async () => {
    const result = await testConnections(draft({ name: 'x', redis: BROKERS.redis, ssh: ssh({ hostKey: jump.hostKeyFingerprint }) }), redactor, 5000, noKnownHosts);
    expect(result.ssh?.failure).toMatchObject({ kind: 'ssh-host-key-changed', fingerprint: sshd.hostKeyFingerprint });
    expect(result.ssh?.failure?.message).toMatch(/^WARNING: the host key of the bastion .* has changed — possible man-in-the-middle attack!/);
    expect(result.redis.failure?.kind).toBe('ssh-host-key-changed');
  });

  it('AllowTcpForwarding no: forwarding refused by the server; a broker the bastion cannot reach; a bastion nobody answers at', async () => {
    const refused = await testConnections(draft({ name: 'x', redis: BROKERS.redis, ssh: ssh({ port: noForwarding.port, user: noForwarding.user, keyFile: noForwarding.key.file, hostKey: noForwarding.hostKeyFingerprint }) }), redactor, 5000, noKnownHosts);
    expect(refused.ssh?.ok).toBe(true);
    expect(refused.redis.failure).toMatchObject({ kind: 'ssh-forwarding-refused', message: expect.stringContaining('AllowTcpForwarding no') });
    const nowhere = await freePort();
    const unreachable = await testConnections(draft({ name: 'x', redis: { url: `redis://127.0.0.1:${nowhere}` }, amqp: BROKERS.amqp, ssh: ssh() }), redactor, 5000, noKnownHosts);
    expect(unreachable.redis.failure).toMatchObject({ kind: 'ssh-target-unreachable', message: expect.stringContaining(`cannot reach 127.0.0.1:${nowhere}`) });
    expect(unreachable.amqp.ok).toBe(true);
    const noBastion = await testConnections(draft({ name: 'x', redis: BROKERS.redis, ssh: ssh({ port: nowhere }) }), redactor, 5000, noKnownHosts);
    expect(noBastion.ssh?.failure).toMatchObject({ kind: 'ssh-unreachable', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('goes through a jump host to the bastion (ProxyJump), each host key pinned', async () => {
    // The jump host authorises the same key as the bastion, as one operator's key would be.
    writeFileSync(path.join(jump.dir, 'authorized_keys'), `${sshd.key.publicKey}\n`);
    const before = jump.log.length;
    const result = await testConnections(draft({ name: 'x', redis: BROKERS.redis, ssh: ssh({ jump: { host: '127.0.0.1', port: jump.port, user: jump.user, hostKey: jump.hostKeyFingerprint } }) }), redactor, 5000, noKnownHosts);
    expect(result.ssh?.ok).toBe(true);
    expect(result.redis.ok).toBe(true);
    expect(jump.log.slice(before)).toMatch(new RegExp(`to 127\\.0\\.0\\.1 port ${sshd.port}\\b`));
    const wrongJumpKey = await testConnections(draft({ name: 'x', redis: BROKERS.redis, ssh: ssh({ jump: { host: '127.0.0.1', port: jump.port, user: jump.user, hostKey: sshd.hostKeyFingerprint } }) }), redactor, 5000, noKnownHosts);
    expect(wrongJumpKey.ssh?.failure).toMatchObject({ kind: 'ssh-host-key-changed', message: expect.stringContaining('jump host') });
  });

  it('CLI: env add --ssh … --ssh-key … --ssh-host-key …, then env test names each step', async () => {
    const home = tempHome();
    try {
      const cli = cliIn(home.dir);
      const added = await cli('env', 'add', '--name', 'Behind bastion', '--redis', REDIS_URL, '--amqp', AMQP_URL, '--ssh', `${sshd.user}@127.0.0.1:${sshd.port}`, '--ssh-key', sshd.key.file, '--ssh-host-key', sshd.hostKeyFingerprint, '--json');
      expect(added.stderr).toBe('');
      expect(JSON.parse(added.stdout)).toMatchObject({ ssh: { host: '127.0.0.1', port: sshd.port, user: sshd.user, auth: 'key', keyFile: sshd.key.file, hostKey: sshd.hostKeyFingerprint } });
      const tested = await cli('env', 'test', 'Behind bastion');
      expect(tested.code).toBe(0);
      expect(tested.stdout).toMatch(new RegExp(`^ssh: ok \\(\\d+ ms, SSH ${sshd.user}@127\\.0\\.0\\.1:${sshd.port}\\)`, 'm'));
      expect(tested.stdout).toMatch(/^redis: ok/m);
      expect(tested.stdout).toMatch(/^amqp: ok/m);
      // A pin the bastion does not match: env add tests the hop first and refuses, with the warning.
      const refused = await cli('env', 'add', '--name', 'Wrong pin', '--redis', REDIS_URL, '--ssh', `${sshd.user}@127.0.0.1:${sshd.port}`, '--ssh-key', sshd.key.file, '--ssh-host-key', jump.hostKeyFingerprint);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/HOST KEY HAS CHANGED[\s\S]*WARNING: .*possible man-in-the-middle/);
      expect((await cli('env', 'list')).stdout).not.toContain('Wrong pin');
      const usage = await cli('env', 'add', '--name', 'Bad', '--redis', REDIS_URL, '--ssh', 'no-user-here');
      expect(usage.code).not.toBe(0);
      expect(usage.stderr).toContain('--ssh wants user@host[:port]');
    } finally {
      home.cleanup();
    }
  }, 60_000);

  describe('a running console', () => {
    const ns = uniqueNamespace('tunnel');
    const stream = `${ns}events`;
    const queue = `${ns}tunnelled`;
    const redis = new Redis(REDIS_URL);
    let t: TestCore;

    beforeAll(async () => {
      await redis.xgroup('CREATE', stream, 'workers', '$', 'MKSTREAM');
      for (let i = 0; i < 5; i++) await redis.xadd(stream, '*', 'data', `{"n":${i}}`);
      const connection = await amqp.connect(AMQP_URL);
      const channel = await connection.createChannel();
      await channel.assertQueue(queue, { durable: false });
      for (let i = 0; i < 3; i++) channel.sendToQueue(queue, Buffer.from(`m${i}`));
      await channel.close();
      await connection.close();
      t = await createTestCore(ns, { ssh: ssh() });
    });
    afterAll(async () => {
      await t?.close();
      await cleanupNamespace(ns);
      const connection = await amqp.connect(AMQP_URL);
      const channel = await connection.createChannel();
      await channel.deleteQueue(queue);
      await connection.close();
      redis.disconnect();
    });

    it('monitors streams and queues (management API) through the tunnel', async () => {
      const overview = await t.waitForOverview(
        (o) => o.redis.streams?.find((s) => s.name === stream)?.length === 5 && o.amqp.source === 'management' && o.amqp.queues?.find((q) => q.name === queue)?.ready === 3,
        'stream and queue through the tunnel',
      );
      expect(overview.redis.status.state).toBe('connected');
      expect(overview.amqp.status.state).toBe('connected');
      expect(sshd.log).toMatch(/to 127\.0\.0\.1 port 6379\b/);
      // The view shows the hop, never a secret.
      const view = (await t.core.environments.views()).find((v) => v.id === t.envId)!;
      expect(view.ssh).toMatchObject({ host: '127.0.0.1', port: sshd.port, user: sshd.user, hostKey: sshd.hostKeyFingerprint, hasPassphrase: false, hasPassword: false });
    });

    it('sshd killed under it: "tunnel down" instead of broker errors; restarted: it recovers, nothing lost', async () => {
      await sshd.halt();
      const down = await t.waitForOverview((o) => o.redis.status.state === 'disconnected' && o.amqp.status.state === 'disconnected', 'both connections down');
      expect(down.redis.status.failure?.kind).toMatch(/^(tunnel-down|ssh-unreachable)$/);
      expect(down.amqp.status.failure?.kind).toMatch(/^(tunnel-down|ssh-unreachable)$/);
      // Written while the bastion is away: seen once it is back.
      for (let i = 0; i < 4; i++) await redis.xadd(stream, '*', 'data', '{"late":true}');
      await sshd.start();
      const back = await t.waitForOverview(
        (o) => o.redis.status.state === 'connected' && o.amqp.status.state === 'connected' && o.redis.streams?.find((s) => s.name === stream)?.length === 9 && o.amqp.queues?.find((q) => q.name === queue)?.ready === 3,
        'recovered through the restarted bastion',
        30_000,
      );
      expect(back.redis.streams!.find((s) => s.name === stream)!.groups[0]).toMatchObject({ name: 'workers' });
    });
  });
});

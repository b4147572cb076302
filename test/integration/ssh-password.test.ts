import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnections } from '../../electron/core/brokers/connection-tester';
import { normalizeInput } from '../../electron/core/environments/environment-service';
import { resolveEnvironment } from '../../electron/core/environments/resolved-environment';
import { Redactor } from '../../electron/core/redaction';
import { EnvironmentInput } from '../../shared/model/environment';
import { REDIS_URL } from '../helpers/brokers';
import { OwnSshd, canCreatePasswordUser, hasSshd } from '../helpers/sshd';

/** A form's settings as Test connection resolves them (the SSH password from the form). */
function draft(input: unknown) {
  const normalized = normalizeInput(EnvironmentInput.parse(input));
  const change = normalized.passwords.sshPassword;
  return resolveEnvironment({ id: 'draft', ...normalized.profile }, { sshPassword: change.kind === 'set' ? change.value : undefined });
}

// Issue 18: SSH password authentication, against an own sshd that checks a throwaway user's password.
describe.skipIf(!hasSshd || !canCreatePasswordUser)('SSH password authentication', () => {
  let sshd: OwnSshd;
  const redactor = new Redactor();

  beforeAll(async () => {
    sshd = await OwnSshd.start({ passwordUser: true });
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  const ssh = (password: string) => ({ host: '127.0.0.1', port: sshd.port, user: sshd.passwordLogin!.user, auth: 'password', password, hostKey: sshd.hostKeyFingerprint });

  it('the right password opens the tunnel and Redis answers through it; the password is never in the result', async () => {
    const result = await testConnections(draft({ name: 'x', redis: { url: REDIS_URL }, ssh: ssh(sshd.passwordLogin!.password) }), redactor, 5000, { knownHostsFile: null });
    expect(result.ssh).toMatchObject({ configured: true, ok: true });
    expect(result.redis).toMatchObject({ ok: true });
    expect(sshd.log).toMatch(new RegExp(`Accepted password for ${sshd.passwordLogin!.user}`));
    expect(JSON.stringify(result)).not.toContain(sshd.passwordLogin!.password);
  });

  it('a wrong password is an SSH auth failure naming the method tried', async () => {
    const result = await testConnections(draft({ name: 'x', redis: { url: REDIS_URL }, ssh: ssh('not-the-password') }), redactor, 5000, { knownHostsFile: null });
    expect(result.ssh?.failure).toMatchObject({ kind: 'ssh-auth', message: expect.stringContaining('password') });
    expect(result.redis.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('not-the-password');
  });
});

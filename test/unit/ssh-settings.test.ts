import { describe, expect, it } from 'vitest';
import { EnvironmentInput } from '../../shared/model/environment';
import { parseSshTarget, sshInputFromFlags } from '../../electron/headless/ssh-flags';
import { formValuesFrom, inputFromFormValues } from '../../renderer/src/features/environments/environment-form.logic';
import { normalizeInput } from '../../electron/core/environments/environment-service';

const PIN = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';

describe('env add SSH flags', () => {
  it('parse user@host[:port], IPv6 in brackets, port 22 by default', () => {
    expect(parseSshTarget('ops@bastion.example', '--ssh')).toEqual({ user: 'ops', host: 'bastion.example', port: 22 });
    expect(parseSshTarget('ops@[fd00::1]:2222', '--ssh')).toEqual({ user: 'ops', host: 'fd00::1', port: 2222 });
    expect(() => parseSshTarget('bastion:22', '--ssh')).toThrow('--ssh wants user@host[:port]');
    expect(() => parseSshTarget('ops@bastion:70000', '--ssh')).toThrow('out of range');
  });

  it('build the SSH hop: key file, jump host, pin; secrets only from the environment', () => {
    const input = sshInputFromFlags({ ssh: 'ops@bastion:2200', 'ssh-key': '/keys/id', 'ssh-jump': 'me@jump', 'ssh-host-key': PIN }, { WATCHFLOOR_SSH_PASSPHRASE: 'pp' });
    expect(input).toEqual({ host: 'bastion', port: 2200, user: 'ops', auth: 'key', keyFile: '/keys/id', passphrase: 'pp', hostKey: PIN, jump: { host: 'jump', port: 22, user: 'me' } });
    expect(EnvironmentInput.safeParse({ name: 'x', ssh: input }).success).toBe(true);
    expect(sshInputFromFlags({ ssh: 'ops@bastion' }, { SSH_AUTH_SOCK: '/tmp/agent' })).toMatchObject({ auth: 'agent' });
    expect(() => sshInputFromFlags({ ssh: 'ops@bastion' }, {})).toThrow('--ssh-key');
    expect(() => sshInputFromFlags({ ssh: 'ops@bastion', 'ssh-auth': 'password' }, {})).toThrow('WATCHFLOOR_SSH_PASSWORD');
    expect(() => sshInputFromFlags({ 'ssh-key': '/k' }, {})).toThrow('--ssh-key needs --ssh');
    expect(sshInputFromFlags({}, {})).toBeNull();
  });
});

describe('SSH hop in the profile', () => {
  it('keeps the passphrase and password out of the profile; Sentinel/Cluster through a tunnel are refused', () => {
    const normalized = normalizeInput(EnvironmentInput.parse({ name: 'x', redis: { url: 'redis://r:6379' }, ssh: { host: 'b', user: 'ops', keyFile: '/k', passphrase: 'secret-pp', hostKey: PIN } }));
    expect(normalized.profile.ssh).toEqual({ host: 'b', port: 22, user: 'ops', auth: 'key', keyFile: '/k', hostKey: PIN });
    expect(JSON.stringify(normalized.profile)).not.toContain('secret-pp');
    expect(normalized.passwords.sshPassphrase).toEqual({ kind: 'set', value: 'secret-pp' });
    expect(normalized.passwords.sshPassword).toEqual({ kind: 'keep' });
    expect(normalizeInput(EnvironmentInput.parse({ name: 'x' })).passwords.sshPassphrase).toEqual({ kind: 'clear' });
    expect(() => normalizeInput(EnvironmentInput.parse({ name: 'x', ssh: { host: 'b', user: 'ops' } }))).toThrow('private key file');
    // Sentinel and Cluster go through the tunnel too (each node discovery names gets a forwarder).
    expect(normalizeInput(EnvironmentInput.parse({ name: 'x', redis: { url: 'redis://r:6379', cluster: { nodes: ['r2:6379'] } }, ssh: { host: 'b', user: 'ops', auth: 'agent' } })).profile.ssh).toMatchObject({ host: 'b', user: 'ops', auth: 'agent' });
    expect(normalizeInput(EnvironmentInput.parse({ name: 'x', redis: { url: 'redis://r:6379', sentinel: { masterName: 'm', nodes: ['s1:26379'] } }, ssh: { host: 'b', user: 'ops', auth: 'agent' } })).profile.redis?.sentinel).toEqual({ masterName: 'm', nodes: ['s1:26379'] });
  });
});

describe('environment form: SSH fields', () => {
  it('send no hop without a host, and the hop with a jump host and pins when filled', () => {
    expect(inputFromFormValues(formValuesFrom(null)).ssh).toBeNull();
    const values = { ...formValuesFrom(null), name: 'x', sshHost: ' bastion ', sshPort: '2200', sshUser: 'ops', sshKeyFile: '/k', sshPassphrase: 'pp', sshHostKey: PIN, sshJumpHost: 'jump', sshJumpUser: 'me' };
    const input = inputFromFormValues(values);
    expect(input.ssh).toEqual({ host: 'bastion', port: 2200, user: 'ops', auth: 'key', keyFile: '/k', passphrase: 'pp', password: undefined, hostKey: PIN, jump: { host: 'jump', port: 22, user: 'me' } });
    expect(EnvironmentInput.safeParse(input).success).toBe(true);
  });

  it('prefill from the view, secrets empty; an empty secret keeps the stored one, "clear" removes it', () => {
    const values = formValuesFrom({
      id: 'p', name: 'P', colour: '#000000', production: false, readOnly: false, opensReadOnly: false, writableUntil: null, role: 'admin', namespace: '', redis: null, amqp: null, managementUrl: null, hasPayloadKey: false,
      ssh: { host: 'b', port: 22, user: 'ops', auth: 'password', hostKey: PIN, hasPassphrase: false, hasPassword: true },
    });
    expect(values).toMatchObject({ sshHost: 'b', sshPort: '22', sshAuth: 'password', sshPassword: '', sshHostKey: PIN });
    expect(inputFromFormValues(values).ssh).toMatchObject({ auth: 'password', password: undefined });
    expect(inputFromFormValues({ ...values, clearSshPassword: true }).ssh).toMatchObject({ password: null });
  });
});

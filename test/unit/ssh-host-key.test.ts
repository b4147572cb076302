import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkKnownHosts, hostKeyFingerprint, keyBlobType } from '../../electron/core/tunnel/host-key';
import { classifyForwardFailure } from '../../electron/core/tunnel/ssh-tunnel';
import { EnvironmentInput } from '../../shared/model/environment';

const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-hostkey-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keyPair(name: string, type = 'ed25519'): { blob: Buffer; line: string; file: string } {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file], { stdio: 'ignore' });
  const line = readFileSync(`${file}.pub`, 'utf8').trim();
  return { blob: Buffer.from(line.split(' ')[1]!, 'base64'), line, file };
}

describe('SSH host key fingerprints', () => {
  it('are what OpenSSH prints: SHA256: and unpadded base64, for ed25519, ecdsa and rsa keys', () => {
    for (const type of ['ed25519', 'ecdsa', 'rsa']) {
      const key = keyPair(`fp-${type}`, type);
      // `ssh-keygen -lf` prints "256 SHA256:… comment (ED25519)".
      const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${key.file}.pub`], { encoding: 'utf8' }).split(' ')[1];
      expect(hostKeyFingerprint(key.blob)).toBe(printed);
      expect(hostKeyFingerprint(key.blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    }
    expect(keyBlobType(keyPair('t-ed').blob)).toBe('ssh-ed25519');
  });

  it('are the only pin the profile accepts', () => {
    const base = { name: 'x', ssh: { host: 'bastion', user: 'ops', keyFile: '/k' } };
    expect(EnvironmentInput.safeParse({ ...base, ssh: { ...base.ssh, hostKey: hostKeyFingerprint(keyPair('pin').blob) } }).success).toBe(true);
    expect(EnvironmentInput.safeParse({ ...base, ssh: { ...base.ssh, hostKey: 'MD5:aa:bb' } }).success).toBe(false);
    expect(EnvironmentInput.parse(base).ssh).toMatchObject({ port: 22, auth: 'key' });
  });
});

describe('known_hosts', () => {
  const bastion = keyPair('kh-bastion');
  const other = keyPair('kh-other');

  it('matches a host by name on port 22 and as [host]:port otherwise', () => {
    const text = `# comment\nbastion.example,10.0.0.1 ${bastion.line}\n[bastion.example]:2222 ${other.line}\n`;
    expect(checkKnownHosts(text, 'bastion.example', 22, bastion.blob)).toEqual({ kind: 'match' });
    expect(checkKnownHosts(text, '10.0.0.1', 22, bastion.blob)).toEqual({ kind: 'match' });
    expect(checkKnownHosts(text, 'bastion.example', 2222, other.blob)).toEqual({ kind: 'match' });
    expect(checkKnownHosts(text, 'elsewhere', 22, bastion.blob)).toEqual({ kind: 'unknown' });
  });

  it('calls another key of the same type for a known host a mismatch, and honours @revoked', () => {
    const text = `bastion.example ${bastion.line}\n`;
    expect(checkKnownHosts(text, 'bastion.example', 22, other.blob)).toEqual({ kind: 'mismatch', line: 1 });
    expect(checkKnownHosts(`@revoked * ${bastion.line}\nbastion.example ${bastion.line}\n`.replace('* ', 'bastion.example '), 'bastion.example', 22, bastion.blob)).toEqual({ kind: 'mismatch', line: 1 });
  });

  it('reads the hashed names ssh-keygen -H writes', () => {
    const file = path.join(dir, 'known_hosts');
    writeFileSync(file, `[bastion.example]:2200 ${bastion.line}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const hashed = readFileSync(file, 'utf8');
    expect(hashed).toMatch(/^\|1\|/);
    expect(checkKnownHosts(hashed, 'bastion.example', 2200, bastion.blob)).toEqual({ kind: 'match' });
    expect(checkKnownHosts(hashed, 'bastion.example', 22, bastion.blob)).toEqual({ kind: 'unknown' });
  });
});

describe('forwarding failures', () => {
  it('are named by the reason code the server sent', () => {
    const prohibited = Object.assign(new Error('(SSH) Channel open failure: open failed'), { reason: 1 });
    expect(classifyForwardFailure(prohibited, 'ops@bastion:22', 'redis:6379')).toMatchObject({ kind: 'ssh-forwarding-refused', message: expect.stringContaining('AllowTcpForwarding no') });
    const refused = Object.assign(new Error('(SSH) Channel open failure: Connection refused'), { reason: 2 });
    expect(classifyForwardFailure(refused, 'ops@bastion:22', 'redis:6379')).toEqual({ kind: 'ssh-target-unreachable', message: 'ops@bastion:22 cannot reach redis:6379 (Connection refused)' });
  });
});

import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The fingerprint of an SSH host key as OpenSSH prints it (`ssh-keygen -lf`, the "authenticity of
 * host" prompt): `SHA256:` and the unpadded base64 of the SHA-256 of the key blob.
 */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside a key blob ("ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"…), or ''. */
export function keyBlobType(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return '';
  const length = keyBlob.readUInt32BE(0);
  if (length > 64 || 4 + length > keyBlob.length) return '';
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

/** How a known_hosts file judges a presented key. */
export type KnownHostsVerdict = { kind: 'match' } | { kind: 'mismatch'; line: number } | { kind: 'unknown' };

/** The names a host goes by in known_hosts: `host` on port 22, `[host]:port` otherwise. */
function hostNames(host: string, port: number): string[] {
  return port === 22 ? [host, `[${host}]:22`] : [`[${host}]:${port}`];
}

/** Whether one known_hosts host field (comma-separated names, or a `|1|salt|hash` hashed name) names the host. */
function fieldNames(field: string, names: string[]): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const key = Buffer.from(salt, 'base64');
    return names.some((name) => createHmac('sha1', key).update(name).digest('base64') === hash);
  }
  const patterns = field.split(',');
  // A negated pattern that matches excludes the line (wildcards are not interpreted: exact names only).
  if (patterns.some((p) => p.startsWith('!') && names.includes(p.slice(1)))) return false;
  return patterns.some((p) => names.includes(p));
}

/**
 * Looks the presented key up in an OpenSSH known_hosts text: `match` when a line for this host has
 * exactly this key, `mismatch` when lines for this host list keys of the same type but none is this
 * one (a changed key), else `unknown`. `@revoked` lines make a key a mismatch; `@cert-authority` lines
 * are not interpreted.
 */
export function checkKnownHosts(text: string, host: string, port: number, keyBlob: Buffer): KnownHostsVerdict {
  const names = hostNames(host, port);
  const type = keyBlobType(keyBlob);
  const presented = keyBlob.toString('base64');
  let mismatch: number | null = null;
  let matched = false;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    let fields = line.split(/\s+/);
    let marker = '';
    if (fields[0]!.startsWith('@')) {
      marker = fields[0]!;
      fields = fields.slice(1);
    }
    if (fields.length < 3 || marker === '@cert-authority') continue;
    if (!fieldNames(fields[0]!, names)) continue;
    const [, lineType, lineKey] = fields;
    if (marker === '@revoked') {
      if (lineKey === presented) return { kind: 'mismatch', line: index + 1 };
      continue;
    }
    if (lineKey === presented) matched = true;
    else if (lineType === type && mismatch === null) mismatch = index + 1;
  }
  if (matched) return { kind: 'match' };
  if (mismatch !== null) return { kind: 'mismatch', line: mismatch };
  return { kind: 'unknown' };
}

/** `checkKnownHosts` over a file; a missing or unreadable file knows no host. */
export function checkKnownHostsFile(file: string, host: string, port: number, keyBlob: Buffer): KnownHostsVerdict {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { kind: 'unknown' };
  }
  return checkKnownHosts(text, host, port, keyBlob);
}

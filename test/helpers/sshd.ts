import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { hostKeyFingerprint } from '../../electron/core/tunnel/host-key';
import { freePort } from './brokers';
import { waitFor } from './wait';

export const SSHD = '/usr/sbin/sshd';

/** Whether Debian's openssh-server is installed (`.ci/run` installs it when missing). */
export const hasSshd = existsSync(SSHD);

/** A fresh ed25519 key pair in `dir`; the private key encrypted with `passphrase` when given. */
export function generateKey(dir: string, name: string, passphrase = ''): { file: string; publicKey: string } {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', file], { stdio: 'ignore' });
  chmodSync(file, 0o600);
  return { file, publicKey: readFileSync(`${file}.pub`, 'utf8').trim() };
}

/** The OpenSSH fingerprint of a `.pub` line ("ssh-ed25519 AAAA… comment"). */
export function fingerprintOfPublicKey(line: string): string {
  return hostKeyFingerprint(Buffer.from(line.split(/\s+/)[1]!, 'base64'));
}

/** Every process below `pid` (children, grandchildren…), from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of parents.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

export interface OwnSshdOptions {
  /** `AllowTcpForwarding no` when false. */
  allowTcpForwarding?: boolean;
  /**
   * Password authentication for a throwaway system user (`wfpw` + random, no home, removed by
   * stop()): sshd checks passwords against /etc/shadow, so this needs root; the tests skip it otherwise.
   */
  passwordUser?: boolean;
}

/** Whether this process can create the password test user (root, with useradd and chpasswd). */
export const canCreatePasswordUser = process.getuid?.() === 0 && existsSync('/usr/sbin/useradd') && existsSync('/usr/sbin/chpasswd');

/** Removes password test users a killed run left behind (named wfpw + 8 hex digits). */
function removeStalePasswordUsers(): void {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const name = line.split(':')[0] ?? '';
    if (/^wfpw[0-9a-f]{8}$/.test(name)) execFileSync('/usr/sbin/userdel', [name], { stdio: 'ignore' });
  }
}

/**
 * A private OpenSSH server for the tunnel tests: `sshd -D -e -f <own config>` on a free loopback
 * port, with its own ed25519 host key and an AuthorizedKeysFile holding a test key and a second one
 * protected by a passphrase. Never the machine's sshd: own port, config, host key and PidFile in a
 * temp dir. As root it logs in as root (privilege separation needs /run/sshd, created if missing);
 * otherwise it runs as, and logs in as, the current user. Its log (LogLevel DEBUG1, which names
 * each forwarded connection) is kept in `log`.
 */
export class OwnSshd {
  readonly dir: string;
  readonly user: string;
  readonly key: { file: string; publicKey: string };
  readonly passphraseKey: { file: string; publicKey: string; passphrase: string };
  /** A key the server does not authorise. */
  readonly strangerKey: { file: string; publicKey: string };
  hostKeyFingerprint = '';
  log = '';
  /** With `passwordUser`: the user that logs in with a password, and the password. */
  readonly passwordLogin: { user: string; password: string } | null = null;
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly options: OwnSshdOptions,
  ) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'wf-sshd-'));
    chmodSync(this.dir, 0o700);
    this.user = process.getuid?.() === 0 ? 'root' : os.userInfo().username;
    this.key = generateKey(this.dir, 'client_key');
    this.passphraseKey = { ...generateKey(this.dir, 'client_key_pass', 'test-ssh-passphrase'), passphrase: 'test-ssh-passphrase' };
    this.strangerKey = generateKey(this.dir, 'stranger_key');
    writeFileSync(path.join(this.dir, 'authorized_keys'), `${this.key.publicKey}\n${this.passphraseKey.publicKey}\n`, { mode: 0o600 });
    this.newHostKey();
    if (options.passwordUser) {
      if (!canCreatePasswordUser) throw new Error('a password test user needs root (useradd, chpasswd)');
      removeStalePasswordUsers();
      const user = `wfpw${randomBytes(4).toString('hex')}`;
      const password = `pw-${randomBytes(9).toString('base64url')}`;
      execFileSync('/usr/sbin/useradd', ['-M', '-d', '/nonexistent', '-s', '/bin/sh', user], { stdio: 'ignore' });
      execFileSync('/usr/sbin/chpasswd', [], { input: `${user}:${password}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
      this.passwordLogin = { user, password };
    }
    writeFileSync(
      path.join(this.dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${path.join(this.dir, 'host_key')}`,
        `PidFile ${path.join(this.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${path.join(this.dir, 'authorized_keys')}`,
        'StrictModes no',
        `PasswordAuthentication ${options.passwordUser ? 'yes' : 'no'}`,
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'UsePAM no',
        `AllowTcpForwarding ${options.allowTcpForwarding === false ? 'no' : 'yes'}`,
        'X11Forwarding no',
        'PrintMotd no',
        'LogLevel DEBUG1',
        `AllowUsers ${this.user}${this.passwordLogin ? ` ${this.passwordLogin.user}` : ''}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
  }

  static async start(options: OwnSshdOptions = {}): Promise<OwnSshd> {
    const sshd = new OwnSshd(await freePort(), options);
    await sshd.start();
    return sshd;
  }

  /** Replaces the host key (the next start presents another key: what a man-in-the-middle looks like). */
  newHostKey(): void {
    const file = path.join(this.dir, 'host_key');
    rmSync(file, { force: true });
    rmSync(`${file}.pub`, { force: true });
    const { publicKey } = generateKey(this.dir, 'host_key');
    this.hostKeyFingerprint = fingerprintOfPublicKey(publicKey);
  }

  /** The host key's `.pub` line, for a known_hosts file. */
  get hostPublicKey(): string {
    return readFileSync(path.join(this.dir, 'host_key.pub'), 'utf8').trim();
  }

  async start(): Promise<void> {
    if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
    const child = spawn(SSHD, ['-D', '-e', '-f', path.join(this.dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let started = false;
    child.stderr!.on('data', (chunk: Buffer) => {
      this.log += chunk.toString();
      if (/Server listening on/.test(this.log)) started = true;
    });
    await waitFor(() => {
      if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${this.log}`);
      return started;
    }, `sshd on ${this.port}`);
  }

  /** kill -9 of the server and of every connection it forked: the bastion vanishes mid-session. */
  kill(): void {
    const pid = this.child?.pid;
    if (!pid) return;
    for (const child of descendants(pid)) {
      try {
        process.kill(child, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.child?.kill('SIGKILL');
  }

  /** Kills the server and its connections and waits until it is gone. */
  async halt(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.kill();
    await exited;
  }

  async stop(): Promise<void> {
    await this.halt();
    rmSync(this.dir, { recursive: true, force: true });
    if (this.passwordLogin) execFileSync('/usr/sbin/userdel', [this.passwordLogin.user], { stdio: 'ignore' });
  }
}

/** An `ssh-agent` of the test's own on a socket in a temp dir, holding `keys`. */
export async function startAgent(keys: string[]): Promise<{ socket: string; stop: () => void }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-agent-'));
  const socket = path.join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  await waitFor(() => existsSync(socket), 'ssh-agent socket');
  for (const key of keys) execFileSync('ssh-add', ['-q', key], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
  return {
    socket,
    stop: () => {
      agent.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

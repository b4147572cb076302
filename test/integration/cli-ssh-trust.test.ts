import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, tempHome } from '../helpers/brokers';
import { OwnSshd, hasSshd } from '../helpers/sshd';
import { cliIn } from '../helpers/work-process';

/** The CLI on a terminal (util-linux `script` gives it a pty), `answers` typed into it. */
function cliOnTerminal(home: string, args: string[], answers: string): Promise<{ code: number | null; output: string }> {
  const quoted = [process.execPath, '--import', 'tsx', 'electron/headless/cli.ts', ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', quoted, '/dev/null'], { env: { ...process.env, WATCHFLOOR_HOME: home, HOME: home }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let answered = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      // Answer once the question is on the screen (typed earlier, the terminal would echo it before).
      if (!answered && /\(yes\/no\)\?/.test(output)) {
        answered = true;
        child.stdin!.write(answers);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe.skipIf(!hasSshd)('watchfloor env add --ssh: the bastion’s host key is shown and asked for, as ssh does', () => {
  let sshd: OwnSshd;
  const home = tempHome();
  const cli = cliIn(home.dir, { HOME: home.dir });
  const flagsFor = (name: string, extra: string[] = []) => ['env', 'add', '--name', name, '--redis', REDIS_URL, '--ssh', `${sshd.user}@127.0.0.1:${sshd.port}`, '--ssh-key', sshd.key.file, ...extra];
  const listed = async () => JSON.parse((await cli('env', 'list', '--json')).stdout) as { name: string; ssh?: { hostKey?: string } | null }[];

  beforeAll(async () => {
    sshd = await OwnSshd.start();
  });
  afterAll(async () => {
    await sshd?.stop();
    home.cleanup();
  });

  it('without a terminal: not added, the fingerprint and the flag that pins it are named', async () => {
    const r = await cli(...flagsFor('No tty'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(sshd.hostKeyFingerprint);
    expect(r.stderr).toContain(`--ssh-host-key ${sshd.hostKeyFingerprint}`);
    expect((await listed()).map((e) => e.name)).not.toContain('No tty');
  }, 90_000);

  it('on a terminal: "no" adds nothing; "yes" pins the key in the profile', async () => {
    const no = await cliOnTerminal(home.dir, flagsFor('Declined'), 'no\n');
    expect(no.output).toContain(`Its key fingerprint is ${sshd.hostKeyFingerprint}`);
    expect(no.code).toBe(1);
    expect((await listed()).map((e) => e.name)).not.toContain('Declined');
    const yes = await cliOnTerminal(home.dir, flagsFor('Trusted'), 'yes\n');
    expect(yes.output).toContain(`pinned 127.0.0.1:${sshd.port}'s key ${sshd.hostKeyFingerprint}`);
    expect(yes.code).toBe(0);
    expect((await listed()).find((e) => e.name === 'Trusted')?.ssh?.hostKey).toBe(sshd.hostKeyFingerprint);
  }, 120_000);

  it('a pinned key that does not match is refused loudly, never re-trusted', async () => {
    const wrong = 'SHA256:' + 'A'.repeat(43);
    const r = await cli(...flagsFor('Changed', ['--ssh-host-key', wrong]));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('HOST KEY HAS CHANGED');
    expect(r.stderr).toContain(sshd.hostKeyFingerprint);
    expect((await listed()).map((e) => e.name)).not.toContain('Changed');
  }, 90_000);

  it('an unreadable key file: added unpinned, told to fix it and run env test (no host-key question promised)', async () => {
    const r = await cli('env', 'add', '--name', 'Bad key', '--redis', REDIS_URL, '--ssh', `${sshd.user}@127.0.0.1:${sshd.port}`, '--ssh-key', '/nonexistent/id_ed25519');
    expect(r.code).toBe(0);
    expect(r.stderr + r.stdout).toContain('the SSH hop could not be checked now (ssh-auth');
    expect(r.stderr + r.stdout).toContain('then run `watchfloor env test "Bad key"`');
    expect(r.stderr + r.stdout).not.toContain('will ask for it');
    expect((await listed()).map((e) => e.name)).toContain('Bad key');
  }, 90_000);
});

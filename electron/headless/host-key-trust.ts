import { createInterface } from 'node:readline/promises';
import type { ConnectionTestResult } from '../../shared/model/connection';
import type { EnvironmentInput, SshInput } from '../../shared/model/environment';

/** Asks a yes/no question; null when nobody can answer (standard input is not a terminal). */
export type AskYesNo = (question: string) => Promise<boolean | null>;

/** The question on the terminal, as OpenSSH asks it; a script or a pipe gets null (never a silent yes). */
export const askOnTerminal: AskYesNo = async (question) => {
  if (!process.stdin.isTTY) return null;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
};

/** A host key question the CLI cannot settle: the environment is not added, and this says why and what to do. */
export class HostKeyRefused extends Error {}

type Tester = (input: EnvironmentInput) => Promise<ConnectionTestResult>;

/**
 * Before `env add` saves an SSH hop with no pinned key, the first connection shows the bastion's
 * (and the jump host's) key fingerprint and asks to trust it, as `ssh` does; a yes pins it in the
 * profile. A key the user's known_hosts already lists needs no question. A changed key is refused
 * loudly. Without a terminal the add stops and names the flag that pins the key. Other failures
 * (the bastion down) do not stop the add: its connections will name them.
 */
export async function pinHostKeys(input: EnvironmentInput, test: Tester, ask: AskYesNo, say: (line: string) => void): Promise<EnvironmentInput> {
  let current = input;
  for (let round = 0; round < 2 && current.ssh; round++) {
    const ssh: SshInput = current.ssh;
    // Tested even with both keys pinned: a pin the bastion does not match is refused here, loudly.
    const failure = (await test(current)).ssh?.failure;
    if (!failure || !failure.kind.startsWith('ssh-host-key')) {
      if (failure) say(`the SSH hop could not be checked now (${failure.kind}: ${failure.message}); the environment is added without a pinned host key: fix this, then run \`watchfloor env test ${/\s/.test(input.name.trim()) ? JSON.stringify(input.name.trim()) : input.name.trim()}\` (its connections fail until then)`);
      break;
    }
    const hop = failure.sshHop ?? 'bastion';
    const where = hop === 'jump' && ssh.jump ? `${ssh.jump.host}:${ssh.jump.port ?? 22}` : `${ssh.host}:${ssh.port ?? 22}`;
    const flag = hop === 'jump' ? '--ssh-jump-host-key' : '--ssh-host-key';
    if (failure.kind === 'ssh-host-key-changed') {
      throw new HostKeyRefused(
        [
          '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
          `@    WARNING: THE ${hop === 'jump' ? 'JUMP HOST' : 'BASTION'} HOST KEY HAS CHANGED!    @`,
          '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
          `IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY: ${failure.message}`,
          `The key ${where} presents now is ${failure.fingerprint ?? 'unknown'}. Not added. Check it with the bastion's owner; if it really changed, pass ${flag} with the new fingerprint.`,
        ].join('\n'),
      );
    }
    if (!failure.fingerprint) throw new HostKeyRefused(`${where}: ${failure.message}`);
    const answer = await ask(`The authenticity of host '${where}' (the ${hop === 'jump' ? 'jump host' : 'bastion'}) can't be established.\nIts key fingerprint is ${failure.fingerprint}.\nTrust it and pin it in this environment (yes/no)? `);
    if (answer === null) throw new HostKeyRefused(`the host key of ${where} is not trusted yet: it is ${failure.fingerprint}. Check it out of band and pass ${flag} ${failure.fingerprint} (not added)`);
    if (!answer) throw new HostKeyRefused(`host key of ${where} not trusted: not added`);
    current = hop === 'jump' && ssh.jump ? { ...current, ssh: { ...ssh, jump: { ...ssh.jump, hostKey: failure.fingerprint } } } : { ...current, ssh: { ...ssh, hostKey: failure.fingerprint } };
    say(`pinned ${where}'s key ${failure.fingerprint}`);
  }
  return current;
}

import type { SshInput } from '../../shared/model/environment';

/**
 * The `env add` flags of the SSH hop (issue 18), kept apart from the CLI's command table so any
 * command can take them: `--ssh user@host[:port]`, `--ssh-key FILE`, `--ssh-auth key|agent|password`,
 * `--ssh-jump user@host[:port]`, `--ssh-host-key SHA256:…`. Secrets never go on the command line:
 * the key's passphrase comes from WATCHFLOOR_SSH_PASSPHRASE, a password from WATCHFLOOR_SSH_PASSWORD.
 */
export const SSH_FLAG_OPTIONS = {
  ssh: { type: 'string' },
  'ssh-key': { type: 'string' },
  'ssh-auth': { type: 'string' },
  'ssh-jump': { type: 'string' },
  'ssh-host-key': { type: 'string' },
  'ssh-jump-host-key': { type: 'string' },
} as const;

export const SSH_FLAG_USAGE = `                     [--ssh USER@HOST[:PORT] [--ssh-key FILE | --ssh-auth agent|password]
                      [--ssh-jump USER@HOST[:PORT]] [--ssh-host-key SHA256:...] [--ssh-jump-host-key SHA256:...]]
                     --ssh: every connection through this bastion (passphrase of the key in
                     WATCHFLOOR_SSH_PASSPHRASE, password in WATCHFLOOR_SSH_PASSWORD); a key not
                     pinned and not in ~/.ssh/known_hosts is shown and asked for on a terminal`;

/** "user@host[:port]" (IPv6 host in brackets) → its parts; throws a message for the usage error. */
export function parseSshTarget(text: string, flag: string): { user: string; host: string; port: number } {
  const match = /^([^@\s]+)@(\[[0-9a-fA-F:.]+\]|[^:@\s[\]]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!match) throw new Error(`${flag} wants user@host[:port], got "${text}"`);
  const port = match[3] === undefined ? 22 : Number(match[3]);
  if (port < 1 || port > 65535) throw new Error(`${flag}: port ${port} is out of range`);
  return { user: match[1]!, host: match[2]!.replace(/^\[|\]$/g, ''), port };
}

/** The SSH hop the flags describe, or null without `--ssh`. */
export function sshInputFromFlags(values: Partial<Record<keyof typeof SSH_FLAG_OPTIONS, string | undefined>>, env: NodeJS.ProcessEnv = process.env): SshInput | null {
  if (!values.ssh) {
    const stray = (['ssh-key', 'ssh-auth', 'ssh-jump', 'ssh-host-key', 'ssh-jump-host-key'] as const).find((flag) => values[flag]);
    if (stray) throw new Error(`--${stray} needs --ssh user@host[:port]`);
    return null;
  }
  if (values['ssh-jump-host-key'] && !values['ssh-jump']) throw new Error('--ssh-jump-host-key needs --ssh-jump user@host[:port]');
  const target = parseSshTarget(values.ssh, '--ssh');
  const auth = values['ssh-auth'] ?? (values['ssh-key'] ? 'key' : env.SSH_AUTH_SOCK ? 'agent' : 'key');
  if (auth !== 'key' && auth !== 'agent' && auth !== 'password') throw new Error(`--ssh-auth is key, agent or password, not "${auth}"`);
  if (auth === 'key' && !values['ssh-key']) throw new Error('--ssh needs --ssh-key FILE (or --ssh-auth agent with SSH_AUTH_SOCK set)');
  if (auth === 'password' && !env.WATCHFLOOR_SSH_PASSWORD) throw new Error('--ssh-auth password reads the password from WATCHFLOOR_SSH_PASSWORD, which is not set');
  return {
    ...target,
    auth,
    ...(values['ssh-key'] ? { keyFile: values['ssh-key'] } : {}),
    ...(auth === 'key' && env.WATCHFLOOR_SSH_PASSPHRASE ? { passphrase: env.WATCHFLOOR_SSH_PASSPHRASE } : {}),
    ...(auth === 'password' ? { password: env.WATCHFLOOR_SSH_PASSWORD } : {}),
    ...(values['ssh-host-key'] ? { hostKey: values['ssh-host-key'] } : {}),
    ...(values['ssh-jump'] ? { jump: { ...parseSshTarget(values['ssh-jump'], '--ssh-jump'), ...(values['ssh-jump-host-key'] ? { hostKey: values['ssh-jump-host-key'] } : {}) } } : {}),
  };
}

/**
 * What `npm test` needs on the machine, where it looks for each, and the Debian command that
 * provides it. Pure: the probes (probes.ts) say what they found; this file decides and words it.
 */

/** The variables the suite reads, with their defaults (also used by test/helpers/brokers.ts). */
export const DEFAULTS = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
  MANAGEMENT_URL: 'http://127.0.0.1:15672',
  /** The test database `.ci/setup.sh` (npm run setup) creates; each test makes its own wf_test_… database from there. */
  POSTGRES_URL: 'postgres://postgres@127.0.0.1:5432/watchfloor_test',
  CHROMIUM_PATH: '/usr/bin/chromium',
  SSHD_PATH: '/usr/sbin/sshd',
  /** initdb and postgres: the database fault tests run a PostgreSQL of their own (test/helpers/postgres.ts). */
  PG_BIN: '/usr/lib/postgresql/15/bin',
} as const;

export type Variable = keyof typeof DEFAULTS;

export type RequirementId = 'redis' | 'rabbitmq' | 'management' | 'postgres' | 'chromium' | 'sshd' | 'redis-server' | 'pg-server';

/** One thing the suite needs. */
export interface Requirement {
  id: RequirementId;
  /** What it is, for a person: "RabbitMQ management API". */
  what: string;
  /** The override variable, or null for a program looked up on PATH. */
  variable: Variable | null;
  /** Where the suite looks: the URL or path in use (passwords masked). */
  where: string;
  /** The Debian package that provides it. */
  aptPackage: string;
  /** The command that starts (or enables) it once installed; null for a plain program. */
  start: string | null;
  /** False when the URL names another machine: then installing here fixes nothing. */
  isLocal: boolean;
}

/**
 * What a probe found. A failure says what is wrong; `isInstalled: false` adds the apt-get step to
 * the fix; `fix` replaces the fix with text of its own (a wrong password is not fixed by installing).
 */
export type ProbeOutcome = { ok: true } | { ok: false; problem: string; isInstalled?: boolean; fix?: string };

/** `value` of an environment variable, or its default. */
export function setting(env: Record<string, string | undefined>, variable: Variable): string {
  const value = env[variable];
  return value !== undefined && value !== '' ? value : DEFAULTS[variable];
}

/** A URL as it may be printed: the password replaced by `***`. */
export function maskUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString().replace(/\/$/, '');
  } catch {
    return raw;
  }
}

/** How npm run setup (and CI) starts the shared Redis: loopback only, nothing written to disk. */
const REDIS_START = 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log';

/** Every requirement, with the locations the given environment selects. */
export function requirements(env: Record<string, string | undefined>): Requirement[] {
  const at = (variable: Variable) => maskUrl(setting(env, variable));
  const local = (variable: Variable) => isLoopbackUrl(setting(env, variable));
  return [
    { id: 'redis', what: 'Redis', variable: 'REDIS_URL', where: at('REDIS_URL'), aptPackage: 'redis-server', start: REDIS_START, isLocal: local('REDIS_URL') },
    { id: 'rabbitmq', what: 'RabbitMQ (AMQP)', variable: 'AMQP_URL', where: at('AMQP_URL'), aptPackage: 'rabbitmq-server', start: 'rabbitmq-server -detached', isLocal: local('AMQP_URL') },
    { id: 'management', what: 'RabbitMQ management API', variable: 'MANAGEMENT_URL', where: at('MANAGEMENT_URL'), aptPackage: 'rabbitmq-server', start: 'rabbitmq-plugins enable rabbitmq_management', isLocal: local('MANAGEMENT_URL') },
    { id: 'postgres', what: 'PostgreSQL', variable: 'POSTGRES_URL', where: at('POSTGRES_URL'), aptPackage: 'postgresql', start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start', isLocal: local('POSTGRES_URL') },
    { id: 'chromium', what: 'Chromium (end-to-end tests)', variable: 'CHROMIUM_PATH', where: setting(env, 'CHROMIUM_PATH'), aptPackage: 'chromium', start: null, isLocal: true },
    { id: 'sshd', what: 'OpenSSH server (SSH tunnel tests)', variable: 'SSHD_PATH', where: setting(env, 'SSHD_PATH'), aptPackage: 'openssh-server', start: null, isLocal: true },
    { id: 'redis-server', what: 'redis-server program (fault tests start their own)', variable: null, where: 'PATH', aptPackage: 'redis-server', start: null, isLocal: true },
    { id: 'pg-server', what: 'PostgreSQL initdb and postgres programs (database fault tests start their own)', variable: 'PG_BIN', where: setting(env, 'PG_BIN'), aptPackage: 'postgresql', start: null, isLocal: true },
  ];
}

/** Whether a URL names this machine (a fix run here can help). */
export function isLoopbackUrl(raw: string): boolean {
  try {
    const host = new URL(raw).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return true;
  }
}

/** The fix as the user should type it: with sudo unless they are root. */
export function asTyped(fix: string, isRoot: boolean): string {
  if (isRoot) return fix;
  return fix
    .split(' && ')
    .map((step) => `sudo ${step}`)
    .join(' && ');
}

/**
 * What fixes a failure: the probe's own advice (a wrong password); for another machine, pointing the
 * variable elsewhere; here, the Debian command that installs it (when missing) and starts it.
 */
export function fixFor(requirement: Requirement, outcome: Extract<ProbeOutcome, { ok: false }>, isRoot: boolean): string {
  if (outcome.fix) return outcome.fix;
  if (!requirement.isLocal) return `start it there, or point ${requirement.variable} at one that runs`;
  const install = `apt-get install -y ${requirement.aptPackage}`;
  const command = requirement.start === null ? install : outcome.isInstalled === false ? `${install} && ${requirement.start}` : requirement.start;
  return asTyped(command, isRoot);
}

/** One line: what, where it looked (and the variable that moves it), what is wrong, and what fixes it. */
export function failureLine(requirement: Requirement, outcome: Extract<ProbeOutcome, { ok: false }>, isRoot: boolean): string {
  const where = requirement.variable ? `${requirement.where} (${requirement.variable})` : requirement.where;
  return `✗ ${requirement.what} at ${where}: ${outcome.problem} — fix: ${fixFor(requirement, outcome, isRoot)}`;
}

export interface PrerequisiteReport {
  ok: boolean;
  /** What to print: one line per missing prerequisite and a closing hint, or one line saying all is there. */
  lines: string[];
}

/** The decision: every requirement met, or the lines that say what to do. */
export function prerequisiteReport(results: readonly { requirement: Requirement; outcome: ProbeOutcome }[], isRoot: boolean, elapsedMs: number): PrerequisiteReport {
  const failed = results.filter((r): r is { requirement: Requirement; outcome: Extract<ProbeOutcome, { ok: false }> } => !r.outcome.ok);
  if (failed.length === 0) {
    return { ok: true, lines: [`prerequisites ok (${results.map((r) => r.requirement.id).join(', ')}) in ${(elapsedMs / 1000).toFixed(1)} s`] };
  }
  return {
    ok: false,
    lines: [
      `npm test needs ${failed.length === 1 ? 'one thing' : `${failed.length} things`} this machine lacks; no test was run:`,
      ...failed.map((r) => `  ${failureLine(r.requirement, r.outcome, isRoot)}`),
      'Or run `npm run setup` once: it installs and starts all of this on Debian (never restarting what already runs).',
    ],
  };
}

/** Words a failed connection attempt the way an operator reads it. */
export function connectProblem(error: unknown, timeoutMs: number): string {
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  const message = e?.cause?.message ?? e?.message ?? String(error);
  if (code === 'ECONNREFUSED') return 'nothing listening (connection refused)';
  if (code === 'ETIMEDOUT' || code === 'TIMEOUT' || /time(d)? ?out/i.test(message)) return `no answer within ${(timeoutMs / 1000).toFixed(0)} s`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name not found';
  if (code === 'ECONNRESET') return 'connection reset';
  if (message === 'bad port') return 'a port fetch refuses to use (an unsafe port)';
  return message;
}

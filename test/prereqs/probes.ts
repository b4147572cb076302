import { constants, accessSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { connectProblem, setting, type ProbeOutcome, type RequirementId } from './requirements';

/** Every probe gives up after this: a service that is there answers on loopback in milliseconds. */
export const PROBE_TIMEOUT_MS = 3000;

const OK: ProbeOutcome = { ok: true };
/** PostgreSQL's Terminate message. */
const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);

/** Whether `program` is an executable in PATH or in the sbin folders a non-root PATH often lacks. */
export function isOnPath(program: string, env: Record<string, string | undefined> = process.env): boolean {
  const dirs = [...(env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'].filter(Boolean);
  return dirs.some((dir) => isExecutable(path.join(dir, program)));
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function probeRedis(url: string): Promise<ProbeOutcome> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: PROBE_TIMEOUT_MS, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  let socketError: unknown; // ioredis rejects with "Connection is closed"; the cause comes as an event
  client.on('error', (error) => (socketError ??= error));
  try {
    await client.connect();
    await client.ping();
    return OK;
  } catch (rejection) {
    const error = socketError ?? rejection;
    const message = String((error as Error).message);
    if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(message)) return { ok: false, problem: `authentication failed (${message})`, fix: 'put the right user and password in REDIS_URL (redis://user:password@host:port)' };
    return { ok: false, problem: connectProblem(error, PROBE_TIMEOUT_MS), isInstalled: isOnPath('redis-server') };
  } finally {
    client.disconnect();
  }
}

async function probeAmqp(url: string): Promise<ProbeOutcome> {
  try {
    const connection = await amqp.connect(url, { timeout: PROBE_TIMEOUT_MS });
    await connection.close();
    return OK;
  } catch (error) {
    const message = String((error as Error).message);
    if (/ACCESS_REFUSED|403/.test(message)) return { ok: false, problem: 'the broker refused the user and password', fix: 'put the right user and password in AMQP_URL (amqp://user:password@host:port)' };
    return { ok: false, problem: connectProblem(error, PROBE_TIMEOUT_MS), isInstalled: isOnPath('rabbitmq-server') };
  }
}

/** The management API with the credentials the tests use: the URL's own, else AMQP_URL's, else guest. */
async function probeManagement(managementUrl: string, amqpUrl: string): Promise<ProbeOutcome> {
  let url: URL;
  try {
    url = new URL('/api/overview', managementUrl);
  } catch {
    return { ok: false, problem: 'not a URL', fix: 'set MANAGEMENT_URL to http://host:15672' };
  }
  const own = new URL(managementUrl);
  const fromAmqp = URL.canParse(amqpUrl) ? new URL(amqpUrl) : null;
  const user = decodeURIComponent(own.username || fromAmqp?.username || 'guest');
  const password = decodeURIComponent(own.username ? own.password : fromAmqp?.password || 'guest');
  url.username = '';
  url.password = '';
  try {
    const response = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
    if (response.ok) return OK;
    if (response.status === 401) return { ok: false, problem: `HTTP 401: user "${user}" was refused`, fix: 'give MANAGEMENT_URL a user with the management tag (http://user:password@host:15672)' };
    return { ok: false, problem: `HTTP ${response.status} from ${url.pathname}`, fix: 'point MANAGEMENT_URL at the RabbitMQ management plugin (port 15672)' };
  } catch (error) {
    const problem = connectProblem(error, PROBE_TIMEOUT_MS);
    if (problem.startsWith('nothing listening')) return { ok: false, problem, isInstalled: isOnPath('rabbitmq-plugins') };
    return { ok: false, problem, fix: 'point MANAGEMENT_URL at the RabbitMQ management plugin (http://host:15672)' };
  }
}

/**
 * PostgreSQL without a client library: a protocol 3.0 startup message and its first answer.
 * AuthenticationOk means the user gets in; a password request is fine when the URL has one.
 */
async function probePostgres(raw: string): Promise<ProbeOutcome> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'not a URL', fix: 'set POSTGRES_URL to postgres://user@host:5432/database' };
  }
  const user = decodeURIComponent(url.username || 'postgres');
  const database = decodeURIComponent(url.pathname.slice(1) || user);
  const hasPassword = url.password !== '';
  const body = Buffer.concat([Buffer.from([0, 3, 0, 0]), Buffer.from(`user\0${user}\0database\0${database}\0\0`)]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  const notInstalled = () => ({ isInstalled: isOnPath('pg_ctlcluster') });
  return new Promise<ProbeOutcome>((resolve) => {
    const socket = net.connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 5432) });
    let answer = Buffer.alloc(0);
    const finish = (outcome: ProbeOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => finish({ ok: false, problem: connectProblem({ code: 'ETIMEDOUT' }, PROBE_TIMEOUT_MS), ...notInstalled() }));
    socket.on('error', (error) => finish({ ok: false, problem: connectProblem(error, PROBE_TIMEOUT_MS), ...notInstalled() }));
    socket.on('connect', () => socket.write(Buffer.concat([length, body])));
    socket.on('data', (chunk) => {
      answer = Buffer.concat([answer, chunk]);
      if (answer.length < 5 || answer.length < 1 + answer.readInt32BE(1)) return;
      const kind = String.fromCharCode(answer[0]!);
      if (kind === 'R') {
        const code = answer.readInt32BE(5);
        if (code === 0 || hasPassword) {
          socket.end(TERMINATE); // a polite goodbye, so the server logs no broken connection
          return resolve(OK);
        }
        return finish({ ok: false, problem: `user "${user}" needs a password (authentication method ${code})`, fix: `put the password in POSTGRES_URL (postgres://${user}:PASSWORD@${url.host}/${database}) or allow trust for 127.0.0.1 in pg_hba.conf` });
      }
      if (kind === 'E') {
        const fields = answer.subarray(5).toString('utf8').split('\0');
        const message = fields.find((f) => f.startsWith('M'))?.slice(1) ?? 'refused the connection';
        return finish({ ok: false, problem: message, fix: database === 'watchfloor_test' ? 'run `npm run setup` (it creates the test database watchfloor_test), or point POSTGRES_URL at a database that exists' : `make user "${user}" and database "${database}" exist, or point POSTGRES_URL at ones that do` });
      }
      finish({ ok: false, problem: 'the server at this address does not speak the PostgreSQL protocol', fix: 'point POSTGRES_URL at PostgreSQL (port 5432)' });
    });
  });
}

function probeExecutable(file: string): ProbeOutcome {
  return isExecutable(file) ? OK : { ok: false, problem: 'no executable file there' };
}

/** Runs the probe of one requirement against the given environment's settings. */
export function probe(id: RequirementId, env: Record<string, string | undefined>): Promise<ProbeOutcome> {
  switch (id) {
    case 'redis':
      return probeRedis(setting(env, 'REDIS_URL'));
    case 'rabbitmq':
      return probeAmqp(setting(env, 'AMQP_URL'));
    case 'management':
      return probeManagement(setting(env, 'MANAGEMENT_URL'), setting(env, 'AMQP_URL'));
    case 'postgres':
      return probePostgres(setting(env, 'POSTGRES_URL'));
    case 'chromium':
      return Promise.resolve(probeExecutable(setting(env, 'CHROMIUM_PATH')));
    case 'sshd':
      return Promise.resolve(probeExecutable(setting(env, 'SSHD_PATH')));
    case 'redis-server':
      return Promise.resolve(isOnPath('redis-server', env) ? OK : { ok: false, problem: 'not installed' });
    case 'pg-server': {
      const bin = setting(env, 'PG_BIN');
      const initdb = probeExecutable(path.join(bin, 'initdb'));
      return Promise.resolve(initdb.ok ? probeExecutable(path.join(bin, 'postgres')) : initdb);
    }
  }
}

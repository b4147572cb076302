import amqp from 'amqplib';
import type { BrokerTestResult, ConnectionTestResult } from '../../../shared/model/connection';
import type { ResolvedEnvironment } from '../environments/resolved-environment';
import type { Redactor } from '../redaction';
import { classifyFailure } from './connection-failure';
import { amqpSocketOptions } from './rabbitmq/amqp-connection';
import { ManagementClient } from './rabbitmq/management-client';
import { createRedisClient, redisFailureCause, redisTarget } from './redis/redis-connection';
import { isCluster } from './redis/redis-client';
import { classifyPgFailure, connectPg } from '../database/pg-connection';
import { detectStorage } from '../database/schema';
import type { PostgresSettings } from '../environments/resolved-environment';
import { SshFailureError, SshTunnel, type SshTunnelOptions } from '../tunnel/ssh-tunnel';
import { routeThroughTunnel } from '../tunnel/tunnel-routing';
import { parseBrokerUrl } from '../../../shared/model/broker-url';
import type { ConnectionFailure } from '../../../shared/model/connection';

const NOT_CONFIGURED: BrokerTestResult = { configured: false, ok: false };

/** Rejects after `ms` with a timeout error, so every test answers within its deadline. */
function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function testRedis(settings: NonNullable<ResolvedEnvironment['redis']>, redactor: Redactor, deadlineMs: number): Promise<BrokerTestResult> {
  const started = Date.now();
  if (settings.tlsSettings?.error) return { configured: true, ok: false, failure: { kind: 'tls', message: redactor.redact(settings.tlsSettings.error) } };
  const client = createRedisClient(settings, { retryStrategy: () => null, connectTimeout: deadlineMs, commandTimeout: deadlineMs });
  let lastError: unknown;
  // The root cause wins: a later "Connection is closed" must not hide an ECONNREFUSED or a WRONGPASS.
  const remember = (error: unknown) => {
    if (lastError === undefined || (typeof (error as { code?: unknown }).code === 'string' && typeof (lastError as { code?: unknown }).code !== 'string')) lastError = error;
  };
  client.on('error', (error: unknown) => remember(redisFailureCause(error)));
  // A cluster names its nodes' failures here (the cluster-level error only says none was reachable).
  client.on('node error', (error: unknown) => remember(error));
  try {
    await withDeadline(client.connect(), deadlineMs, 'Redis connect');
    const info = await withDeadline(client.info('server'), deadlineMs, 'Redis INFO');
    const version = /redis_version:([^\r\n]+)/.exec(info)?.[1];
    if (isCluster(client)) {
      // Connected is not enough: the cluster must serve every slot.
      const state = /cluster_state:(\w+)/.exec(await withDeadline(client.cluster('INFO'), deadlineMs, 'CLUSTER INFO'))?.[1];
      if (state !== 'ok') return { configured: true, ok: false, failure: { kind: 'protocol', message: redactor.redact(`${redisTarget(settings)}: cluster_state is ${state ?? 'unknown'}, not ok`) } };
      const masters = client.nodes('master').length;
      return { configured: true, ok: true, latencyMs: Date.now() - started, serverVersion: `${version ? `Redis ${version}` : 'Redis'} cluster, ${masters} master${masters === 1 ? '' : 's'}` };
    }
    const latencyMs = Date.now() - started;
    const warning = (await acceptsAnyone(settings, deadlineMs)) ? openServerWarning(settings) : undefined;
    return { configured: true, ok: true, latencyMs, serverVersion: version ? `Redis ${version}` : undefined, ...(warning ? { warning } : {}) };
  } catch (error) {
    const cause = lastError ?? redisFailureCause(error);
    // ioredis's Cluster drops the seed's socket error ("Connection is closed."): ask the first seed alone to name it.
    if (settings.cluster && typeof (cause as { code?: unknown }).code !== 'string') {
      const seed = settings.cluster.nodes[0]!;
      const alone = await testRedis({ ...settings, cluster: undefined, sentinel: undefined, host: seed.host, port: seed.port }, redactor, deadlineMs);
      if (!alone.ok && alone.failure) return { configured: true, ok: false, failure: { ...alone.failure, message: redactor.redact(`cluster seed ${alone.failure.message}`) } };
    }
    return { configured: true, ok: false, failure: classifyFailure(cause, redactor, redisTarget(settings)) };
  } finally {
    client.disconnect(false);
  }
}

/**
 * Whether the server answers a client that gives no user and no password (issue 21.3): such a
 * server also says OK to a wrong password (ioredis only logs Redis's "AUTH called without any
 * password configured"), so a test that passed proves nothing about the credentials.
 */
async function acceptsAnyone(settings: NonNullable<ResolvedEnvironment['redis']>, deadlineMs: number): Promise<boolean> {
  const probe = createRedisClient({ ...settings, username: '', password: '' }, { retryStrategy: () => null, connectTimeout: deadlineMs, commandTimeout: deadlineMs, connectionName: 'watchfloor-auth-probe' });
  probe.on('error', () => undefined);
  try {
    await withDeadline(probe.connect(), deadlineMs, 'Redis connect');
    return (await withDeadline(probe.ping(), deadlineMs, 'Redis PING')) === 'PONG';
  } catch {
    // NOAUTH / WRONGPASS / anything else: the server did not let an anonymous client in.
    return false;
  } finally {
    probe.disconnect(false);
  }
}

function openServerWarning(settings: NonNullable<ResolvedEnvironment['redis']>): string {
  return settings.password
    ? 'this Redis requires no password, so the one given was not checked (a wrong one also tests OK); anyone who can reach it can read and change it'
    : 'this Redis requires no password: anyone who can reach it can read and change it';
}

async function testAmqp(settings: NonNullable<ResolvedEnvironment['amqp']>, redactor: Redactor, deadlineMs: number): Promise<BrokerTestResult> {
  const started = Date.now();
  if (settings.tlsSettings?.error) return { configured: true, ok: false, failure: { kind: 'tls', message: redactor.redact(settings.tlsSettings.error) } };
  try {
    const connecting = amqp.connect(settings.url, { ...amqpSocketOptions(settings), timeout: deadlineMs });
    // A late success after the deadline must still be closed.
    connecting.then((late) => late, () => undefined);
    const model = await withDeadline(connecting, deadlineMs, 'AMQP connect');
    model.on('error', () => undefined);
    const product = model.connection.serverProperties.product ?? 'RabbitMQ';
    const version = model.connection.serverProperties.version;
    await model.close().catch(() => undefined);
    return { configured: true, ok: true, latencyMs: Date.now() - started, serverVersion: version ? `${product} ${version}` : product };
  } catch (error) {
    return { configured: true, ok: false, failure: classifyFailure(error, redactor, `${settings.host}:${settings.port}`) };
  }
}

async function testManagement(settings: NonNullable<ResolvedEnvironment['management']>, redactor: Redactor, deadlineMs: number): Promise<BrokerTestResult> {
  const started = Date.now();
  try {
    const overview = await new ManagementClient(settings).overview(deadlineMs);
    return { configured: true, ok: true, latencyMs: Date.now() - started, serverVersion: `RabbitMQ ${overview.rabbitmqVersion}` };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return { configured: true, ok: false, failure: classifyFailure(cause ?? error, redactor, settings.baseUrl) };
  }
}

async function testPostgres(settings: PostgresSettings, redactor: Redactor, deadlineMs: number): Promise<BrokerTestResult> {
  const started = Date.now();
  if (settings.tlsSettings?.error) return { configured: true, ok: false, failure: { kind: 'tls', message: redactor.redact(settings.tlsSettings.error) } };
  try {
    const client = await withDeadline(connectPg(settings, { connectTimeoutMs: deadlineMs, applicationName: 'watchfloor-test' }), deadlineMs + 500, 'PostgreSQL connect');
    try {
      const { rows } = await withDeadline(client.query<{ v: string }>("SELECT current_setting('server_version') AS v"), deadlineMs, 'PostgreSQL query');
      const storage = await withDeadline(detectStorage(client), deadlineMs, 'PostgreSQL extension check');
      const latencyMs = Date.now() - started;
      return { configured: true, ok: true, latencyMs, serverVersion: `PostgreSQL ${rows[0]?.v ?? ''}${storage.mode === 'timescaledb' ? `, TimescaleDB ${storage.timescaleVersion} hypertables` : storage.timescaleVersion ? `, TimescaleDB ${storage.timescaleVersion} (tables plain)` : ', plain tables (no TimescaleDB)'}` };
    } finally {
      await client.end().catch(() => undefined);
    }
  } catch (error) {
    return { configured: true, ok: false, failure: classifyPgFailure(error, settings, redactor) };
  }
}

/** "Test connection": connects to each configured broker once, in parallel, each within `deadlineMs`. */
export async function testConnections(env: ResolvedEnvironment, redactor: Redactor, deadlineMs = 5000, tunnelOptions: Omit<SshTunnelOptions, 'redactor'> = {}): Promise<ConnectionTestResult> {
  if (env.ssh && !env.tunnelled) return testThroughTunnel(env, redactor, deadlineMs, tunnelOptions);
  const [redis, amqpResult, management, postgres] = await Promise.all([
    env.redis ? testRedis(env.redis, redactor, deadlineMs) : NOT_CONFIGURED,
    env.amqp ? testAmqp(env.amqp, redactor, deadlineMs) : NOT_CONFIGURED,
    env.management ? testManagement(env.management, redactor, deadlineMs) : NOT_CONFIGURED,
    env.postgres ? testPostgres(env.postgres, redactor, deadlineMs) : NOT_CONFIGURED,
  ]);
  return { redis, amqp: amqpResult, management, postgres, ssh: NOT_CONFIGURED };
}

/** The real host and port each configured broker is reached at (what the bastion must forward to). */
function brokerTargets(env: ResolvedEnvironment): Partial<Record<'redis' | 'amqp' | 'management' | 'postgres', { host: string; port: number }>> {
  const targets: ReturnType<typeof brokerTargets> = {};
  // Behind Sentinel the URL's host is not used: the first sentinel is what the bastion must reach.
  if (env.redis) targets.redis = env.redis.sentinel?.nodes[0] ?? env.redis.cluster?.nodes[0] ?? { host: env.redis.host, port: env.redis.port };
  if (env.amqp) targets.amqp = { host: env.amqp.host.replace(/^\[|\]$/g, ''), port: env.amqp.port };
  if (env.management) {
    const url = parseBrokerUrl(env.management.baseUrl, ['http', 'https']);
    if (!('error' in url)) targets.management = { host: url.host.replace(/^\[|\]$/g, ''), port: url.port ?? (url.scheme === 'https' ? 443 : 80) };
  }
  if (env.postgres) targets.postgres = { host: env.postgres.host, port: env.postgres.port };
  return targets;
}

/** The loopback ports of the routed environment's forwarders other than Redis's. */
function otherBrokerPorts(routed: ResolvedEnvironment): Set<number> {
  const ports = new Set<number>();
  for (const [url, schemes] of [
    [routed.amqp?.url, ['amqp', 'amqps']],
    [routed.management?.baseUrl, ['http', 'https']],
  ] as const) {
    const parsed = url ? parseBrokerUrl(url, schemes) : null;
    if (parsed && !('error' in parsed) && parsed.port) ports.add(parsed.port);
  }
  if (routed.postgres) ports.add(routed.postgres.port);
  return ports;
}

/**
 * Test connection through the SSH hop, on a tunnel of its own: first the SSH connection (bastion
 * reachable, host key, authentication), then whether the bastion forwards to each broker, then each
 * broker through the tunnel. A failure at an SSH step is named by that step for every broker behind it.
 */
async function testThroughTunnel(env: ResolvedEnvironment, redactor: Redactor, deadlineMs: number, tunnelOptions: Omit<SshTunnelOptions, 'redactor'>): Promise<ConnectionTestResult> {
  const tunnel = new SshTunnel(env.ssh!, { ...tunnelOptions, redactor, readyTimeoutMs: deadlineMs });
  const failed = (failure: ConnectionFailure): BrokerTestResult => ({ configured: true, ok: false, failure });
  const targets = brokerTargets(env);
  const started = Date.now();
  try {
    try {
      await tunnel.ready();
    } catch (error) {
      const failure = error instanceof SshFailureError ? error.failure : classifyFailure(error, redactor, tunnel.name);
      const behind = (key: keyof typeof targets) => (targets[key] ? failed(failure) : NOT_CONFIGURED);
      return { redis: behind('redis'), amqp: behind('amqp'), management: behind('management'), postgres: behind('postgres'), ssh: failed(failure) };
    }
    const ssh: BrokerTestResult = { configured: true, ok: true, latencyMs: Date.now() - started, serverVersion: `SSH ${tunnel.name}` };
    const probes = new Map<string, ConnectionFailure | null>();
    await Promise.all(
      Object.entries(targets).map(async ([key, target]) => {
        try {
          await tunnel.probe(target.host, target.port, deadlineMs);
          probes.set(key, null);
        } catch (error) {
          probes.set(key, error instanceof SshFailureError ? error.failure : classifyFailure(error, redactor, `${target.host}:${target.port}`));
        }
      }),
    );
    const routed = await routeThroughTunnel(env, tunnel);
    const run = <T>(key: keyof typeof targets, settings: T | null | undefined, test: (s: T) => Promise<BrokerTestResult>): Promise<BrokerTestResult> => {
      if (!settings) return Promise.resolve(NOT_CONFIGURED);
      const refused = probes.get(key);
      return refused ? Promise.resolve(failed(refused)) : test(settings);
    };
    const [redis, amqpResult, management, postgres] = await Promise.all([
      run('redis', routed.redis, async (s) => {
        const result = await testRedis(s, redactor, deadlineMs);
        // Behind Sentinel or Cluster the failing stream may be to a node discovery named (the primary, a master): name it.
        const named = !result.ok && s.tunnelNodes ? tunnel.failureExcept(otherBrokerPorts(routed)) : null;
        return named ? failed(named) : result;
      }),
      run('amqp', routed.amqp, (s) => testAmqp(s, redactor, deadlineMs)),
      run('management', routed.management, (s) => testManagement(s, redactor, deadlineMs)),
      run('postgres', routed.postgres, (s) => testPostgres(s, redactor, deadlineMs)),
    ]);
    return { redis, amqp: amqpResult, management, postgres, ssh };
  } finally {
    await tunnel.close();
  }
}

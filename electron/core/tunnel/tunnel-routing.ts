import { formatBrokerUrl, parseBrokerUrl } from '../../../shared/model/broker-url';
import { loadTls, type ResolvedEnvironment, type SshSettings } from '../environments/resolved-environment';
import { forwardSentinelNodes } from './sentinel-nodes';
import { SshTunnel, type SshTunnelOptions } from './ssh-tunnel';

/** Listeners a tunnel keeps bound for Redis nodes discovery may name at any moment (a cluster's new master, a failover's primary). */
const NODE_SPARES = 4;

/** A URL's host and port replaced by the loopback forwarder's (user, password, path and query kept). */
function throughForwarder(url: string, schemes: readonly string[], port: number): string {
  const parsed = parseBrokerUrl(url, schemes);
  if ('error' in parsed) throw new Error(parsed.error);
  return formatBrokerUrl({ ...parsed, host: '127.0.0.1', port }, parsed.password);
}

/** The host and port a URL names (default port per scheme). */
function urlTarget(url: string, schemes: readonly string[], defaults: Record<string, number>): { host: string; port: number } {
  const parsed = parseBrokerUrl(url, schemes);
  if ('error' in parsed) throw new Error(parsed.error);
  return { host: parsed.host.replace(/^\[|\]$/g, ''), port: parsed.port ?? defaults[parsed.scheme]! };
}

/**
 * The environment's connection settings pointed at the tunnel's loopback forwarders: Redis,
 * AMQP, the management API and PostgreSQL each connect to 127.0.0.1:<port>, which carries them
 * over the SSH connection to the real host. TLS keeps the real host as the name it verifies.
 * Plain data still (worker threads in this process connect to the same forwarders).
 *
 * Redis Sentinel and Cluster: the seeds (sentinels, cluster nodes) get forwarders now, and every
 * node their discovery names later — the primary after a failover, a slot map's, `MOVED`'s and
 * `ASK`'s nodes — is mapped to a forwarder of its own over the same SSH connection
 * (`redis.tunnelNodes`, read by the ioredis `natMap`), so none is ever connected to directly.
 */
export async function routeThroughTunnel(env: ResolvedEnvironment, tunnel: SshTunnel): Promise<ResolvedEnvironment> {
  const routed: ResolvedEnvironment = { ...env, tunnelled: true };
  if (env.redis) {
    // The certificate is still checked against the broker's real name.
    const tlsSettings = env.redis.tls ? (env.redis.tlsSettings ?? loadTls(undefined, env.redis.host)) : env.redis.tlsSettings;
    const seeds = env.redis.sentinel?.nodes ?? env.redis.cluster?.nodes;
    if (seeds) {
      const refusedPort = await tunnel.reserveSpares(NODE_SPARES);
      const nodes = await Promise.all(seeds.map(async (node) => ({ host: '127.0.0.1', port: await tunnel.forward(node.host, node.port) })));
      if (env.redis.sentinel) await forwardSentinelNodes(tunnel, env.redis.sentinel.masterName, nodes);
      routed.redis = {
        ...env.redis,
        // The first seed stands for the connection in failure names (the tunnel's failure for its forwarder).
        host: '127.0.0.1',
        port: nodes[0]!.port,
        ...(env.redis.sentinel ? { sentinel: { ...env.redis.sentinel, nodes } } : { cluster: { nodes } }),
        tunnelNodes: { tunnelId: tunnel.id, forwarders: tunnel.forwardedPorts, refusedPort },
        tlsSettings,
      };
    } else {
      const port = await tunnel.forward(env.redis.host, env.redis.port);
      routed.redis = { ...env.redis, host: '127.0.0.1', port, tlsSettings };
    }
  }
  if (env.amqp) {
    // host and port stay the real ones (messages, the TLS name); amqplib connects where the URL says.
    const port = await tunnel.forward(env.amqp.host.replace(/^\[|\]$/g, ''), env.amqp.port);
    routed.amqp = {
      ...env.amqp,
      url: throughForwarder(env.amqp.url, ['amqp', 'amqps'], port),
      tlsSettings: env.amqp.tls ? (env.amqp.tlsSettings ?? loadTls(undefined, env.amqp.host)) : env.amqp.tlsSettings,
    };
  }
  if (env.management) {
    const target = urlTarget(env.management.baseUrl, ['http', 'https'], { http: 80, https: 443 });
    const port = await tunnel.forward(target.host, target.port);
    const https = env.management.baseUrl.startsWith('https:');
    routed.management = {
      ...env.management,
      baseUrl: throughForwarder(env.management.baseUrl, ['http', 'https'], port).replace(/\/$/, ''),
      // An https:// API through the tunnel is verified against its real name (system CAs unless a CA file is set).
      tlsSettings: https ? (env.management.tlsSettings ?? loadTls(undefined, target.host)) : env.management.tlsSettings,
    };
  }
  if (env.postgres) {
    const port = await tunnel.forward(env.postgres.host, env.postgres.port);
    routed.postgres = { ...env.postgres, host: '127.0.0.1', port, tlsSettings: env.postgres.tls ? (env.postgres.tlsSettings ?? loadTls(undefined, env.postgres.host)) : env.postgres.tlsSettings };
  }
  return routed;
}

/** A stable text of the settings that define an SSH connection (a change opens a new one). */
function tunnelKey(settings: SshSettings): string {
  return JSON.stringify([settings.host, settings.port, settings.user, settings.auth, settings.keyFile, settings.hostKey, settings.jump, settings.passphrase, settings.password]);
}

/**
 * The SSH tunnels of the environments: one per environment, shared by all its connections (the
 * runtime's, the workers', the credential probe's), replaced when its SSH settings change.
 */
export class TunnelManager {
  private readonly tunnels = new Map<string, { key: string; tunnel: SshTunnel }>();

  constructor(private readonly options: SshTunnelOptions) {}

  /** The environment's tunnel (opened lazily), or null when it connects directly. */
  tunnel(envId: string): SshTunnel | null {
    return this.tunnels.get(envId)?.tunnel ?? null;
  }

  /** `env` routed through its environment's tunnel; unchanged when it has no SSH hop. */
  async route(envId: string, env: ResolvedEnvironment): Promise<ResolvedEnvironment> {
    if (!env.ssh) {
      await this.close(envId);
      return env;
    }
    const key = tunnelKey(env.ssh);
    let entry = this.tunnels.get(envId);
    if (!entry || entry.key !== key) {
      // Replaced synchronously, so concurrent resolves share the new tunnel; the old one closes behind.
      const old = entry?.tunnel;
      entry = { key, tunnel: new SshTunnel(env.ssh, this.options) };
      this.tunnels.set(envId, entry);
      await old?.close();
    }
    return routeThroughTunnel(env, entry.tunnel);
  }

  /** A tunnel of its own for a one-off (Test connection of a form not saved), closed by the caller. */
  temporary(settings: SshSettings): SshTunnel {
    return new SshTunnel(settings, this.options);
  }

  async close(envId: string): Promise<void> {
    const entry = this.tunnels.get(envId);
    this.tunnels.delete(envId);
    await entry?.tunnel.close();
  }

  async closeAll(): Promise<void> {
    const all = [...this.tunnels.values()];
    this.tunnels.clear();
    await Promise.all(all.map((entry) => entry.tunnel.close()));
  }
}

import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { formatBrokerUrl, parseBrokerUrl, type ParsedBrokerUrl } from '../../../shared/model/broker-url';
import type { TlsFiles } from '../../../shared/model/environment';
import type { EnvironmentProfile, SshProfile } from './profile';
import { parseKey, parsePreviousKeys, type PayloadKeyring } from '../payload-crypto';
import type { TunnelledNodes } from '../tunnel/tunnelled-nodes';

/**
 * The TLS options of one connection: certificates always verified (never `rejectUnauthorized:
 * false`); with a CA file only that CA is trusted. `error` when a configured file cannot be read —
 * the connection then reports it instead of connecting.
 */
export interface TlsSettings {
  options: ConnectionOptions;
  error: string | null;
}

export function loadTls(files: TlsFiles | undefined, host: string): TlsSettings {
  const options: ConnectionOptions = { servername: files?.servername || host, rejectUnauthorized: true };
  const read = (what: string, file: string | undefined): Buffer | undefined => {
    if (!file) return undefined;
    try {
      return readFileSync(file);
    } catch (error) {
      throw new Error(`cannot read the ${what} file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
    }
  };
  try {
    const ca = read('CA', files?.caFile);
    const cert = read('client certificate', files?.certFile);
    const key = read('client key', files?.keyFile);
    if (ca) options.ca = ca;
    if (cert) options.cert = cert;
    if (key) options.key = key;
    if ((cert && !key) || (key && !cert)) return { options, error: 'mutual TLS needs both a client certificate and its key' };
    return { options, error: null };
  } catch (error) {
    return { options, error: (error as Error).message };
  }
}

/** Everything needed to open an environment's connections, passwords included. Never leaves the core. */
export interface ResolvedEnvironment {
  profile: EnvironmentProfile;
  redis: { host: string; port: number; db: number; username: string; password: string; tls: boolean; tlsSettings: TlsSettings | null; sentinel?: { masterName: string; nodes: { host: string; port: number }[] }; cluster?: { nodes: { host: string; port: number }[] }; tunnelNodes?: TunnelledNodes } | null;
  amqp: { url: string; username: string; password: string; vhost: string; tls: boolean; host: string; port: number; tlsSettings: TlsSettings | null } | null;
  management: { baseUrl: string; username: string; password: string; tlsSettings: TlsSettings | null } | null;
  /** AES-256-GCM key for showing encrypted payloads, or null (the keyring's current key). */
  payloadKey: Buffer | null;
  /** The current payload key with its id and the previous keys (rotation), or null without a key. */
  payloadKeys: PayloadKeyring | null;
  /** The pipeline's PostgreSQL database, or null (absent in settings built before it existed). */
  postgres?: PostgresSettings | null;
  /** The SSH hop every connection goes through, secrets included, or null (direct). */
  ssh?: SshSettings | null;
  /** Set once the connections were routed through the tunnel: they now point at its loopback forwarders. */
  tunnelled?: boolean;
}

/** How to reach an environment's bastion: its profile plus the passphrase or password. */
export interface SshSettings extends SshProfile {
  passphrase?: string;
  password?: string;
}

/** How to reach an environment's database; plain data (handed to worker threads). */
export interface PostgresSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** `?sslmode=require|verify-ca|verify-full`; certificates are always verified. */
  tls: boolean;
  tlsSettings: TlsSettings | null;
}

const PG_TLS_MODES = new Set(['require', 'verify-ca', 'verify-full']);

/** A stored database URL (no password) and its password → connection settings. */
export function resolvePostgres(rawUrl: string, password: string | undefined, tlsFiles: TlsFiles | undefined): PostgresSettings {
  const url = parsed(rawUrl, ['postgres', 'postgresql']);
  const host = url.host.replace(/^\[|\]$/g, '');
  const sslmode = /(?:^|&)sslmode=([^&]*)/.exec(url.query)?.[1] ?? '';
  const tls = PG_TLS_MODES.has(sslmode) || (sslmode === '' && tlsFiles !== undefined);
  const user = url.username || 'postgres';
  return {
    host,
    port: url.port ?? 5432,
    database: url.path || user,
    user,
    password: password ?? url.password,
    tls,
    tlsSettings: tls ? loadTls(tlsFiles, host) : null,
  };
}

function parsed(url: string, schemes: readonly string[]): ParsedBrokerUrl {
  const result = parseBrokerUrl(url, schemes);
  if ('error' in result) throw new Error(result.error);
  return result;
}

/** "host:port" (IPv6 hosts in brackets) → its parts. */
function hostPort(node: string): { host: string; port: number } {
  const at = node.lastIndexOf(':');
  return { host: node.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(node.slice(at + 1)) };
}

/** Combines a stored profile with its passwords into connection settings. */
export function resolveEnvironment(
  profile: EnvironmentProfile,
  passwords: { redis?: string; amqp?: string; management?: string; payloadKey?: string; previousPayloadKeys?: string; postgres?: string; sshPassphrase?: string; sshPassword?: string },
): ResolvedEnvironment {
  let redis: ResolvedEnvironment['redis'] = null;
  if (profile.redis) {
    const url = parsed(profile.redis.url, ['redis', 'rediss']);
    const db = url.path === '' ? 0 : Number(url.path);
    redis = {
      host: url.host.replace(/^\[|\]$/g, ''),
      port: url.port ?? 6379,
      db: Number.isInteger(db) ? db : 0,
      username: profile.redis.username || url.username,
      password: passwords.redis ?? '',
      tls: profile.redis.tls || url.scheme === 'rediss',
      tlsSettings: null,
      ...(profile.redis.sentinel
        ? {
            sentinel: {
              masterName: profile.redis.sentinel.masterName,
              nodes: profile.redis.sentinel.nodes.map(hostPort),
            },
          }
        : {}),
    };
    // A cluster's seeds: the URL's node first, then the listed ones (each once).
    if (profile.redis.cluster) {
      const seeds = [{ host: redis.host, port: redis.port }, ...profile.redis.cluster.nodes.map(hostPort)];
      redis.cluster = { nodes: seeds.filter((node, index) => seeds.findIndex((other) => other.host === node.host && other.port === node.port) === index) };
      redis.db = 0;
    }
    if (redis.tls) redis.tlsSettings = loadTls(profile.redis.tlsFiles, redis.host);
  }
  let amqp: ResolvedEnvironment['amqp'] = null;
  if (profile.amqp) {
    const url = parsed(profile.amqp.url, ['amqp', 'amqps']);
    const username = url.username || 'guest';
    const password = passwords.amqp ?? '';
    amqp = {
      url: formatBrokerUrl({ ...url, username }, password),
      username,
      password,
      vhost: url.path || '/',
      tls: url.scheme === 'amqps',
      host: url.host,
      port: url.port ?? (url.scheme === 'amqps' ? 5671 : 5672),
      tlsSettings: url.scheme === 'amqps' ? loadTls(profile.amqp.tlsFiles, url.host) : null,
    };
  }
  let management: ResolvedEnvironment['management'] = null;
  if (profile.managementUrl) {
    const url = parsed(profile.managementUrl, ['http', 'https']);
    const ownUser = url.username !== '';
    management = {
      baseUrl: formatBrokerUrl({ ...url, username: '', query: '' }).replace(/\/$/, ''),
      username: ownUser ? url.username : (amqp?.username ?? 'guest'),
      password: ownUser ? (passwords.management ?? '') : (amqp?.password ?? ''),
      tlsSettings: url.scheme === 'https' && profile.managementTlsFiles ? loadTls(profile.managementTlsFiles, url.host.replace(/^\[|\]$/g, '')) : null,
    };
  }
  const payloadKey = keyOrNull(passwords.payloadKey);
  const postgres = profile.postgres ? resolvePostgres(profile.postgres.url, passwords.postgres, profile.postgres.tlsFiles) : null;
  const ssh: SshSettings | null = profile.ssh ? { ...structuredClone(profile.ssh), ...(passwords.sshPassphrase ? { passphrase: passwords.sshPassphrase } : {}), ...(passwords.sshPassword ? { password: passwords.sshPassword } : {}) } : null;
  return { profile, redis, amqp, management, payloadKey, payloadKeys: payloadKey ? { current: { id: profile.payloadKeyId ?? null, key: payloadKey }, previous: previousOrNone(passwords.previousPayloadKeys) } : null, postgres, ssh };
}

/** The stored payload key, or null when none (or an unreadable one: validated when it was saved). */
function keyOrNull(text: string | undefined): Buffer | null {
  if (!text) return null;
  try {
    return parseKey(text);
  } catch {
    return null;
  }
}

/** The stored previous keys, or none (validated when they were saved). */
function previousOrNone(text: string | undefined): PayloadKeyring['previous'] {
  if (!text) return [];
  try {
    return parsePreviousKeys(text);
  } catch {
    return [];
  }
}

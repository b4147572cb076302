import { formatBrokerUrl, parseBrokerUrl, type ParsedBrokerUrl } from '../../../shared/model/broker-url';
import type { EnvironmentProfile } from './profile';

/** Everything needed to open an environment's connections, passwords included. Never leaves the core. */
export interface ResolvedEnvironment {
  profile: EnvironmentProfile;
  redis: { host: string; port: number; db: number; username: string; password: string; tls: boolean } | null;
  amqp: { url: string; username: string; password: string; vhost: string; tls: boolean; host: string; port: number } | null;
  management: { baseUrl: string; username: string; password: string } | null;
}

function parsed(url: string, schemes: readonly string[]): ParsedBrokerUrl {
  const result = parseBrokerUrl(url, schemes);
  if ('error' in result) throw new Error(result.error);
  return result;
}

/** Combines a stored profile with its passwords into connection settings. */
export function resolveEnvironment(
  profile: EnvironmentProfile,
  passwords: { redis?: string; amqp?: string; management?: string },
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
    };
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
    };
  }
  return { profile, redis, amqp, management };
}

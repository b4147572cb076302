/** An environment form split into a password-free profile and the password changes it asks for (pure). */
import { formatBrokerUrl, parseBrokerUrl } from '../../../shared/model/broker-url';
import { ENVIRONMENT_PALETTE, type EnvironmentInputParsed, type TlsFiles } from '../../../shared/model/environment';
import type { EnvironmentProfile, SecretSlot } from './profile';
import { parseKey, parsePreviousKeys } from '../payload-crypto';
import { CodedError } from '../../../shared/contract/errors';

export type PasswordChange = { kind: 'keep' } | { kind: 'set'; value: string } | { kind: 'clear' };

interface NormalizedInput {
  profile: Omit<EnvironmentProfile, 'id'>;
  passwords: Record<SecretSlot, PasswordChange>;
}

export const SLOTS: SecretSlot[] = ['redis', 'amqp', 'management', 'payloadKey', 'previousPayloadKeys', 'postgres', 'sshPassphrase', 'sshPassword'];

function change(fromField: string | null | undefined, fromUrl: string): PasswordChange {
  if (fromField === null || fromField === '') return { kind: 'clear' };
  if (typeof fromField === 'string') return { kind: 'set', value: fromField };
  return fromUrl ? { kind: 'set', value: fromUrl } : { kind: 'keep' };
}

/** TLS file settings without empty fields; undefined when none is set. */
function cleanTls(files: TlsFiles | undefined): TlsFiles | undefined {
  if (!files) return undefined;
  const kept = Object.fromEntries(Object.entries(files).filter(([, v]) => typeof v === 'string' && v !== '')) as TlsFiles;
  return Object.keys(kept).length ? kept : undefined;
}

/** Splits a validated form into a password-free profile and the password changes it asks for. */
export function normalizeInput(input: EnvironmentInputParsed): NormalizedInput {
  const passwords: Record<SecretSlot, PasswordChange> = {
    redis: { kind: 'keep' },
    amqp: { kind: 'keep' },
    management: { kind: 'keep' },
    payloadKey: { kind: 'keep' },
    previousPayloadKeys: { kind: 'keep' },
    postgres: { kind: 'keep' },
    sshPassphrase: { kind: 'keep' },
    sshPassword: { kind: 'keep' },
  };
  if (input.payloadKey === null || input.payloadKey === '') passwords.payloadKey = { kind: 'clear' };
  else if (typeof input.payloadKey === 'string') {
    try {
      parseKey(input.payloadKey);
    } catch (error) {
      throw new CodedError('VALIDATION', `payload key: ${(error as Error).message}`);
    }
    passwords.payloadKey = { kind: 'set', value: input.payloadKey.trim() };
  }
  const payloadKeyId = input.payloadKeyId?.trim() || undefined;
  if (input.previousPayloadKeys === null || input.previousPayloadKeys?.trim() === '') passwords.previousPayloadKeys = { kind: 'clear' };
  else if (typeof input.previousPayloadKeys === 'string') {
    try {
      const previous = parsePreviousKeys(input.previousPayloadKeys);
      if (payloadKeyId && previous.some((k) => k.id === payloadKeyId)) throw new Error(`key id "${payloadKeyId}" is the current key's: give the new key a new id`);
    } catch (error) {
      throw new CodedError('VALIDATION', `previous payload keys: ${(error as Error).message}`);
    }
    passwords.previousPayloadKeys = { kind: 'set', value: input.previousPayloadKeys.trim() };
  }
  let redis: EnvironmentProfile['redis'] = null;
  if (input.redis) {
    const url = parseBrokerUrl(input.redis.url, ['redis', 'rediss']);
    if ('error' in url) throw new CodedError('VALIDATION', `Redis URL: ${url.error}`);
    if (input.redis.sentinel && input.redis.cluster) throw new CodedError('VALIDATION', 'Redis: Sentinel and Cluster exclude each other');
    redis = {
      url: formatBrokerUrl({ ...url, username: '' }),
      username: input.redis.username?.trim() || url.username,
      tls: input.redis.tls || url.scheme === 'rediss',
      ...(cleanTls(input.redis.tlsFiles) ? { tlsFiles: cleanTls(input.redis.tlsFiles) } : {}),
      ...(input.redis.sentinel ? { sentinel: input.redis.sentinel } : {}),
      ...(input.redis.cluster ? { cluster: input.redis.cluster } : {}),
    };
    passwords.redis = change(input.redis.password, url.password);
  } else {
    passwords.redis = { kind: 'clear' };
  }
  let amqp: EnvironmentProfile['amqp'] = null;
  if (input.amqp) {
    const url = parseBrokerUrl(input.amqp.url, ['amqp', 'amqps']);
    if ('error' in url) throw new CodedError('VALIDATION', `AMQP URL: ${url.error}`);
    amqp = { url: formatBrokerUrl(url), ...(cleanTls(input.amqp.tlsFiles) ? { tlsFiles: cleanTls(input.amqp.tlsFiles) } : {}) };
    passwords.amqp = change(input.amqp.password, url.password);
  } else {
    passwords.amqp = { kind: 'clear' };
  }
  let postgres: EnvironmentProfile['postgres'] = null;
  if (input.postgres) {
    const url = parseBrokerUrl(input.postgres.url, ['postgres', 'postgresql']);
    if ('error' in url) throw new CodedError('VALIDATION', `PostgreSQL URL: ${url.error}`);
    postgres = { url: formatBrokerUrl(url), ...(cleanTls(input.postgres.tlsFiles) ? { tlsFiles: cleanTls(input.postgres.tlsFiles) } : {}) };
    passwords.postgres = change(input.postgres.password, url.password);
  } else {
    passwords.postgres = { kind: 'clear' };
  }
  let ssh: EnvironmentProfile['ssh'] = null;
  if (input.ssh) {
    const { passphrase, password, keyFile, hostKey, jump, ...where } = input.ssh;
    if (where.auth === 'key' && !keyFile?.trim()) throw new CodedError('VALIDATION', 'SSH: key authentication needs a private key file');
    ssh = {
      ...where,
      ...(keyFile?.trim() ? { keyFile: keyFile.trim() } : {}),
      ...(hostKey ? { hostKey } : {}),
      ...(jump ? { jump: { host: jump.host, port: jump.port, user: jump.user, ...(jump.hostKey ? { hostKey: jump.hostKey } : {}) } } : {}),
    };
    passwords.sshPassphrase = change(passphrase, '');
    passwords.sshPassword = change(password, '');
  } else {
    passwords.sshPassphrase = { kind: 'clear' };
    passwords.sshPassword = { kind: 'clear' };
  }
  let managementUrl: string | null = null;
  if (input.managementUrl) {
    const url = parseBrokerUrl(input.managementUrl, ['http', 'https']);
    if ('error' in url) throw new CodedError('VALIDATION', `management API URL: ${url.error}`);
    managementUrl = formatBrokerUrl(url);
    passwords.management = url.password ? { kind: 'set', value: url.password } : url.username ? { kind: 'keep' } : { kind: 'clear' };
  } else {
    passwords.management = { kind: 'clear' };
  }
  return {
    profile: {
      name: input.name.trim(),
      // add() and update() fill it in (the next free palette colour, or the one kept); a connection test's does not matter.
      colour: input.colour ?? ENVIRONMENT_PALETTE[0],
      production: input.production,
      readOnly: input.readOnly ?? input.production,
      ...(input.role ? { role: input.role } : {}),
      namespace: input.namespace,
      redis,
      amqp,
      managementUrl,
      ...(managementUrl && cleanTls(input.managementTlsFiles) ? { managementTlsFiles: cleanTls(input.managementTlsFiles) } : {}),
      ...(payloadKeyId ? { payloadKeyId } : {}),
      ...(postgres ? { postgres } : {}),
      ...(ssh ? { ssh } : {}),
      ...(input.masking ? { masking: input.masking } : {}),
    },
    passwords,
  };
}

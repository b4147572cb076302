import type { MaskingConfig } from '../../../shared/model/masking';
import type { ClusterInput, Role, SentinelInput, SshAuth, TlsFiles } from '../../../shared/model/environment';

/** An environment as stored in `environments.json`: no passwords (they live in the secret store). */
export interface EnvironmentProfile {
  id: string;
  name: string;
  colour: string;
  production: boolean;
  /** Every write is refused by the core. Absent in files written before it existed: then `production`. */
  readOnly?: boolean;
  /** Absent: admin. */
  role?: Role;
  namespace: string;
  /** URL without password. */
  redis: { url: string; username: string; tls: boolean; tlsFiles?: TlsFiles; sentinel?: SentinelInput; cluster?: ClusterInput } | null;
  /** URL without password (the username stays in it). */
  amqp: { url: string; tlsFiles?: TlsFiles } | null;
  /** Management API base URL without password; it authenticates with the AMQP credentials unless it has a user of its own. */
  managementUrl: string | null;
  managementTlsFiles?: TlsFiles;
  /** The current payload key's id (the key itself is in the secret store). */
  payloadKeyId?: string;
  /** The pipeline's database, URL without password (user and database stay in it). Absent in older files: none. */
  postgres?: { url: string; tlsFiles?: TlsFiles } | null;
  /** Every connection through this SSH hop (passphrase and password in the secret store). Absent: direct. */
  ssh?: SshProfile | null;
  /** Payload fields masked (issue 20). Absent: DEFAULT_MASKING. */
  masking?: MaskingConfig;
}

/** One SSH hop of a profile: the bastion, optionally reached through a jump host with the same credentials. */
export interface SshProfile {
  host: string;
  port: number;
  user: string;
  auth: SshAuth;
  keyFile?: string;
  /** Pinned host key, `SHA256:…`. */
  hostKey?: string;
  jump?: { host: string; port: number; user: string; hostKey?: string };
}

/** The profile a first start creates. */
export const LOCAL_PROFILE: EnvironmentProfile = {
  id: 'local',
  name: 'Local',
  colour: '#2f81f7',
  production: false,
  namespace: '',
  redis: { url: 'redis://127.0.0.1:6379', username: '', tls: false },
  amqp: { url: 'amqp://guest@127.0.0.1:5672' },
  managementUrl: 'http://127.0.0.1:15672',
};

/** Password of the Local profile's AMQP user, stored in the secret store on first start. */
export const LOCAL_AMQP_PASSWORD = 'guest';

export type SecretSlot = 'redis' | 'amqp' | 'management' | 'payloadKey' | 'previousPayloadKeys' | 'postgres' | 'sshPassphrase' | 'sshPassword';

/** Whether the core must refuse writes on this environment. */
export function isReadOnly(profile: EnvironmentProfile): boolean {
  return profile.readOnly ?? profile.production;
}

/** The secret-store key of one password of one environment. */
export function secretKey(envId: string, slot: SecretSlot): string {
  return `env:${envId}:${slot}`;
}

import { nextColour, type EnvironmentInput, type EnvironmentView, type Role, type SshAuth, type TlsFiles } from '../../../../shared/model/environment';
import { maskingFormValuesFrom, maskingInputFrom, type MaskingFormValues } from './environment-form-masking.logic';


/** What the form's fields hold: strings and booleans exactly as typed. */
export interface EnvironmentFormValues {
  name: string;
  colour: string;
  production: boolean;
  /** The core refuses every change on this environment. */
  readOnly: boolean;
  /** This console's role on the environment. */
  role: Role;
  namespace: string;
  redisUrl: string;
  redisUsername: string;
  redisPassword: string;
  /** Editing only: clear the stored Redis password instead of keeping it. */
  clearRedisPassword: boolean;
  redisTls: boolean;
  /** TLS files (paths on the machine running the console's host) and server name. */
  redisTlsFiles: TlsFileValues;
  /** Redis behind Sentinel: the master name and "host:port, host:port" of the sentinels. */
  redisSentinelMaster: string;
  redisSentinelNodes: string;
  /** Redis Cluster: "host:port, host:port" of further seed nodes (the URL's node is one); empty for no cluster. */
  redisClusterNodes: string;
  amqpUrl: string;
  amqpPassword: string;
  clearAmqpPassword: boolean;
  amqpTlsFiles: TlsFileValues;
  managementUrl: string;
  managementTlsFiles: TlsFileValues;
  /** The pipeline's PostgreSQL database; empty for none. */
  postgresUrl: string;
  postgresPassword: string;
  clearPostgresPassword: boolean;
  /** AES-256-GCM key for encrypted payloads: typed replaces, empty keeps, clear removes. */
  payloadKey: string;
  clearPayloadKey: boolean;
  /** The current key's id (written into each envelope the workers encrypt); empty for none. */
  payloadKeyId: string;
  /** Keys rotated out, `id:key, id:key`: typed replaces, empty keeps, clear removes. */
  previousPayloadKeys: string;
  clearPreviousPayloadKeys: boolean;
  /** The SSH hop in front of every connection; an empty host means none. */
  sshHost: string;
  sshPort: string;
  sshUser: string;
  sshAuth: SshAuth;
  /** Private key file on the machine running the console's host. */
  sshKeyFile: string;
  sshPassphrase: string;
  clearSshPassphrase: boolean;
  sshPassword: string;
  clearSshPassword: boolean;
  /** The pinned host key, SHA256:… as OpenSSH prints it; empty: the first connection names it. */
  sshHostKey: string;
  /** A jump host before the bastion (same credentials); an empty host means none. */
  sshJumpHost: string;
  sshJumpPort: string;
  sshJumpUser: string;
  sshJumpHostKey: string;
  /** Masked payload fields (issue 20). */
  masking: MaskingFormValues;
}

export interface TlsFileValues {
  caFile: string;
  certFile: string;
  keyFile: string;
  servername: string;
}

const tlsValues = (files: TlsFiles | undefined): TlsFileValues => ({ caFile: files?.caFile ?? '', certFile: files?.certFile ?? '', keyFile: files?.keyFile ?? '', servername: files?.servername ?? '' });

/** The TLS files as the contract takes them: empty fields left out, undefined when none. */
export function tlsFilesFrom(values: TlsFileValues): TlsFiles | undefined {
  const kept = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v !== '')) as TlsFiles;
  return Object.keys(kept).length ? kept : undefined;
}

/**
 * The form for a new environment, or prefilled from one being edited (passwords always empty). A
 * new one starts with the first palette colour the `existing` environments do not use.
 */
export function formValuesFrom(env: EnvironmentView | null, existing: readonly Pick<EnvironmentView, 'colour'>[] = []): EnvironmentFormValues {
  return {
    name: env?.name ?? '',
    colour: env?.colour ?? nextColour(existing.map((e) => e.colour)),
    production: env?.production ?? false,
    readOnly: env?.opensReadOnly ?? false,
    role: env?.role ?? 'admin',
    namespace: env?.namespace ?? '',
    redisUrl: env?.redis?.url ?? '',
    redisUsername: env?.redis?.username ?? '',
    redisPassword: '',
    clearRedisPassword: false,
    redisTls: env?.redis?.tls ?? false,
    redisTlsFiles: tlsValues(env?.redis?.tlsFiles),
    redisSentinelMaster: env?.redis?.sentinel?.masterName ?? '',
    redisSentinelNodes: env?.redis?.sentinel?.nodes.join(', ') ?? '',
    redisClusterNodes: env?.redis?.cluster?.nodes.join(', ') ?? '',
    amqpUrl: env?.amqp?.url ?? '',
    amqpPassword: '',
    clearAmqpPassword: false,
    amqpTlsFiles: tlsValues(env?.amqp?.tlsFiles),
    payloadKey: '',
    clearPayloadKey: false,
    payloadKeyId: env?.payloadKeyId ?? '',
    previousPayloadKeys: '',
    clearPreviousPayloadKeys: false,
    managementTlsFiles: tlsValues(env?.managementTlsFiles),
    managementUrl: env?.managementUrl ?? '',
    postgresUrl: env?.postgres?.url ?? '',
    postgresPassword: '',
    clearPostgresPassword: false,
    sshHost: env?.ssh?.host ?? '',
    sshPort: String(env?.ssh?.port ?? 22),
    sshUser: env?.ssh?.user ?? '',
    sshAuth: env?.ssh?.auth ?? 'key',
    sshKeyFile: env?.ssh?.keyFile ?? '',
    sshPassphrase: '',
    clearSshPassphrase: false,
    sshPassword: '',
    clearSshPassword: false,
    sshHostKey: env?.ssh?.hostKey ?? '',
    sshJumpHost: env?.ssh?.jump?.host ?? '',
    sshJumpPort: String(env?.ssh?.jump?.port ?? 22),
    sshJumpUser: env?.ssh?.jump?.user ?? '',
    sshJumpHostKey: env?.ssh?.jump?.hostKey ?? '',
    masking: maskingFormValuesFrom(env?.masking),
  };
}

/** A port field as typed → a number (22 when empty); anything else is left for the host to refuse. */
function portOf(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 22 : Number(trimmed);
}

/** The SSH hop as the contract takes it, or null when no SSH host is set. */
export function sshInputFrom(values: EnvironmentFormValues): EnvironmentInput['ssh'] {
  const host = values.sshHost.trim();
  if (host === '') return null;
  const jumpHost = values.sshJumpHost.trim();
  return {
    host,
    port: portOf(values.sshPort),
    user: values.sshUser.trim(),
    auth: values.sshAuth,
    ...(values.sshAuth === 'key' && values.sshKeyFile.trim() ? { keyFile: values.sshKeyFile.trim() } : {}),
    passphrase: passwordChange(values.sshPassphrase, values.clearSshPassphrase),
    password: passwordChange(values.sshPassword, values.clearSshPassword),
    ...(values.sshHostKey.trim() ? { hostKey: values.sshHostKey.trim() } : {}),
    ...(jumpHost ? { jump: { host: jumpHost, port: portOf(values.sshJumpPort), user: values.sshJumpUser.trim(), ...(values.sshJumpHostKey.trim() ? { hostKey: values.sshJumpHostKey.trim() } : {}) } } : {}),
  };
}

/**
 * Turns the fields into what `environments.add`/`update`/`test` expect. An empty URL means "no such
 * broker" (null). A password typed replaces the stored one; left empty it is sent as undefined,
 * which keeps the stored one; "clear" sends null. Validation is the host's job (one set of rules,
 * one set of messages), so nothing here rejects.
 */
export function inputFromFormValues(values: EnvironmentFormValues): EnvironmentInput {
  const redisUrl = values.redisUrl.trim();
  const amqpUrl = values.amqpUrl.trim();
  const managementUrl = values.managementUrl.trim();
  const postgresUrl = values.postgresUrl.trim();
  const username = values.redisUsername.trim();
  return {
    name: values.name.trim(),
    colour: values.colour,
    production: values.production,
    readOnly: values.readOnly,
    role: values.role,
    namespace: values.namespace.trim(),
    redis:
      redisUrl === ''
        ? null
        : {
            url: redisUrl,
            username: username === '' ? undefined : username,
            password: passwordChange(values.redisPassword, values.clearRedisPassword),
            tls: values.redisTls,
            ...(tlsFilesFrom(values.redisTlsFiles) ? { tlsFiles: tlsFilesFrom(values.redisTlsFiles) } : {}),
            ...(values.redisSentinelMaster.trim() || values.redisSentinelNodes.trim()
              ? {
                  sentinel: {
                    masterName: values.redisSentinelMaster.trim(),
                    nodes: hostPorts(values.redisSentinelNodes),
                  },
                }
              : {}),
            ...(!values.redisSentinelMaster.trim() && hostPorts(values.redisClusterNodes).length > 0 ? { cluster: { nodes: hostPorts(values.redisClusterNodes) } } : {}),
          },
    amqp:
      amqpUrl === ''
        ? null
        : { url: amqpUrl, password: passwordChange(values.amqpPassword, values.clearAmqpPassword), ...(tlsFilesFrom(values.amqpTlsFiles) ? { tlsFiles: tlsFilesFrom(values.amqpTlsFiles) } : {}) },
    managementUrl: managementUrl === '' ? null : managementUrl,
    ...(managementUrl !== '' && tlsFilesFrom(values.managementTlsFiles) ? { managementTlsFiles: tlsFilesFrom(values.managementTlsFiles) } : {}),
    payloadKey: passwordChange(values.payloadKey.trim(), values.clearPayloadKey),
    payloadKeyId: values.payloadKeyId.trim() || null,
    previousPayloadKeys: passwordChange(values.previousPayloadKeys.trim(), values.clearPreviousPayloadKeys),
    ...(postgresUrl !== '' ? { postgres: { url: postgresUrl, password: passwordChange(values.postgresPassword, values.clearPostgresPassword) } } : {}),
    ssh: sshInputFrom(values),
    ...(maskingInputFrom(values.masking) ? { masking: maskingInputFrom(values.masking) } : {}),
  };
}

function passwordChange(typed: string, isClearing: boolean): string | null | undefined {
  if (typed !== '') return typed;
  return isClearing ? null : undefined;
}

/** "a:1, b:2 c:3" → ["a:1", "b:2", "c:3"]. */
function hostPorts(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((node) => node.trim())
    .filter(Boolean);
}

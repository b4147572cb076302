import { z } from 'zod';
import { MaskingConfig } from './masking';
import { parseBrokerUrl } from './broker-url';

export const REDIS_SCHEMES = ['redis', 'rediss'] as const;
export const AMQP_SCHEMES = ['amqp', 'amqps'] as const;
export const HTTP_SCHEMES = ['http', 'https'] as const;
export const POSTGRES_SCHEMES = ['postgres', 'postgresql'] as const;

function brokerUrl(schemes: readonly string[]) {
  return z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const parsed = parseBrokerUrl(value, schemes);
      if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
    });
}

/** A password field on input: absent keeps the stored one, `null` clears it, a string replaces it. */
const PasswordInput = z.string().max(1024).nullable().optional();

const FilePath = z.string().trim().max(4096);

/**
 * TLS files of one connection, as paths on the machine running the core. With a CA file, only
 * that CA is trusted for this environment (the system roots are not); a certificate is never
 * accepted unverified. Client certificate and key for mutual TLS; `servername` when the
 * certificate names another host than the URL.
 */
export const TlsFiles = z
  .object({
    caFile: FilePath.optional(),
    certFile: FilePath.optional(),
    keyFile: FilePath.optional(),
    servername: z.string().trim().max(253).optional(),
  })
  .strict();
export type TlsFiles = z.infer<typeof TlsFiles>;

/**
 * Redis behind Sentinel: the console asks these sentinels for the current primary of `masterName`
 * and follows a failover. The URL still gives the user, password and database.
 */
export const SentinelInput = z
  .object({
    masterName: z.string().trim().min(1, 'the master name is required').max(256),
    /** "host:port" of each sentinel. */
    nodes: z.array(z.string().trim().regex(/^[A-Za-z0-9_.:[\]-]+:\d{1,5}$/, 'each sentinel as host:port')).min(1).max(16),
  })
  .strict();
export type SentinelInput = z.infer<typeof SentinelInput>;

/**
 * Redis Cluster: the URL's host and these nodes are the seeds the console asks for the slot map;
 * it then talks to every master. The URL still gives the user, password and TLS (the database is
 * always 0 on a cluster). Features whose Lua scripts touch several undeclared keys are refused.
 */
export const ClusterInput = z
  .object({
    /** "host:port" of further seed nodes. */
    nodes: z.array(z.string().trim().regex(/^[A-Za-z0-9_.:[\]-]+:\d{1,5}$/, 'each cluster node as host:port')).min(1).max(64),
  })
  .strict();
export type ClusterInput = z.infer<typeof ClusterInput>;

export const RedisInput = z.object({
  url: brokerUrl(REDIS_SCHEMES),
  sentinel: SentinelInput.optional(),
  cluster: ClusterInput.optional(),
  username: z.string().max(256).optional(),
  password: PasswordInput,
  tls: z.boolean().default(false),
  tlsFiles: TlsFiles.optional(),
});

export const AmqpInput = z.object({
  url: brokerUrl(AMQP_SCHEMES),
  password: PasswordInput,
  tlsFiles: TlsFiles.optional(),
});

/**
 * The pipeline's PostgreSQL database (issue 17): `postgres://user[:password]@host[:port]/database`,
 * `?sslmode=require` (or verify-full) for TLS. The password goes to the secret store.
 */
export const PostgresInput = z.object({
  url: brokerUrl(POSTGRES_SCHEMES),
  password: PasswordInput,
  tlsFiles: TlsFiles.optional(),
});

/** An SSH host key fingerprint as OpenSSH prints it: `SHA256:` + unpadded base64 of the key blob's SHA-256. */
export const HostKeyFingerprint = z
  .string()
  .trim()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a host key as OpenSSH prints it: SHA256: and 43 base64 characters');

const SshHostName = z.string().trim().min(1, 'the SSH host is required').max(253).regex(/^[A-Za-z0-9_.:[\]-]+$/, 'an SSH host name or address');
const SshUser = z.string().trim().min(1, 'the SSH user is required').max(256);
const SshPort = z.number().int().min(1).max(65535).default(22);

/** How the console authenticates to the bastion (and to the jump host before it). */
export const SshAuth = z.enum(['key', 'agent', 'password']);
export type SshAuth = z.infer<typeof SshAuth>;

/**
 * An optional SSH hop in front of every connection of an environment (issue 18): the console opens
 * one SSH connection to `host` (through `jump` first when given, like OpenSSH's ProxyJump) and
 * forwards each broker connection over it. The passphrase and the password go to the secret store.
 * `hostKey` pins the server's key; without one, the first connection names the key to trust.
 */
export const SshInput = z
  .object({
    host: SshHostName,
    port: SshPort,
    user: SshUser,
    auth: SshAuth.default('key'),
    /** Private key file (OpenSSH or PEM) on the machine running the core; for `auth: key`. */
    keyFile: FilePath.optional(),
    /** The key file's passphrase. Absent keeps, null clears. */
    passphrase: PasswordInput,
    /** For `auth: password`. Absent keeps, null clears. */
    password: PasswordInput,
    hostKey: HostKeyFingerprint.optional(),
    /** A jump host reached first (same authentication); the bastion is reached through it. */
    jump: z.object({ host: SshHostName, port: SshPort, user: SshUser, hostKey: HostKeyFingerprint.optional() }).strict().optional(),
  })
  .strict();
export type SshInput = z.input<typeof SshInput>;

/**
 * What this console may do on an environment (seed 001 role-based permissions), checked in the
 * core: a viewer reads; an operator also acknowledges, escalates, replays, claims, pauses,
 * publishes; an admin also purges, drains, cleans, deletes consumers and changes policies.
 */
export const Role = z.enum(['viewer', 'operator', 'admin']);
export type Role = z.infer<typeof Role>;

/** Longest a read-only environment can be switched to write mode at once. */
export const MAX_WRITE_MODE_MINUTES = 60;

/**
 * Colours a new environment gets, in order: distinct at a glance on the dark theme (blue, orange,
 * green, purple, teal, pink, yellow, red last — red reads as "production" or "failing").
 */
export const ENVIRONMENT_PALETTE = ['#2f81f7', '#f0883e', '#3fb950', '#a371f7', '#39c5cf', '#db61a2', '#d29922', '#f85149'] as const;

/** The first palette colour no environment uses yet, so two environments never look alike by default; past the palette, it cycles. */
export function nextColour(used: readonly string[]): string {
  const taken = new Set(used.map((c) => c.toLowerCase()));
  return ENVIRONMENT_PALETTE.find((c) => !taken.has(c)) ?? ENVIRONMENT_PALETTE[used.length % ENVIRONMENT_PALETTE.length]!;
}

/** What a person types into the environment form (or the CLI's `env add`). */
export const EnvironmentInput = z.object({
  name: z.string().trim().min(1, 'name is required').max(64, 'name is at most 64 characters'),
  /** Absent on a new environment: the first palette colour no other environment has (see nextColour); on an edit: kept. */
  colour: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'colour must look like #1f6feb')
    .optional(),
  production: z.boolean().default(false),
  /** Refuses every write (acknowledge, claim, move, delete…) in the core. Defaults to `production`. */
  readOnly: z.boolean().optional(),
  /** This console's role on the environment; admin when not given. */
  role: Role.optional(),
  /** Prefix for every topology name (streams, groups, queues, exchanges) and discovery; '' for none. */
  namespace: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9_.:-]*$/, 'namespace may hold letters, digits and _ . : - only')
    .default(''),
  redis: RedisInput.nullable().default(null),
  amqp: AmqpInput.nullable().default(null),
  /** The pipeline's database; none by default (the sinks then say so). */
  postgres: PostgresInput.nullable().default(null),
  managementUrl: brokerUrl(HTTP_SCHEMES).nullable().default(null),
  /** TLS files of an https:// management API (its CA above all). */
  managementTlsFiles: TlsFiles.optional(),
  /** Every connection of the environment through this SSH hop; none by default. */
  ssh: SshInput.nullable().default(null),
  /** AES-256-GCM key (64 hex characters or base64 of 32 bytes) to show seed 001 encrypted payloads; kept in the secret store. Absent keeps, null clears. */
  payloadKey: PasswordInput,
  /** The current payload key's id: workers write it into each envelope they encrypt (`kid`), so a later rotation can still open them. Empty or absent: none. */
  payloadKeyId: z
    .string()
    .trim()
    .max(64)
    .regex(/^[A-Za-z0-9_.:-]*$/, 'the key id may hold letters, digits and _ . : - only')
    .nullable()
    .optional(),
  /** Keys rotated out, still opened: `id:key` one per line or comma-separated (64 hex characters or base64); kept in the secret store. Absent keeps, null clears. */
  previousPayloadKeys: z.string().max(16_384).nullable().optional(),
  /** Payload fields masked before they reach a window, the CLI or a search result (issue 20). Absent: the defaults on a new environment, kept on an edit; empty lists: none. */
  masking: MaskingConfig.optional(),
});
export type EnvironmentInput = z.input<typeof EnvironmentInput>;
export type EnvironmentInputParsed = z.output<typeof EnvironmentInput>;

/** An environment as the renderer sees it: URLs without passwords, secrets only as "is set". */
export const EnvironmentView = z.object({
  id: z.string(),
  name: z.string(),
  colour: z.string(),
  production: z.boolean(),
  /** Writes refused right now: opens read-only and not in timed write mode, or this console's role is viewer. */
  readOnly: z.boolean(),
  /** The profile's setting: opens read-only (production by default). */
  opensReadOnly: z.boolean(),
  /** Epoch ms until which write mode was switched on, or null. */
  writableUntil: z.number().nullable(),
  role: Role,
  /** The role in force: the profile's role narrowed to what the credentials allow (Redis ACL, RabbitMQ permissions). */
  effectiveRole: Role.optional(),
  /** Why: the profile's role, then what each broker's user allows (or "unknown, assumed …" and why). */
  roleReasons: z.array(z.string()).optional(),
  namespace: z.string(),
  redis: z.object({ url: z.string(), username: z.string(), hasPassword: z.boolean(), tls: z.boolean(), tlsFiles: TlsFiles.optional(), sentinel: SentinelInput.optional(), cluster: ClusterInput.optional() }).nullable(),
  amqp: z.object({ url: z.string(), hasPassword: z.boolean(), tlsFiles: TlsFiles.optional() }).nullable(),
  /** The database URL without password; absent or null: none configured. */
  postgres: z.object({ url: z.string(), hasPassword: z.boolean(), tlsFiles: TlsFiles.optional() }).nullable().optional(),
  managementUrl: z.string().nullable(),
  managementTlsFiles: TlsFiles.optional(),
  /** The SSH hop, secrets only as "is set"; absent or null: direct connections. */
  ssh: z
    .object({
      host: z.string(),
      port: z.number(),
      user: z.string(),
      auth: SshAuth,
      keyFile: z.string().optional(),
      hostKey: z.string().optional(),
      jump: z.object({ host: z.string(), port: z.number(), user: z.string(), hostKey: z.string().optional() }).optional(),
      hasPassphrase: z.boolean(),
      hasPassword: z.boolean(),
    })
    .nullable()
    .optional(),
  /** A payload decryption key is stored (never sent). */
  hasPayloadKey: z.boolean(),
  /** The current payload key's id (not secret), or null. */
  payloadKeyId: z.string().nullable().optional(),
  /** The ids of the previous payload keys still opened (the keys are never sent). */
  previousPayloadKeyIds: z.array(z.string()).optional(),
  /** The masking in force (the defaults unless the profile sets its own). */
  masking: MaskingConfig.optional(),
});
export type EnvironmentView = z.infer<typeof EnvironmentView>;

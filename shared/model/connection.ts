import { z } from 'zod';

/**
 * Why a broker connection failed, named the way an operator would say it (`not-found`: the database
 * does not exist). `ssh-*`: the SSH hop in front of the environment (issue 18) — the bastion cannot
 * be reached, refused the credentials, presented another host key than the pinned one (possible
 * man-in-the-middle), presented a key nobody trusted yet (`fingerprint` says which), refused to
 * forward (`AllowTcpForwarding no`), or cannot reach the broker itself; `tunnel-down`: the SSH
 * connection dropped and is being re-established (the broker is not at fault).
 */
export const FailureKind = z.enum([
  'refused',
  'auth',
  'timeout',
  'tls',
  'dns',
  'protocol',
  'not-found',
  'unknown',
  'ssh-unreachable',
  'ssh-auth',
  'ssh-host-key-changed',
  'ssh-host-key-unknown',
  'ssh-forwarding-refused',
  'ssh-target-unreachable',
  'tunnel-down',
]);
export type FailureKind = z.infer<typeof FailureKind>;

/** A classified connection failure: the kind plus a redacted, human-readable message. */
export const ConnectionFailure = z.object({
  kind: FailureKind,
  message: z.string(),
  /** `ssh-host-key-*`: the key the server presented (SHA256:…, as OpenSSH prints it), to compare and trust. */
  fingerprint: z.string().optional(),
  /** `ssh-host-key-*`: whose key it is — the bastion's or the jump host's. */
  sshHop: z.enum(['bastion', 'jump']).optional(),
});
export type ConnectionFailure = z.infer<typeof ConnectionFailure>;

/** Live state of one broker connection of one environment. */
export const BrokerStatus = z.object({
  state: z.enum(['not-configured', 'connecting', 'connected', 'disconnected']),
  /** Epoch ms of the last state change. */
  since: z.number(),
  failure: ConnectionFailure.optional(),
});
export type BrokerStatus = z.infer<typeof BrokerStatus>;

/** Outcome of "Test connection" for one broker. */
export const BrokerTestResult = z.object({
  configured: z.boolean(),
  ok: z.boolean(),
  latencyMs: z.number().optional(),
  serverVersion: z.string().optional(),
  failure: ConnectionFailure.optional(),
  /** Connected, but something an operator must know: e.g. a Redis that asks for no password at all. */
  warning: z.string().optional(),
});
export type BrokerTestResult = z.infer<typeof BrokerTestResult>;

export const ConnectionTestResult = z.object({
  redis: BrokerTestResult,
  amqp: BrokerTestResult,
  management: BrokerTestResult,
  /** The environment's PostgreSQL database. */
  postgres: BrokerTestResult,
  /** The SSH hop in front of them (not configured: direct). Absent from older hosts. */
  ssh: BrokerTestResult.optional(),
});
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>;

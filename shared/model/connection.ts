import { z } from 'zod';

/** Why a broker connection failed, named the way an operator would say it (`not-found`: the database does not exist). */
export const FailureKind = z.enum(['refused', 'auth', 'timeout', 'tls', 'dns', 'protocol', 'not-found', 'unknown']);
export type FailureKind = z.infer<typeof FailureKind>;

/** A classified connection failure: the kind plus a redacted, human-readable message. */
export const ConnectionFailure = z.object({ kind: FailureKind, message: z.string() });
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
});
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>;

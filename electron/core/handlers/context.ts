import type { Redis } from 'ioredis';
import type { RedisClient } from '../brokers/redis/redis-client';
import type { PayloadOf, TopicName } from '../../../shared/contract/events';
import type { MethodName } from '../../../shared/contract/methods';
import type { EnvironmentRuntime } from '../environments/environment-runtime';
import type { EnvironmentService } from '../environments/environment-service';
import type { Clock, Logger } from '../ports';
import type { Redactor } from '../redaction';
import type { Handlers } from '../rpc/dispatcher';
import type { ConfirmationTokens } from '../confirmations';

/** What a group of handlers may use of the core. */
export interface CoreContext {
  readonly environments: EnvironmentService;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redactor: Redactor;
  /** The live runtime of an environment, or NOT_FOUND. */
  runtime(envId: string): EnvironmentRuntime;
  /** The connected Redis client of an environment, or NOT_FOUND / BROKER_UNAVAILABLE; UNSUPPORTED on a cluster (`feature` names what was refused). */
  redisOf(envId: string, feature?: string): Redis;
  /** Like `redisOf`, but a Redis Cluster too: for single-key commands. */
  anyRedisOf(envId: string): RedisClient;
  emit<T extends TopicName>(topic: T, payload: PayloadOf<T>): void;
  /** One-time confirmation tokens of destructive actions. */
  readonly confirmations: ConfirmationTokens;
  /** "Analyst (os user)" to record actions with. */
  who(): string;
}

/** The handlers of the methods whose names start with `P`. */
export type HandlerGroup<P extends string> = Pick<Handlers, Extract<MethodName, `${P}${string}`>>;
